"""/api/v1/: every app's endpoints, and the OpenAPI document."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from warmwinter.accounts import api as accounts_api
from warmwinter.audit import api as audit_api
from warmwinter.regions import api as regions_api

urlpatterns = [
    path("auth/token", accounts_api.TokenObtain.as_view(), name="auth-token"),
    path("me", accounts_api.Me.as_view(), name="me"),
    path("regions/<str:code>", regions_api.RegionDetail.as_view(), name="region-detail"),
    path("regions/<str:code>/children", regions_api.RegionChildren.as_view(), name="region-children"),
    path("audit/events", audit_api.EventList.as_view(), name="audit-events"),
    path("", include("warmwinter.registry.api.urls")),
    path("", include("warmwinter.surveys.api.urls")),
    path("", include("warmwinter.hazards.api.urls")),
    path("", include("warmwinter.care.api.urls")),
    path("", include("warmwinter.notifications.api")),
    path("", include("warmwinter.alerts.api.urls")),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api:openapi"), name="docs"),
]
