"""Validating rows in worker processes: the CPU-heavy part of pass 1 (ID number checks,
encryption, pinyin) on every core, while the main process reads the file and stages rows.

Workers are forked after the parser has loaded everything it needs (villages, categories, the
user's memberships), so they never touch the database; their inherited connection is left
alone and they leave with os._exit, so it is never closed under the parent. Batches are
submitted through a bounded window, keeping memory flat however long the file is.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator

from django.conf import settings

BATCH_ROWS = 1000
WINDOW = 6  # batches in flight
MIN_ROWS = 20_000  # below this, forking costs more than it saves

_PARSER = None  # the parser the workers inherit


def worker_count(total_estimate: int) -> int:
    wanted = getattr(settings, "LEDGER_IMPORT_WORKERS", None)
    if wanted is None:
        wanted = int(os.environ.get("WARMWINTER_LEDGER_WORKERS", "0") or 0) or min(2, os.cpu_count() or 1)
    if wanted <= 1 or total_estimate < MIN_ROWS or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return wanted


def _parse_batch(batch):
    parser = _PARSER
    errors: list[tuple[int, str, str]] = []
    parser.report = lambda row, column, message: errors.append((row, column, str(message)))
    out = []
    for number, cells in batch:
        if parser.is_blank(cells) or parser.is_repeated_header(cells):
            continue
        out.append((number, parser.parse(number, cells)))
    return out, errors


def parse_rows(parser, rows: Iterator[tuple[int, list]], *, workers: int, report) -> Iterator[tuple[int, object]]:
    """(row number, Row or None) for every data row, in file order; errors go to `report`."""
    if not workers:
        for number, cells in rows:
            if parser.is_blank(cells) or parser.is_repeated_header(cells):
                continue
            yield number, parser.parse(number, cells)
        return
    global _PARSER
    _PARSER = parser
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending: deque = deque()
        batch: list = []

        def drain(limit: int):
            while len(pending) > limit:
                out, errors = pending.popleft().get()
                for error in errors:
                    report(*error)
                yield from out

        for item in rows:
            if not any(c is not None and c != "" for c in item[1]):
                continue
            batch.append(item)
            if len(batch) >= BATCH_ROWS:
                pending.append(pool.apply_async(_parse_batch, (batch,)))
                batch = []
                yield from drain(WINDOW)
        if batch:
            pending.append(pool.apply_async(_parse_batch, (batch,)))
        yield from drain(0)
    finally:
        pool.terminate()
        pool.join()
        _PARSER = None
