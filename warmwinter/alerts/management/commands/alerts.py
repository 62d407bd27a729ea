"""`warmwinter alerts import|list|expire`: weather warnings from the command line.

    warmwinter alerts import FILE_OR_URL [--user USERNAME]
    warmwinter alerts list [--active] [--json]
    warmwinter alerts expire

`import` without --user records as the system (the operator at the server, e.g. a cron job pulling the
meteorological bureau's feed); with --user it acts inside that user's scope and role, audited like the pages.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.alerts import cap, fetch, services
from warmwinter.alerts.choices import AlertSource, AlertState
from warmwinter.alerts.models import WeatherAlert
from warmwinter.core.cli_errors import UNKNOWN_USER, acting_user, domain_errors_as_command_errors  # noqa: F401

NO_FILE = _("文件不存在：%(path)s")
TOO_BIG = _("文件超过 1 MB，不是一条 CAP 预警消息：%(path)s")



def _read(source: str) -> tuple[bytes, str, str]:
    """The message's bytes, where it came from (AlertSource) and the URL if any."""
    if "://" in source:  # a URL: fetch refuses any scheme but http(s)
        return fetch.fetch_cap(source), AlertSource.CAP_URL, source
    path = Path(source)
    if not path.is_file():
        raise CommandError(NO_FILE % {"path": source})
    if path.stat().st_size > cap.MAX_BYTES:
        raise CommandError(TOO_BIG % {"path": source})
    return path.read_bytes(), AlertSource.CAP_FILE, ""


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(alert: WeatherAlert) -> dict:
    return {
        "id": alert.pk, "identifier": alert.identifier, "event": alert.event, "colour": alert.get_colour_display(),
        "headline": str(alert), "state": alert.state, "in_force": alert.in_force(), "onset": _local(alert.onset),
        "expires": _local(alert.expires), "areas": [a.region_id for a in alert.areas.all()],
    }


class Command(BaseCommand):
    help = "Weather warnings (气象预警): import a CAP 1.2 message from a file or URL, list them, end those past expiry."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        importing = sub.add_parser("import", help="import one CAP 1.2 message (a file path or an http(s) URL)")
        importing.add_argument("source", metavar="FILE_OR_URL")
        importing.add_argument("--user", help="act as this user, inside their scope (default: the system)")
        listing = sub.add_parser("list", help="print the warnings, newest first")
        listing.add_argument("--active", action="store_true", help="only warnings not yet ended")
        listing.add_argument("--json", action="store_true", help="one JSON array instead of text lines")
        sub.add_parser("expire", help="end the warnings past their expiry (and their duties and actions)")

    def handle(self, *args, subcommand, **options):
        getattr(self, f"_{subcommand}")(**options)

    def _import(self, **options):
        user = acting_user(options.get("user"))
        with domain_errors_as_command_errors():
            content, source, url = _read(options["source"])
            alert, created = cap.alert_import(actor=user, content=content, source=source, source_url=url)
        if not created:
            self.stdout.write(str(_("已录入过，未重复记录：%(id)s") % {"id": alert.identifier}))
            return
        self.stdout.write(f"{alert.pk}\t{alert.get_state_display()}\t{alert}\t{_local(alert.onset)} → {_local(alert.expires)}")

    def _list(self, **options):
        alerts = WeatherAlert.objects.prefetch_related("areas").order_by("-onset", "-id")
        if options.get("active"):
            alerts = alerts.filter(state=AlertState.ACTIVE)
        rows = [_row(a) for a in alerts]
        if options.get("json"):
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            mark = "*" if r["in_force"] else " "
            self.stdout.write(f"{mark} {r['id']}\t{r['state']}\t{r['colour']}\t{r['headline']}\t{r['onset']} → {r['expires']}\t{' '.join(r['areas'])}")
        self.stdout.write(str(_("共 %(n)s 条（* 为生效中）") % {"n": len(rows)}))

    def _expire(self, **options):
        ended = services.alerts_expire()
        self.stdout.write(str(_("已结束 %(n)s 条过期预警。") % {"n": ended}))
