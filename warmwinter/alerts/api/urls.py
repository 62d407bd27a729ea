"""/api/v1/ endpoints of weather warnings and the alert rules."""

from django.urls import path

from warmwinter.alerts.api import alerts

urlpatterns = [
    path("alerts", alerts.AlertList.as_view(), name="alert-list"),
    path("alerts/import", alerts.AlertImport.as_view(), name="alert-import"),
    path("alerts/<int:alert_id>", alerts.AlertDetail.as_view(), name="alert-detail"),
    path("alerts/<int:alert_id>/cancel", alerts.AlertCancel.as_view(), name="alert-cancel"),
    path("alert-rules", alerts.AlertRuleList.as_view(), name="alert-rule-list"),
]
