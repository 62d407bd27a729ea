from django.core.management.base import BaseCommand

from warmwinter.core.cli_errors import domain_errors_as_command_errors
from warmwinter.registry import dedupe


class Command(BaseCommand):
    help = "Likely duplicate persons: `dedupe find [--region CODE]` proposes new candidates for review."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        find = sub.add_parser("find", help="look for likely duplicates and add them to the review list")
        find.add_argument("--region", default="", help="division code (e.g. 520402 or 520402005001); all regions when left out")

    def handle(self, *args, subcommand, **options):
        with domain_errors_as_command_errors():
            result = dedupe.find_candidates(region_code=options["region"])
        where = result.region_code or "all regions"
        self.stdout.write(
            f"duplicate candidates in {where}: {result.total} new "
            f"(same name and birth date: {result.created[dedupe.NAME_BIRTH]}, same pinyin: {result.created[dedupe.PINYIN]}, "
            f"near names: {result.created[dedupe.FUZZY]}); {result.known} already decided or listed"
        )
