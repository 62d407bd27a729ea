"""ledger_import: validate a whole ledger file, then merge it into the registry in one transaction.

Pass 1 streams the rows, validates each (validation.check_person and the lookups), encrypts
and hashes the ID numbers and writes the rows into temporary staging tables; it holds no lock
on the registry. If anything is wrong the file is rejected whole (LedgerRejected) and nothing
is written. Pass 2 matches and merges set-based in one transaction, with the audit events.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import membership_for, memberships_of
from warmwinter.audit.services import ChainAppender
from warmwinter.core.errors import DomainError
from warmwinter.regions.codes import SIGNIFICANT_DIGITS, Level, level_of, normalize
from warmwinter.regions.models import Region
from warmwinter.registry.ledger import events, parallel, stage
from warmwinter.registry.ledger.headers import (
    HEADER_SCAN_ROWS, MIN_RECOGNISED, MISSING_COLUMN, NO_HEADER_ROW, VILLAGE_COLUMN_NEEDED, FIELD_LABELS, Header,
    header_text, recognise,
)
from warmwinter.registry.ledger.lookups import Categories, Scope, Villages
from warmwinter.registry.ledger.merge import Merge
from warmwinter.registry.ledger.outcome import ErrorSink, LedgerRejected, LedgerResult, RowError
from warmwinter.registry.ledger.reader import FileProblem, open_sheet
from warmwinter.registry.ledger.rows import Grouper, RowParser
from warmwinter.registry.models import Category

FILE_EMPTY = _("文件是空的")
NO_DATA_ROWS = _("表头下面没有人员数据")
DUPLICATE_ID = _("身份证号码与第 %(first)s 行重复（同一人在台账中只能出现一次）")
ID_OUT_OF_SCOPE = _("该身份证号码已登记在您管辖范围以外的村（社区），请联系上级民政部门核实")
REGION_UNKNOWN = _("区划代码不存在：%(code)s")
SOURCE = _("台账导入：%(name)s")
PROGRESS_EVERY = 5000
logger = logging.getLogger("warmwinter.ledger")
LOCK_KEY = 0x5757_4C45  # one ledger merge at a time on PostgreSQL (SQLite: the write lock)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _summary_region(region_code: str | None, span: tuple[str | None, str | None]) -> str:
    if region_code:
        return region_code
    low, high = span
    if not low:
        return ""
    common = 0
    while common < len(low) and low[common] == high[common]:
        common += 1
    for digits in sorted(SIGNIFICANT_DIGITS.values(), reverse=True):
        if digits <= common:
            return low[:digits].ljust(12, "0")
    return ""


def _region(region_code: str | None, actor) -> Region | None:
    if not region_code:
        return None
    try:
        code = normalize(region_code)
    except ValueError:
        raise DomainError(REGION_UNKNOWN % {"code": region_code}, field="region") from None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise DomainError(REGION_UNKNOWN % {"code": region_code}, field="region")
    if actor is not None:
        membership_for(actor, action="registry.import", region_code=code)
    return region


def ledger_import(*, actor, file_name: str, path: Path, region_code: str | None = None, dry_run: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> LedgerResult:
    """Import a ledger (台账) file; on any error raise LedgerRejected and write nothing."""
    path = Path(path)
    region = _region(region_code, actor)
    code = region.code if region else None
    default_village = code if code and level_of(code) == Level.VILLAGE else None
    today = timezone.localdate()
    sink = ErrorSink()
    scope = Scope(actor)
    staged = False
    started = time.perf_counter()
    try:
        with open_sheet(path, file_name) as sheet:
            rows = iter(sheet.rows)
            header, seen_any = _find_header(rows)
            if header is None:
                sink(0, "", FILE_EMPTY if not seen_any else NO_HEADER_ROW % {"rows": HEADER_SCAN_ROWS})
                raise sink.rejection()
            _check_columns(header, default_village, sink)
            if sink:
                raise sink.rejection()
            villages = Villages(code)
            memberships_of(actor)  # cached on the user before any worker is forked
            parser = RowParser(header, villages=villages, scope=scope, categories=Categories(),
                               default_village=default_village, today=today, report=sink)
            grouper = Grouper(header, sink, villages.names)
            stage.create_tables()
            staged = True
            stager = stage.Stager()
            households = _Households(stager)
            total = max(sheet.total - header.row, 0)
            done = 0
            for number, row in parallel.parse_rows(parser, rows, workers=parallel.worker_count(total), report=sink):
                done += 1
                if progress and done % PROGRESS_EVERY == 0:
                    progress(done, max(total, done))
                if row is None:
                    continue
                group = grouper.assign(row)
                households.add(group, row)
                stager.person((number, group, *row.person))
                from_ = row.category_from or None
                for category_code, grade in row.categories:
                    stager.category((number, category_code, grade, from_))
            households.close()
            stager.flush()
            if stager.count == 0 and not sink:
                sink(header.row, "", NO_DATA_ROWS)
            if stager.count:
                stage.index_tables()
                for same in stage.duplicate_rows():
                    for later in same[1:]:
                        sink(later, header.text_of("id_number"), DUPLICATE_ID % {"first": same[0]})
            if sink:
                raise sink.rejection()
        if progress:
            progress(stager.count, stager.count)
        logger.info("ledger %s: pass 1 (read, validate, stage) %d rows in %.2f s", file_name, stager.count, time.perf_counter() - started)
        started = time.perf_counter()
        result = _merge(actor=actor, header=header, scope=scope, sink=sink, file_name=file_name, path=path, code=code,
                      dry_run=dry_run, today=today, head_explicit=parser.head_rule != "")
        logger.info("ledger %s: pass 2 (match, merge, audit) in %.2f s", file_name, time.perf_counter() - started)
        return result
    except FileProblem as problem:
        raise LedgerRejected([RowError(row=0, column="", message=str(problem.message))]) from None
    finally:
        if staged:
            try:
                stage.drop_tables()
            except DatabaseError:
                pass  # the transaction is already aborted; the temporary tables go with the session


def _check_columns(header: Header, default_village: str | None, sink: ErrorSink) -> None:
    for field in ("name", "id_number"):
        if not header.has(field):
            sink(header.row, "", MISSING_COLUMN % {"column": FIELD_LABELS[field]})
    if not header.has("village") and not default_village:
        sink(header.row, "", VILLAGE_COLUMN_NEEDED)


def _find_header(rows) -> tuple[Header | None, bool]:
    """The first row (of the first HEADER_SCAN_ROWS) naming at least 3 known columns; the rows
    above it are titles. Consumes the rows up to and including it."""
    seen_any = False
    for number, cells in rows:
        if not any(c is not None and c != "" for c in cells):
            continue
        seen_any = True
        if number > HEADER_SCAN_ROWS:
            break
        found = recognise(cells)
        if len(found) >= MIN_RECOGNISED:
            return Header(row=number, columns=found, texts=[header_text(c) for c in cells]), True
    return None, seen_any


class _Households:
    """The household being read: its details are the first non-empty value among its rows."""

    KEYS = ("address", "phone", "housing", "heating")

    def __init__(self, stager):
        self.stager = stager
        self.current: dict | None = None

    def add(self, group: int, row) -> None:
        current = self.current
        if current is None or current["grp"] != group:
            self.close()
            current = self.current = dict(grp=group, village=row.village, head_row=None, number=row.household_number[:40],
                                          address="", phone="", housing="", heating="", bank_protected="", bank_tail="", bank_hash="")
        if row.is_head and current["head_row"] is None:
            current["head_row"] = row.number
        values = row.household
        for key in self.KEYS:
            if not current[key] and values.get(key):
                current[key] = values[key]
        if not current["number"] and row.household_number:
            current["number"] = row.household_number[:40]
        if not current["bank_protected"] and values.get("bank_protected"):
            current["bank_protected"], current["bank_tail"] = values["bank_protected"], values["bank_tail"]
            current["bank_hash"] = values["bank_hash"]

    def close(self) -> None:
        if self.current:
            self.stager.group(tuple(self.current[c] for c in stage.GROUP_COLUMNS))
            self.current = None


def _merge(*, actor, header: Header, scope: Scope, sink: ErrorSink, file_name: str, path: Path, code: str | None,
           dry_run: bool, today, head_explicit: bool) -> LedgerResult:
    merge = Merge(present=set(header.columns), head_explicit=head_explicit, today=today, now=timezone.now(),
                  source=str(SOURCE % {"name": file_name}))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        merge.match_persons()
        if actor is not None:
            names = dict(Region.objects.filter(code__in=merge.matched_regions()).values_list("code", "name"))
            outside = [r for r in merge.matched_regions() if scope.problem(r, names.get(r, r))]
            for row in merge.rows_in_regions(outside):
                sink(row, header.text_of("id_number"), ID_OUT_OF_SCOPE)
            if sink:
                raise sink.rejection()
        merge.resolve_households()
        merge.compare_bank_accounts()
        merge.allocate_ids(dry_run=dry_run)
        merge.link()
        merge.flag_changes()
        counts = merge.counts()
        result = LedgerResult(rows=counts.rows, households_created=counts.households_created,
                              households_updated=counts.households_updated, persons_created=counts.persons_created,
                              persons_updated=counts.persons_updated, unchanged=counts.unchanged, dry_run=dry_run,
                              categories_added=counts.categories_added)
        if dry_run:
            return result
        if not (counts.persons_created or counts.persons_updated or counts.households_created or counts.households_updated):
            return result  # the same file again: nothing changes, not even the audit log
        if actor is not None:
            for village in merge.villages():  # the roles, for the events (workers kept their own)
                scope.problem(village, village)
        writer = ChainAppender(actor)
        category_names = dict(Category.objects.values_list("code", "name"))
        present = set(header.columns)
        events.person_events(writer, present=present, roles=scope.roles, category_names=category_names)
        events.household_events(writer, roles=scope.roles, head_explicit=head_explicit)
        merge.apply()
        summary_region = _summary_region(code, merge.villages_span())
        role = next(iter(scope.roles.values()), "") if scope.roles else ""
        sha = file_sha256(path)
        writer.add(action="ledger.import", region_code=summary_region, role=role, object_type="ledger_file",
                   object_id=sha, changes={"file": [None, file_name], "sha256": [None, sha], **{
                       key: [None, value] for key, value in result.as_dict().items() if key != "dry_run"}})
        writer.close()
    return result

