from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from warmwinter.core.cli_errors import domain_errors_as_command_errors
from warmwinter.registry.crosscheck import CrosscheckKind
from warmwinter.registry.services_dedupe import crosscheck_run

FILE_MISSING = _("文件不存在：%(path)s")


class Command(BaseCommand):
    help = (
        "Compare the registry with an outside list (信息比对) by ID number and flag the persons found for review: "
        "`crosscheck FILE --kind deceased|public_servant|vehicle_owner|business_owner|other [--source NAME] [--region CODE]`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv (UTF-8 or GBK) or .xlsx with a 身份证号 column")
        parser.add_argument("--kind", required=True, choices=CrosscheckKind.values)
        parser.add_argument("--source", default="", help="where the list comes from (default: the file name)")
        parser.add_argument("--region", default="", help="compare only persons under this division code")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(FILE_MISSING % {"path": path})
        with domain_errors_as_command_errors():
            result = crosscheck_run(
                actor=None, kind=options["kind"], file_name=path.name, content=path.read_bytes(),
                source=options["source"], region_code=options["region"],
            )
        self.stdout.write(
            f"{result.rows} ID numbers in the list: {result.matched} matched, {result.unmatched} unmatched; "
            f"{result.flagged} new flags for review, {result.already} flagged before (source: {result.source})"
        )
