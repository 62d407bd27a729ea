"""/api/v1/ endpoints of surveys; each module in surveys/api/ keeps its own urlpatterns."""

from warmwinter.surveys.api import responses, rounds, spot_checks, templates

urlpatterns = [*templates.urlpatterns, *rounds.urlpatterns, *responses.urlpatterns, *spot_checks.urlpatterns]
