"""`warmwinter survey templates | rounds | coverage | import | blank`

    survey templates                                  the survey forms, newest version first
    survey rounds [--region CODE] [--status S] [--user U]
    survey coverage ROUND_ID [--region CODE] [--json] [--user U]
    survey import FILE --round ID --user USERNAME     a filled 摸底表 (.xlsx / .csv), all rows or none
    survey blank ROUND_ID OUT.xlsx                    an empty 摸底表 for the round's template

Without --user the operator reads unscoped (as `warmwinter export`); an import always acts as a
user, whose scope and role it checks. Exit status: 0 done; 1 an error, or a rejected file (every
error is printed on stderr with its row and column).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warmwinter.core.cli_errors import UNKNOWN_USER, acting_user, domain_errors_as_command_errors, percent  # noqa: F401
from warmwinter.regions.codes import in_subtree, normalize
from warmwinter.regions.models import Region
from warmwinter.surveys import selectors
from warmwinter.surveys.api.rounds import coverage_figures, rounds_in
from warmwinter.surveys.imports import blank_sheet_xlsx, survey_import
from warmwinter.surveys.models import SurveyRound, SurveyTemplate

UNKNOWN_ROUND = gettext_lazy("摸排不存在（或不在该用户的范围内）：%(id)s")
UNKNOWN_REGION = gettext_lazy("区划代码不存在：%(code)s")
FILE_MISSING = gettext_lazy("文件不存在：%(path)s")
FOLDER_MISSING = gettext_lazy("目录不存在：%(path)s")


class Command(BaseCommand):
    help = "Survey rounds (摸排): list templates and rounds, print coverage, import a filled 摸底表, write a blank one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("templates", help="the survey templates")
        rounds = sub.add_parser("rounds", help="survey rounds")
        rounds.add_argument("--region", help="rounds over this region, inside it, or over a region covering it")
        rounds.add_argument("--status", choices=["open", "closed"])
        rounds.add_argument("--user", help="as this user, inside their scope (default: the operator, unscoped)")
        coverage = sub.add_parser("coverage", help="households and persons surveyed, per region one level down")
        coverage.add_argument("round_id", type=int)
        coverage.add_argument("--region", help="a region inside the round (default: the round's region)")
        coverage.add_argument("--json", action="store_true", help="the figures as JSON (the API's shape)")
        coverage.add_argument("--user", help="as this user, inside their scope (default: the operator, unscoped)")
        load = sub.add_parser("import", help="a filled 摸底表 (.xlsx or .csv); nothing is written if any row has an error")
        load.add_argument("file")
        load.add_argument("--round", dest="round_id", type=int, required=True)
        load.add_argument("--user", required=True, help="the surveyor the answers are recorded for (their scope and role apply)")
        blank = sub.add_parser("blank", help="write an empty 摸底表 for a round")
        blank.add_argument("round_id", type=int)
        blank.add_argument("output")

    def handle(self, *args, what, **options):
        with domain_errors_as_command_errors():
            getattr(self, f"_{what}")(**options)

    # --- look-ups -----------------------------------------------------------------------------

    def _user(self, username):
        return acting_user(username)

    def _round(self, round_id: int, user, action: str = "survey.view") -> SurveyRound:
        if user is None:
            round_ = SurveyRound.objects.select_related("template", "region").filter(pk=round_id).first()
        else:
            round_ = selectors.rounds_for(user, action=action).filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(UNKNOWN_ROUND % {"id": round_id})
        return round_

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

    # --- subcommands --------------------------------------------------------------------------

    def _templates(self, **options):
        for t in SurveyTemplate.objects.all():
            state = "" if t.active else _("（停用）")
            self.stdout.write(f"{t.pk}\t{t.code} v{t.version}\t{t.plan}\t{t.subject}\t{len(t.questions)}\t{t.name}{state}")

    def _rounds(self, *, region=None, status=None, user=None, **options):
        actor = self._user(user)
        if actor is None:
            rounds = SurveyRound.objects.select_related("template", "region")
            if region:
                code = self._region(region)
                rounds = [r for r in rounds if in_subtree(r.region_id, code) or in_subtree(code, r.region_id)]
        else:
            rounds = rounds_in(actor, {"region": region or "", "status": ""})
        for r in rounds:
            if status and r.status != status:
                continue
            deadline = f"{r.report_deadline:%Y-%m-%d %H:%M}" if r.report_deadline else "—"
            self.stdout.write(f"{r.pk}\t{r.name}\t{r.template.code}\t{r.region.name}\t{r.starts_on}~{r.ends_on}\t{deadline}\t"
                              f"{r.get_status_display()}")

    def _coverage(self, *, round_id, region=None, json=False, user=None, **options):
        actor = self._user(user)
        round_ = self._round(round_id, actor)
        code = self._region(region)
        if actor is not None:
            code = selectors.round_region_for(actor, round_, code)
        elif code is None or not in_subtree(code, round_.region_id):
            code = round_.region_id
        figures = coverage_figures(round_, code)
        if json:
            self.stdout.write(_json_dumps(figures))
            return
        self.stdout.write(f"{round_.name}（{figures['region_name']}）")
        self.stdout.write("\t".join([_("区划"), _("户数"), _("已摸排"), _("覆盖率"), _("人数"), _("见到人数"), _("逾期"),
                                     _("完成村数")]))
        for row in [*figures["children"], figures["total"]]:
            name = _("合计") if row is figures["total"] else row["name"]
            self.stdout.write("\t".join(map(str, [
                name, row["households"], row["households_surveyed"], percent(row["coverage_rate"]), row["persons"],
                row["persons_covered"], row["late"], f"{row['villages_complete']}/{row['villages']}",
            ])))
        hazards = figures["hazards"]["total"]
        self.stdout.write(_("问题：发现 %(found)s 个，已销号 %(closed)s 个（整改率 %(rate)s），逾期未销号 %(overdue)s 个。") % {
            "found": hazards["found"], "closed": hazards["closed"], "rate": percent(hazards["rectification_rate"]),
            "overdue": hazards["open_overdue"]})

    def _import(self, *, file, round_id, user, **options):
        actor = self._user(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(FILE_MISSING % {"path": path})
        round_ = self._round(round_id, actor, action="survey.respond")
        outcome = survey_import(actor=actor, round_=round_, file_name=path.name, content=path.read_bytes())
        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(outcome.summary())
        self.stdout.write(outcome.summary())

    def _blank(self, *, round_id, output, **options):
        out = Path(output)
        if not out.parent.is_dir():
            raise CommandError(FOLDER_MISSING % {"path": out.parent})
        round_ = self._round(round_id, None)
        out.write_bytes(blank_sheet_xlsx(round_))
        self.stdout.write(str(out))


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
