from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from warmwinter.core.cli_errors import domain_errors_as_command_errors
from warmwinter.regions import services

FILE_MISSING = _("文件不存在：%(path)s")


class Command(BaseCommand):
    help = "Load the national division table, or import townships and villages from a csv/xlsx file (code,name)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("load", help="load the national table (2025, down to townships)")
        load.add_argument("--root", help="only this subtree (and its ancestors), e.g. 520402")
        imp = sub.add_parser("import", help="add or rename townships and villages from FILE (columns code,name)")
        imp.add_argument("file")

    def handle(self, *args, subcommand, **options):
        with domain_errors_as_command_errors():
            if subcommand == "load":
                root = options.get("root")
                result = services.regions_load(root_code=root.ljust(12, "0") if root else None)
            else:
                path = Path(options["file"])
                if not path.exists():
                    raise CommandError(FILE_MISSING % {"path": path})
                result = services.regions_import(actor=None, name=path.name, content=path.read_bytes())
        self.stdout.write(f"created {result.created}, renamed {result.renamed}, unchanged {result.unchanged}")
