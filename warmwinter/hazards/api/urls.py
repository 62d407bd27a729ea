"""/api/v1/ endpoints of the problem list and premises."""

urlpatterns: list = []
