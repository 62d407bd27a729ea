"""Pages of the problem list and premises; each module in hazards/views/ keeps its own urlpatterns."""

from warmwinter.hazards.views import URLPATTERNS

app_name = "hazards"
urlpatterns = URLPATTERNS
