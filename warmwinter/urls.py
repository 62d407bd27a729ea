from django.urls import include, path

from warmwinter.core.views import healthz

urlpatterns = [
    path("", include("warmwinter.reports.urls")),
    path("accounts/", include("warmwinter.accounts.urls")),
    path("regions/", include("warmwinter.regions.urls")),
    path("audit/", include("warmwinter.audit.urls")),
    path("registry/", include("warmwinter.registry.urls")),
    path("surveys/", include("warmwinter.surveys.urls")),
    path("hazards/", include("warmwinter.hazards.urls")),
    path("care/", include("warmwinter.care.urls")),
    path("notifications/", include("warmwinter.notifications.urls")),
    path("alerts/", include("warmwinter.alerts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(("warmwinter.api_urls", "api"))),
    path("healthz", healthz, name="healthz"),
]
