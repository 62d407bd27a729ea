"""`warmwinter import ledger FILE [--region CODE] [--dry-run] [--report PATH]`

Exit status: 0 imported (or checked, with --dry-run); 1 the file was rejected (every error is
printed on stderr, and written as an xlsx report with --report) or cannot be read.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from warmwinter.core.cli_errors import domain_errors_as_command_errors
from warmwinter.registry.ledger import LedgerRejected, error_report_xlsx, ledger_import


class Command(BaseCommand):
    help = "Import a ledger (台账) file: .xlsx, .xls or .csv (UTF-8 or GBK). Nothing is written if any row has an error."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ledger = sub.add_parser("ledger", help="households and persons from a 台账 / 花名册 file")
        ledger.add_argument("file")
        ledger.add_argument("--region", help="region code the file belongs to (villages are found by name inside it)")
        ledger.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        ledger.add_argument("--report", help="on errors, write the error report (xlsx) to this path")

    def handle(self, *args, what, file, region=None, dry_run=False, report=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("文件不存在：%(path)s") % {"path": path})
        show_progress = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show_progress:
                sys.stderr.write(f"\r{done}/{total}")
                sys.stderr.flush()

        try:
            with domain_errors_as_command_errors():
                try:
                    result = ledger_import(actor=None, file_name=path.name, path=path, region_code=region,
                                           dry_run=dry_run, progress=progress)
                except LedgerRejected as rejected:
                    for error in rejected.errors:
                        self.stderr.write(str(error))
                    if report:
                        Path(report).write_bytes(error_report_xlsx(file_name=path.name, path=path, errors=rejected.errors))
                        self.stderr.write(_("错误报告已写入 %(path)s") % {"path": report})
                    raise CommandError(str(rejected.message)) from None
        finally:
            if show_progress:
                sys.stderr.write("\n")
        summary = _("%(rows)s 行：新增家庭 %(hc)s 户，更新家庭 %(hu)s 户；新增人员 %(pc)s 人，更新人员 %(pu)s 人，未变 %(same)s 人；新增类别认定 %(cats)s 条。") % {
            "rows": result.rows, "hc": result.households_created, "hu": result.households_updated,
            "pc": result.persons_created, "pu": result.persons_updated, "same": result.unchanged, "cats": result.categories_added,
        }
        if result.dry_run:
            summary = _("试导入（未写入任何内容）：") + summary
        self.stdout.write(summary)
