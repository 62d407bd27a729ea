"""Helping-contact pages. Each module here defines `urlpatterns`; add new modules to the list below."""

from warmwinter.care.views import campaigns, compliance, contacts, duties, mine, villages

URLPATTERNS = [
    *campaigns.urlpatterns,
    *villages.urlpatterns,
    *contacts.urlpatterns,
    *mine.urlpatterns,
    *duties.urlpatterns,
    *compliance.urlpatterns,
]
