"""`warmwinter care campaigns | roster-build | compliance | export`

    care campaigns [--region CODE] [--status open|closed] [--user U]
    care roster-build CAMPAIGN_ID --user U [--region CODE]     put households with a roster category on the roster
    care compliance CAMPAIGN_ID [--region CODE] [--week YYYY-Www] [--json] [--user U]
    care export CAMPAIGN_ID OUT.xlsx [--region CODE] [--week YYYY-Www] --user U

Without --user the operator reads unscoped (as `warmwinter export`); building the roster and exporting always
act as a user, whose scope and role are checked (and audited). The week defaults to the current one in the
deployment time zone. Exit status: 0 done; 1 an error (the message on stderr).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warmwinter.care import exports_compliance, selectors, services
from warmwinter.care.models import CareCampaign
from warmwinter.care.quota import week_label
from warmwinter.care.selectors_compliance import campaign_region_for, campaigns_listed, compliance_figures, week_monday
from warmwinter.core.cli_errors import UNKNOWN_USER, acting_user, domain_errors_as_command_errors, percent  # noqa: F401
from warmwinter.regions.codes import in_subtree, normalize
from warmwinter.regions.models import Region

UNKNOWN_CAMPAIGN = gettext_lazy("帮扶联系工作不存在（或不在该用户的范围内）：%(id)s")
UNKNOWN_REGION = gettext_lazy("区划代码不存在：%(code)s")
OUTSIDE_CAMPAIGN = gettext_lazy("区划不在该帮扶联系工作的范围内：%(code)s")
FOLDER_MISSING = gettext_lazy("目录不存在：%(path)s")


class Command(BaseCommand):
    help = "Helping-contact campaigns (帮扶联系): list them, build a roster, print or export a week's compliance."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        campaigns = sub.add_parser("campaigns", help="the campaigns")
        campaigns.add_argument("--region", help="campaigns over this region, inside it, or over a region covering it")
        campaigns.add_argument("--status", choices=["open", "closed"])
        campaigns.add_argument("--user", help="as this user, inside their scope (default: the operator, unscoped)")
        build = sub.add_parser("roster-build", help="put every household with a roster category on the roster")
        build.add_argument("campaign_id", type=int)
        build.add_argument("--user", required=True, help="who builds it (their scope and role apply)")
        build.add_argument("--region", help="one village or township of the campaign (default: the narrowest the user shares with it)")
        figures = sub.add_parser("compliance", help="a week's compliance, per region one level down")
        figures.add_argument("campaign_id", type=int)
        figures.add_argument("--region", help="a region of the campaign (default: the campaign's region, or the user's)")
        figures.add_argument("--week", help="ISO week YYYY-Www (default: the current week)")
        figures.add_argument("--json", action="store_true", help="the figures as JSON (the API's shape)")
        figures.add_argument("--user", help="as this user, inside their scope (default: the operator, unscoped)")
        export = sub.add_parser("export", help="write a week's compliance workbook (xlsx)")
        export.add_argument("campaign_id", type=int)
        export.add_argument("output")
        export.add_argument("--region")
        export.add_argument("--week")
        export.add_argument("--user", required=True, help="who exports it (care.export; audited)")

    def handle(self, *args, what, **options):
        with domain_errors_as_command_errors():
            getattr(self, "_" + what.replace("-", "_"))(**options)

    # --- look-ups -----------------------------------------------------------------------------

    def _user(self, username):
        return acting_user(username)

    def _campaign(self, campaign_id: int, user) -> CareCampaign:
        if user is None:
            campaign = CareCampaign.objects.select_related("region").filter(pk=campaign_id).first()
        else:
            campaign = selectors.campaigns_for(user).filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(UNKNOWN_CAMPAIGN % {"id": campaign_id})
        return campaign

    def _region(self, code: str | None) -> str | None:
        if not code:
            return None
        try:
            code = normalize(code)
        except ValueError:
            raise CommandError(UNKNOWN_REGION % {"code": code}) from None
        if not Region.objects.filter(code=code).exists():
            raise CommandError(UNKNOWN_REGION % {"code": code})
        return code

    def _place(self, campaign: CareCampaign, user, region: str | None) -> str:
        """The region to read: the user's (as the pages choose it), else the one asked for inside the campaign."""
        code = self._region(region)
        if user is not None:
            return campaign_region_for(user, campaign, code)
        if code is None or in_subtree(campaign.region_id, code):
            return campaign.region_id
        if not in_subtree(code, campaign.region_id):
            raise CommandError(OUTSIDE_CAMPAIGN % {"code": code})
        return code

    # --- subcommands --------------------------------------------------------------------------

    def _campaigns(self, *, region=None, status=None, user=None, **options):
        actor = self._user(user)
        code = self._region(region)
        if actor is None:
            campaigns = CareCampaign.objects.select_related("region").order_by("-starts_on", "-id")
            if code:
                campaigns = [c for c in campaigns if in_subtree(c.region_id, code) or in_subtree(code, c.region_id)]
            campaigns = [c for c in campaigns if not status or c.status == status]
        else:
            campaigns = campaigns_listed(actor, region_code=code, status=status)
        filing = _("备案截止")
        for c in campaigns:
            self.stdout.write(f"{c.pk}\t{c.name}\t{c.region.name}\t{c.starts_on}~{c.ends_on}\t{filing} {c.filing_deadline}\t"
                              f"{c.get_status_display()}")

    def _roster_build(self, *, campaign_id, user, region=None, **options):
        actor = self._user(user)
        campaign = self._campaign(campaign_id, actor)
        code = campaign_region_for(actor, campaign, self._region(region))
        added = services.roster_build(actor=actor, campaign=campaign, region_code=code)
        name = Region.objects.filter(pk=code).values_list("name", flat=True).first()
        self.stdout.write(_("%(region)s：名册新增 %(n)s 户。") % {"region": name, "n": added})

    def _compliance(self, *, campaign_id, region=None, week=None, json=False, user=None, **options):
        actor = self._user(user)
        campaign = self._campaign(campaign_id, actor)
        code = self._place(campaign, actor, region)
        monday = week_monday(week)
        figures = compliance_figures(campaign, code, monday)
        if json:
            self.stdout.write(_json_dumps(figures))
            return
        self.stdout.write(f"{campaign.name}（{figures['region_name']}）{figures['week']} {figures['week_start']}~{figures['week_end']}")
        self.stdout.write("\t".join([_("区划"), _("名册户数"), _("达标户数"), _("达标率"), _("未落实帮扶人")]))
        rows = figures["children"] or figures["villages"]
        for row in [*rows, figures["total"]]:
            name = _("合计") if row is figures["total"] else row["name"]
            self.stdout.write("\t".join(map(str, [name, row["households"], row["compliant"], percent(row["compliance_rate"]),
                                                  row["without_helper"]])))
        self.stdout.write(_("未落实帮扶人 %(without)s 户；今日应联系 %(due)s 户。") % {
            "without": figures["without_helper"]["count"], "due": figures["due_today"]})

    def _export(self, *, campaign_id, output, region=None, week=None, user, **options):
        actor = self._user(user)
        out = Path(output)
        if not out.parent.is_dir():
            raise CommandError(FOLDER_MISSING % {"path": out.parent})
        campaign = self._campaign(campaign_id, actor)
        code = campaign_region_for(actor, campaign, self._region(region))
        monday = week_monday(week)
        export = exports_compliance.compliance_export(actor=actor, campaign=campaign, region_code=code, monday=monday)
        with out.open("wb") as handle:
            exports_compliance.write_xlsx(export, handle)
        self.stdout.write(_("%(path)s（%(region)s %(week)s）") % {"path": out, "region": export.region.name, "week": week_label(monday)})


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
