"""Pages of surveys; each area keeps its own urlpatterns next to its views (surveys/views/)."""

from warmwinter.surveys.views import URLPATTERNS

app_name = "surveys"
urlpatterns = URLPATTERNS
