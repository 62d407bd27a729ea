"""What other apps listen to: a warning came into force (or was updated), or it ended.

Sent inside the service's transaction, after the alert's own rows are written.
"""

from django.dispatch import Signal

alert_activated = Signal()  # sender=WeatherAlert, alert=..., actor=...
alert_ended = Signal()  # sender=WeatherAlert, alert=..., actor=..., reason="expired" | "cancelled"
