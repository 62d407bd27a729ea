"""Survey pages. Each module here defines `urlpatterns`; add new modules to the list below."""

from warmwinter.surveys.views import assignments, exports, imports, reports, responses, rounds, spot_checks, survey_templates

URLPATTERNS = [
    *rounds.urlpatterns,
    *responses.urlpatterns,
    *assignments.urlpatterns,
    *reports.urlpatterns,
    *spot_checks.urlpatterns,
    *survey_templates.urlpatterns,
    *imports.urlpatterns,
    *exports.urlpatterns,
]
