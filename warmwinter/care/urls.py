"""Pages of the helping-contact campaigns; each module in care/views/ keeps its own urlpatterns."""

from warmwinter.care.views import URLPATTERNS

app_name = "care"
urlpatterns = URLPATTERNS
