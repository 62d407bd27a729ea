"""The warning banner on every page: warnings in force over (or inside) the signed-in user's regions."""

from __future__ import annotations

from warmwinter.accounts.scoping import can
from warmwinter.alerts.selectors import banner_alerts_for


def weather_alerts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"weather_alerts": banner_alerts_for(user), "perms_alert_view": can(user, "alert.view")}
