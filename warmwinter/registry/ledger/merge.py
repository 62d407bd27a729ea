"""Pass 2: match the staged rows to the registry and merge them in, set-based.

Persons are matched by the keyed hash of their ID number. A row group (household in the file)
becomes the household of its head if the head is registered, else of its first registered
member, else the household with the same 户编号 in that village, else a new household; each
registered household goes to at most one group. Empty cells never clear a stored value.

The staged rows are never updated: what the merge learns goes into narrow temporary tables
made with CREATE ... AS SELECT (ledger_match, ledger_pid, ledger_hh ...), which is much cheaper
than rewriting a million wide rows.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection

from warmwinter.registry import protection

logger = logging.getLogger("warmwinter.ledger")
HOUSEHOLD_COLUMNS = (("number", "number"), ("address", "address"), ("phone", "phone"),
                     ("housing", "housing_condition"), ("heating", "heating_method"))


@dataclass
class Counts:
    rows: int = 0
    households_created: int = 0
    households_updated: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    unchanged: int = 0
    categories_added: int = 0


def _one(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _run(sql: str, params=()) -> int:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
    logger.debug("%.2f s, %d rows: %s", time.perf_counter() - started, count, sql[:90])
    return count


def _derive(table: str, select: str, params=(), *, key: str = "") -> None:
    _run(f"CREATE TEMPORARY TABLE {table} AS {select}", params)
    if key:
        _run(f"CREATE INDEX {table}_key ON {table} ({key})")
    if connection.vendor == "postgresql":
        _run(f"ANALYZE {table}")


class Merge:
    def __init__(self, *, present: set[str], head_explicit: bool, today: date, now: datetime, source: str):
        self.present = present
        self.head_explicit = head_explicit
        self.postgres = connection.vendor == "postgresql"
        self.ne = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        ops = connection.ops
        self.today = ops.adapt_datefield_value(today)
        self.now = ops.adapt_datetimefield_value(now)
        self.source = source[:100]

    # --- resolution (writes only temporary tables) ------------------------------------------

    def match_persons(self) -> None:
        _derive("ledger_match", "SELECT s.row_no, p.id AS person_id, p.household_id AS old_household_id, p.region_id AS old_region "
                "FROM ledger_person s JOIN registry_person p ON p.id_number_hash = s.id_hash", key="row_no")

    def matched_regions(self) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT old_region FROM ledger_match")
            return [r[0] for r in cursor.fetchall()]

    def rows_in_regions(self, regions: list[str]) -> list[int]:
        rows: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(regions), 500):
                part = regions[start:start + 500]
                cursor.execute(f"SELECT row_no FROM ledger_match WHERE old_region IN ({', '.join(['%s'] * len(part))})", part)
                rows.extend(r[0] for r in cursor.fetchall())
        return sorted(rows)

    def resolve_households(self) -> None:
        if self.head_explicit:
            _run("UPDATE ledger_group AS g SET cand = m.old_household_id, prio = 1 FROM ledger_match AS m WHERE m.row_no = g.head_row")
        _run("UPDATE ledger_group AS g SET cand = m.old_household_id, prio = 2 FROM "
             "(SELECT s.grp, MIN(s.row_no) AS row_no FROM ledger_person s JOIN ledger_match m0 ON m0.row_no = s.row_no GROUP BY s.grp) AS f "
             "JOIN ledger_match AS m ON m.row_no = f.row_no WHERE g.grp = f.grp AND g.cand IS NULL")
        if "household_number" in self.present:
            _run("UPDATE ledger_group SET prio = 3, cand = (SELECT MIN(h.id) FROM registry_household h "
                 "WHERE h.region_id = ledger_group.village AND h.number = ledger_group.number) "
                 "WHERE cand IS NULL AND number <> '' AND EXISTS (SELECT 1 FROM registry_household h "
                 "WHERE h.region_id = ledger_group.village AND h.number = ledger_group.number)")
        # One group per registered household: the head's claim first, then the earliest group.
        _derive("ledger_claim", "SELECT cand, grp FROM (SELECT cand, grp, ROW_NUMBER() OVER (PARTITION BY cand ORDER BY prio, grp) "
                "AS n FROM ledger_group WHERE cand IS NOT NULL) AS ranked WHERE n = 1", key="grp")
        _run("UPDATE ledger_group AS g SET household_id = c.cand FROM ledger_claim AS c WHERE c.grp = g.grp")

    def compare_bank_accounts(self) -> None:
        if "bank_account" not in self.present:
            return
        changed: list[int] = []
        with connection.cursor() as cursor:
            cursor.execute("SELECT g.grp, h.bank_account_protected, h.bank_account_tail, g.bank_tail, g.bank_hash "
                           "FROM ledger_group g JOIN registry_household h ON h.id = g.household_id WHERE g.bank_hash <> ''")
            for grp, protected, tail, new_tail, new_hash in cursor.fetchall():
                if tail != new_tail or not protected:
                    changed.append(grp)
                elif protection.lookup_hash(protection.decrypt(protected, context=b"bank")) != new_hash:
                    changed.append(grp)
            for start in range(0, len(changed), 500):
                part = changed[start:start + 500]
                cursor.execute(f"UPDATE ledger_group SET bank_changed = 1 WHERE grp IN ({', '.join(['%s'] * len(part))})", part)

    def allocate_ids(self, *, dry_run: bool) -> None:
        """Ids for new households and persons, so that both insert set-based with their links.
        A dry run allocates none (the tables stay empty)."""
        none = " AND 1 = 0" if dry_run else ""
        new_groups = "FROM ledger_group WHERE household_id IS NULL" + none
        new_rows = "FROM ledger_person s WHERE NOT EXISTS (SELECT 1 FROM ledger_match m WHERE m.row_no = s.row_no)" + none
        if self.postgres:
            _derive("ledger_newhh", f"SELECT grp, nextval(pg_get_serial_sequence('registry_household', 'id')) AS id {new_groups}", key="grp")
            _derive("ledger_newid", f"SELECT s.row_no, nextval(pg_get_serial_sequence('registry_person', 'id')) AS id {new_rows}", key="row_no")
            return
        # SQLite: the IMMEDIATE transaction holds the write lock, so nobody else takes ids meanwhile.
        bases = []
        for table in ("registry_household", "registry_person"):
            try:
                seq = _one("SELECT seq FROM sqlite_sequence WHERE name = %s", [table]) or 0
            except Exception:  # no sqlite_sequence yet
                seq = 0
            bases.append(max(_one("SELECT COALESCE(MAX(id), 0) FROM " + table) or 0, seq))
        _derive("ledger_newhh", f"SELECT grp, grp + %s AS id {new_groups}", [bases[0]], key="grp")
        _derive("ledger_newid", f"SELECT s.row_no, s.row_no + %s AS id {new_rows}", [bases[1]], key="row_no")

    def link(self) -> None:
        """ledger_hh: each group's household (new or registered) and head; ledger_pid: each row's person and household."""
        _derive("ledger_hh", "SELECT g.grp, COALESCE(g.household_id, nh.id) AS household_id, "
                "CASE WHEN g.household_id IS NULL THEN 1 ELSE 0 END AS is_new, COALESCE(hm.person_id, hn.id) AS head_pid "
                "FROM ledger_group g LEFT JOIN ledger_newhh nh ON nh.grp = g.grp "
                "LEFT JOIN ledger_match hm ON hm.row_no = g.head_row LEFT JOIN ledger_newid hn ON hn.row_no = g.head_row", key="grp")
        _derive("ledger_pid", "SELECT s.row_no, m.person_id, n.id AS new_person_id, x.household_id "
                "FROM ledger_person s JOIN ledger_hh x ON x.grp = s.grp LEFT JOIN ledger_match m ON m.row_no = s.row_no "
                "LEFT JOIN ledger_newid n ON n.row_no = s.row_no", key="row_no")

    def flag_changes(self) -> None:
        ne = self.ne
        person = ["p.name <> s.name", "p.gender <> s.gender", f"p.birth_date {ne} s.birth_date",
                  f"p.household_id {ne} x.household_id", "p.region_id <> s.village"]
        for column in ("relation", "phone", "notes"):
            if column in self.present:
                person.append(f"(s.{column} <> '' AND p.{column} <> s.{column})")
        if "death_date" in self.present:
            person.append(f"(s.death_date IS NOT NULL AND (p.death_date {ne} s.death_date OR p.alive))")
        _derive("ledger_pchanged", "SELECT s.row_no FROM ledger_match m JOIN ledger_person s ON s.row_no = m.row_no "
                "JOIN ledger_pid x ON x.row_no = m.row_no JOIN registry_person p ON p.id = m.person_id "
                f"WHERE {' OR '.join(person)}", key="row_no")
        # A category the person does not already hold from that day on is added.
        _run("INSERT INTO ledger_newcat (row_no, category_id, grade, valid_from) "
             "SELECT c.row_no, c.category_id, c.grade, COALESCE(c.valid_from, %s) FROM ledger_category c "
             "LEFT JOIN ledger_match m ON m.row_no = c.row_no WHERE m.person_id IS NULL OR NOT EXISTS ("
             "SELECT 1 FROM registry_categoryassignment a WHERE a.person_id = m.person_id AND a.category_id = c.category_id "
             "AND (a.valid_to IS NULL OR a.valid_to >= COALESCE(c.valid_from, %s) OR a.valid_from = COALESCE(c.valid_from, %s)))",
             [self.today, self.today, self.today])
        _run("INSERT INTO ledger_pchanged (row_no) SELECT DISTINCT n.row_no FROM ledger_newcat n "
             "JOIN ledger_match m ON m.row_no = n.row_no WHERE NOT EXISTS (SELECT 1 FROM ledger_pchanged c WHERE c.row_no = n.row_no)")
        head = f"(g.head_row IS NOT NULL AND (x.head_pid IS NULL OR h.head_id {ne} x.head_pid)"
        household = ["h.region_id <> g.village", "g.bank_changed = 1", head + ("" if self.head_explicit else " AND h.head_id IS NULL") + ")"]
        household += [f"(g.{column} <> '' AND h.{stored} <> g.{column})" for column, stored in HOUSEHOLD_COLUMNS]
        _derive("ledger_hchanged", "SELECT g.grp FROM ledger_group g JOIN ledger_hh x ON x.grp = g.grp "
                f"JOIN registry_household h ON h.id = x.household_id WHERE x.is_new = 0 AND ({' OR '.join(household)})", key="grp")

    def counts(self) -> Counts:
        rows = _one("SELECT COUNT(*) FROM ledger_person") or 0
        matched = _one("SELECT COUNT(*) FROM ledger_match") or 0
        updated = _one("SELECT COUNT(*) FROM ledger_pchanged") or 0
        return Counts(rows=rows, persons_created=rows - matched, persons_updated=updated, unchanged=matched - updated,
                      households_created=_one("SELECT COALESCE(SUM(is_new), 0) FROM ledger_hh") or 0,
                      households_updated=_one("SELECT COUNT(*) FROM ledger_hchanged") or 0,
                      categories_added=_one("SELECT COUNT(*) FROM ledger_newcat") or 0)

    def villages_span(self) -> tuple[str | None, str | None]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT MIN(village), MAX(village) FROM ledger_person")
            return cursor.fetchone()

    def villages(self) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT village FROM ledger_person")
            return [r[0] for r in cursor.fetchall()]

    # --- the writes ------------------------------------------------------------------------

    def apply(self) -> None:
        now = self.now
        _run("INSERT INTO registry_household (id, region_id, number, address, head_id, phone, housing_condition, heating_method, "
             "bank_account_protected, bank_account_tail, status, created_at, updated_at, version) "
             "SELECT x.household_id, g.village, g.number, g.address, x.head_pid, g.phone, "
             "CASE WHEN g.housing <> '' THEN g.housing ELSE 'unknown' END, CASE WHEN g.heating <> '' THEN g.heating ELSE 'unknown' END, "
             "g.bank_protected, g.bank_tail, 'active', %s, %s, 1 "
             "FROM ledger_group g JOIN ledger_hh x ON x.grp = g.grp WHERE x.is_new = 1 ORDER BY x.household_id", [now, now])
        _run("INSERT INTO registry_person (id, household_id, region_id, name, name_pinyin, name_initials, gender, birth_date, "
             "id_number_protected, id_number_hash, id_number_tail, id_number_masked, relation, phone, alive, death_date, notes, "
             "created_at, updated_at, version) "
             "SELECT x.new_person_id, x.household_id, s.village, s.name, s.pinyin, s.initials, s.gender, s.birth_date, "
             "s.id_protected, s.id_hash, s.id_tail, s.id_masked, "
             "CASE WHEN s.relation <> '' THEN s.relation WHEN s.is_head = 1 THEN 'head' ELSE 'other' END, s.phone, "
             "CASE WHEN s.death_date IS NULL THEN TRUE ELSE FALSE END, s.death_date, s.notes, %s, %s, 1 "
             "FROM ledger_person s JOIN ledger_pid x ON x.row_no = s.row_no WHERE x.person_id IS NULL ORDER BY x.new_person_id",
             [now, now])
        _run("UPDATE registry_person AS p SET name = s.name, name_pinyin = s.pinyin, name_initials = s.initials, "
             "gender = s.gender, birth_date = s.birth_date, household_id = x.household_id, region_id = s.village, "
             "relation = CASE WHEN s.relation <> '' THEN s.relation ELSE p.relation END, "
             "phone = CASE WHEN s.phone <> '' THEN s.phone ELSE p.phone END, "
             "notes = CASE WHEN s.notes <> '' THEN s.notes ELSE p.notes END, "
             "death_date = COALESCE(s.death_date, p.death_date), "
             "alive = CASE WHEN s.death_date IS NOT NULL THEN FALSE ELSE p.alive END, "
             "version = p.version + 1, updated_at = %s "
             "FROM ledger_pchanged c JOIN ledger_person s ON s.row_no = c.row_no JOIN ledger_pid x ON x.row_no = c.row_no "
             "WHERE p.id = x.person_id", [now])
        head = "g.head_row IS NOT NULL" + ("" if self.head_explicit else " AND h.head_id IS NULL")
        _run("UPDATE registry_household AS h SET region_id = g.village, "
             + ", ".join(f"{stored} = CASE WHEN g.{column} <> '' THEN g.{column} ELSE h.{stored} END" for column, stored in HOUSEHOLD_COLUMNS)
             + ", bank_account_protected = CASE WHEN g.bank_changed = 1 THEN g.bank_protected ELSE h.bank_account_protected END"
             + ", bank_account_tail = CASE WHEN g.bank_changed = 1 THEN g.bank_tail ELSE h.bank_account_tail END"
             + f", head_id = CASE WHEN {head} THEN x.head_pid ELSE h.head_id END, version = h.version + 1, updated_at = %s "
             "FROM ledger_hchanged c JOIN ledger_group g ON g.grp = c.grp JOIN ledger_hh x ON x.grp = c.grp "
             "WHERE h.id = x.household_id", [now])
        # Members of a household that moved village (but not in this file) move with it.
        _run("UPDATE registry_person AS p SET region_id = h.region_id FROM registry_household AS h "
             "WHERE h.id = p.household_id AND p.region_id <> h.region_id AND h.id IN "
             "(SELECT x.household_id FROM ledger_hchanged c JOIN ledger_hh x ON x.grp = c.grp)")
        _run("INSERT INTO registry_categoryassignment (person_id, category_id, region_id, grade, valid_from, valid_to, source, "
             "verified_by, note, created_at) SELECT COALESCE(x.person_id, x.new_person_id), n.category_id, s.village, n.grade, "
             "n.valid_from, NULL, %s, '', '', %s FROM ledger_newcat n JOIN ledger_person s ON s.row_no = n.row_no "
             "JOIN ledger_pid x ON x.row_no = n.row_no", [self.source, now])
