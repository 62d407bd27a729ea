from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from warmwinter.core.cli_errors import domain_errors_as_command_errors
from warmwinter.registry import exports

UNKNOWN_USER = _("用户不存在或已停用：%(name)s")
FOLDER_MISSING = _("目录不存在：%(path)s")


class Command(BaseCommand):
    help = "Export the 台账 (ledger) or 花名册 (roster) of a region as xlsx or csv. Audited as ledger.export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        ledger = sub.add_parser("ledger", help="a region subtree's ledger or roster")
        ledger.add_argument("--region", required=True, help="region code, e.g. 520402 (its whole subtree is exported)")
        ledger.add_argument("--kind", choices=exports.KINDS, default=exports.KIND_LEDGER)
        ledger.add_argument("--format", choices=exports.FORMATS, help="default: from the suffix of -o, else xlsx")
        ledger.add_argument("--category", default="", help="category code or Chinese name (e.g. disabled, 低保)")
        alive = ledger.add_mutually_exclusive_group()
        alive.add_argument("--alive", dest="alive", action="store_const", const=True, help="living persons only")
        alive.add_argument("--deceased", dest="alive", action="store_const", const=False, help="deceased persons only")
        ledger.add_argument("--full-ids", action="store_true", help="full ID numbers (needs --reason; audited)")
        ledger.add_argument("--reason", default="", help="why full ID numbers are needed")
        ledger.add_argument("--user", help="act as this user, inside their scope and role (default: the operator, unscoped)")
        ledger.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args, subcommand, **options):
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(FOLDER_MISSING % {"path": output.parent})
        actor = None
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(UNKNOWN_USER % {"name": options["user"]})
        fmt = options.get("format") or ("csv" if output.suffix.lower() == ".csv" else "xlsx")
        with domain_errors_as_command_errors():
            export = exports.ledger_export(actor=actor, request=exports.ExportRequest(
                region=options["region"], kind=options["kind"], category=options["category"], alive=options.get("alive"),
                format=fmt, full_ids=options["full_ids"], reason=options["reason"],
            ))
        exports.write_export(export, output)
        self.stdout.write(f"{export.count} rows -> {output}")
