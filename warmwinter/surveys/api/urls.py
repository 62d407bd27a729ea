"""/api/v1/ endpoints of surveys; each module in surveys/api/ keeps its own urlpatterns."""

urlpatterns: list = []
