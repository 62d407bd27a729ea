"""Pages of weather warnings (气象预警) and their rules; each module in alerts/views/ keeps its own urlpatterns."""

from warmwinter.alerts.views import URLPATTERNS

app_name = "alerts"
urlpatterns = URLPATTERNS
