"""`warmwinter hazards list|export|move`: the problem list (问题清单) from the command line.

    warmwinter hazards list [--region CODE] [--overdue] [--open] [--state S] [--user USERNAME] [--json]
    warmwinter hazards export OUT.xlsx [--region CODE] [--overdue] [--open] [--state S] --user USERNAME
    warmwinter hazards move ID TRANSITION --user USERNAME [--note TEXT]

`list` without --user is the operator at the server: every hazard, no scope. `export` and `move`
act as a user, inside their scope and role, and are audited like the pages.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.core.cli_errors import UNKNOWN_USER, acting_user, domain_errors_as_command_errors  # noqa: F401
from warmwinter.hazards import exports, selectors, services, workflow
from warmwinter.hazards.selectors import HazardFilter
from warmwinter.hazards.workflow import State

FOLDER_MISSING = _("目录不存在：%(path)s")
UNKNOWN_STATE = _("状态不存在：%(value)s（可选：%(choices)s）")



def _filters(options) -> HazardFilter:
    state = options.get("state") or ""
    if state and state not in State.values:
        raise CommandError(UNKNOWN_STATE % {"value": state, "choices": ", ".join(State.values)})
    return HazardFilter(region=options.get("region") or "", state=state, overdue=bool(options.get("overdue")),
                        open_only=bool(options.get("open")))


def _row(hazard, today) -> dict:
    return {
        "id": hazard.pk, "region": hazard.region_id, "region_name": hazard.region.name, "subject": str(hazard.subject or ""),
        "category": hazard.category, "severity": hazard.severity, "title": hazard.title, "state": hazard.state,
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None, "overdue": selectors.is_overdue(hazard, today),
        "responsible_unit": hazard.responsible_unit, "responsible_person": hazard.responsible_person,
        "found_at": timezone.localtime(hazard.found_at).isoformat(timespec="minutes"),
        "closed_at": timezone.localtime(hazard.closed_at).isoformat(timespec="minutes") if hazard.closed_at else None,
    }


class Command(BaseCommand):
    help = "The problem list (问题清单): list, export as xlsx, or move an item along its workflow."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)

        def filters(p):
            p.add_argument("--region", help="region code: its whole subtree")
            p.add_argument("--state", help="one of " + ", ".join(State.values))
            p.add_argument("--overdue", action="store_true", help="open and past the deadline")
            p.add_argument("--open", action="store_true", help="not yet closed (销号)")

        listing = sub.add_parser("list", help="print the problem list")
        filters(listing)
        listing.add_argument("--user", help="act as this user, inside their scope (default: the operator, unscoped)")
        listing.add_argument("--json", action="store_true", help="one JSON array instead of text lines")

        export = sub.add_parser("export", help="write the 问题清单 xlsx")
        export.add_argument("output")
        filters(export)
        export.add_argument("--user", required=True, help="act as this user, inside their scope")

        move = sub.add_parser("move", help="move one item: " + ", ".join(workflow.TRANSITIONS))
        move.add_argument("hazard_id", type=int)
        move.add_argument("transition", choices=list(workflow.TRANSITIONS))
        move.add_argument("--user", required=True, help="act as this user, inside their scope and role")
        move.add_argument("--note", default="", help="the note (required for resolve_on_spot, escalate, rectify, reject)")

    def handle(self, *args, subcommand, **options):
        getattr(self, f"_{subcommand}")(**options)

    def _list(self, **options):
        user = acting_user(options.get("user"))
        filters = _filters(options)
        today = timezone.localdate()
        hazards = selectors.hazards_for(user, filters, today=today) if user else selectors.hazards_unscoped(filters, today=today)
        rows = [_row(h, today) for h in hazards.iterator(chunk_size=2000)]
        if options.get("json"):
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        labels = dict(State.choices)
        for r in rows:
            flag = " " + str(_("逾期")) if r["overdue"] else ""
            self.stdout.write(f"{r['id']}\t{labels[r['state']]}{flag}\t{r['deadline'] or '—'}\t{r['region_name']}\t{r['subject'] or '—'}\t{r['title']}")
        self.stdout.write(str(_("共 %(n)s 项") % {"n": len(rows)}))

    def _export(self, **options):
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(FOLDER_MISSING % {"path": output.parent})
        user = acting_user(options["user"])
        with domain_errors_as_command_errors():
            export = exports.hazard_export(actor=user, filters=_filters(options))
        exports.write_export(export, output)
        self.stdout.write(f"{export.count} rows -> {output}")

    def _move(self, **options):
        user = acting_user(options["user"])
        with domain_errors_as_command_errors():
            hazard = selectors.access_hazard(user, options["hazard_id"])
            before = hazard.state
            hazard = services.hazard_transition(actor=user, hazard=hazard, name=options["transition"], note=options["note"])
        self.stdout.write(f"#{hazard.pk}: {State(before).label} → {State(hazard.state).label}")
