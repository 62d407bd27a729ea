from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from warmwinter.audit.verify import anchor_verify, chain_head, chain_verify


class Command(BaseCommand):
    help = "Audit chain tools: `audit verify` exits 0 when intact, 1 naming the first broken event."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="recompute the hash chain")
        verify.add_argument(
            "--anchor", type=Path,
            help="file outside the database holding 'SEQ HASH' of an earlier verified head; checked, then advanced",
        )

    def handle(self, *args, subcommand, anchor=None, **options):
        report = chain_verify()
        if not report.ok:
            raise CommandError(f"audit chain BROKEN at event #{report.broken_seq}: {report.reason} ({report.checked} events verified before it)")
        if anchor is not None and anchor.exists():
            try:
                seq_text, hash_text = anchor.read_text().split()
                anchored = anchor_verify(seq=int(seq_text), hash=hash_text)
            except ValueError:
                raise CommandError(f"anchor file {anchor} is not 'SEQ HASH'") from None
            if anchored is not None:
                raise CommandError(f"audit chain BROKEN at event #{anchored.broken_seq}: {anchored.reason}")
        seq, head_hash = chain_head()
        if anchor is not None:
            anchor.write_text(f"{seq} {head_hash}\n")
        self.stdout.write(f"audit chain intact: {report.checked} events verified (head #{seq} {head_hash[:16]})")
