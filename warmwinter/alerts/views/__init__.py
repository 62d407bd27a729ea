"""Weather-warning pages. Each module here defines `urlpatterns`."""

from warmwinter.alerts.views import alerts, rules

URLPATTERNS = [*alerts.urlpatterns, *rules.urlpatterns]
