"""/api/v1/ endpoints of care; each module in care/api/ keeps its own urlpatterns."""

from warmwinter.care.api import campaigns, compliance, contacts, helpers

urlpatterns = [*compliance.urlpatterns, *campaigns.urlpatterns, *helpers.urlpatterns, *contacts.urlpatterns]
