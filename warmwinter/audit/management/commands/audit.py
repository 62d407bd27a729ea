from django.core.management.base import BaseCommand, CommandError

from warmwinter.audit.verify import chain_verify


class Command(BaseCommand):
    help = "Audit chain tools: `audit verify` exits 0 when intact, 1 naming the first broken event."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="recompute the hash chain")

    def handle(self, *args, subcommand, **options):
        report = chain_verify()
        if not report.ok:
            raise CommandError(f"audit chain BROKEN at event #{report.broken_seq}: {report.reason} ({report.checked} events verified before it)")
        self.stdout.write(f"audit chain intact: {report.checked} events verified")
