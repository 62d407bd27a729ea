"""Ledger (台账) import: the files clerks make, validated whole, merged set-based.

    ledger_import(actor=..., file_name=..., path=..., region_code=None, dry_run=False, progress=None) -> LedgerResult
    error_report_xlsx(file_name=..., path=..., errors=[RowError, ...]) -> bytes

See docs/ledger-import.md for the rules and the design.
"""

from warmwinter.registry.ledger.outcome import LedgerRejected, LedgerResult, RowError
from warmwinter.registry.ledger.importer import ledger_import
from warmwinter.registry.ledger.report import error_report_xlsx

__all__ = ["LedgerRejected", "LedgerResult", "RowError", "error_report_xlsx", "ledger_import"]
