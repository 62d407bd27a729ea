"""Problem-list and premises pages. Each module here defines `urlpatterns`."""

from warmwinter.hazards.views import hazards, premises

URLPATTERNS = [*hazards.urlpatterns, *premises.urlpatterns]
