"""Survey pages. Each module here defines `urlpatterns`; add new modules to the list below."""

from warmwinter.surveys.views import rounds

URLPATTERNS = [*rounds.urlpatterns]
