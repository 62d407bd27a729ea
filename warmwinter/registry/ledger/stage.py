"""Pass 1 writes validated rows into temporary staging tables: COPY on PostgreSQL,
executemany in batches on SQLite. Nothing here touches the registry tables."""

from __future__ import annotations

from django.db import connection

PERSON_COLUMNS = (
    "row_no", "grp", "village", "id_hash", "id_protected", "id_tail", "id_masked", "name", "pinyin", "initials",
    "gender", "birth_date", "relation", "phone", "notes", "death_date", "is_head",
)
GROUP_COLUMNS = (
    "grp", "village", "head_row", "number", "address", "phone", "housing", "heating", "bank_protected", "bank_tail", "bank_hash",
)
CATEGORY_COLUMNS = ("row_no", "category_id", "grade", "valid_from")
BATCH = 5000

_DDL = {
    "ledger_person": """
        row_no integer NOT NULL, grp integer NOT NULL, village varchar(12) NOT NULL, id_hash varchar(64) NOT NULL,
        id_protected text NOT NULL, id_tail varchar(6) NOT NULL, id_masked varchar(18) NOT NULL, name varchar(50) NOT NULL,
        pinyin varchar(120) NOT NULL, initials varchar(20) NOT NULL, gender varchar(1) NOT NULL, birth_date {date},
        relation varchar(20) NOT NULL, phone varchar(40) NOT NULL, notes varchar(500) NOT NULL, death_date {date},
        is_head smallint NOT NULL""",
    "ledger_group": """
        grp integer PRIMARY KEY, village varchar(12) NOT NULL, head_row integer, number varchar(40) NOT NULL,
        address varchar(200) NOT NULL, phone varchar(40) NOT NULL, housing varchar(20) NOT NULL, heating varchar(30) NOT NULL,
        bank_protected text NOT NULL, bank_tail varchar(4) NOT NULL, bank_hash varchar(64) NOT NULL, household_id bigint,
        cand bigint, prio smallint, bank_changed smallint NOT NULL DEFAULT 0""",
    "ledger_category": "row_no integer NOT NULL, category_id varchar(40) NOT NULL, grade smallint, valid_from {date}",
    "ledger_newcat": "row_no integer NOT NULL, category_id varchar(40) NOT NULL, grade smallint, valid_from {date} NOT NULL",
}
# Made during the merge (CREATE TEMPORARY TABLE ... AS SELECT): cheaper than updating wide rows.
DERIVED = ("ledger_match", "ledger_claim", "ledger_newhh", "ledger_newid", "ledger_hh", "ledger_pid", "ledger_pchanged", "ledger_hchanged")
_INDEXES = (
    "CREATE INDEX ledger_person_hash ON ledger_person (id_hash)",
    "CREATE INDEX ledger_person_grp ON ledger_person (grp, is_head)",
    "CREATE UNIQUE INDEX ledger_person_row ON ledger_person (row_no)",
    "CREATE INDEX ledger_category_row ON ledger_category (row_no)",
)


def drop_tables() -> None:
    with connection.cursor() as cursor:
        for table in (*_DDL, *DERIVED):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def create_tables() -> None:
    date_type = "date" if connection.vendor == "postgresql" else "text"
    drop_tables()
    with connection.cursor() as cursor:
        for table, columns in _DDL.items():
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns.format(date=date_type)})")


def index_tables() -> None:
    with connection.cursor() as cursor:
        for statement in _INDEXES:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            # Autovacuum never analyses temporary tables: without statistics the merge plans badly.
            for table in ("ledger_person", "ledger_group", "ledger_category"):
                cursor.execute(f"ANALYZE {table}")


class Stager:
    """Buffers staged rows and writes them in batches."""

    def __init__(self):
        self.people: list[tuple] = []
        self.groups: list[tuple] = []
        self.categories: list[tuple] = []
        self.postgres = connection.vendor == "postgresql"
        self.count = 0

    def person(self, values: tuple) -> None:
        self.people.append(values)
        self.count += 1
        if len(self.people) >= BATCH:
            self.flush()

    def group(self, values: tuple) -> None:
        self.groups.append(values)

    def category(self, values: tuple) -> None:
        self.categories.append(values)

    def flush(self) -> None:
        for table, columns, rows in (
            ("ledger_person", PERSON_COLUMNS, self.people),
            ("ledger_group", GROUP_COLUMNS, self.groups),
            ("ledger_category", CATEGORY_COLUMNS, self.categories),
        ):
            if rows:
                self._write(table, columns, rows)
                rows.clear()

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        connection.ensure_connection()
        raw = connection.connection
        if self.postgres:
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            # Outside a transaction each row would commit on its own; a deferred BEGIN writing only
            # temporary tables takes no lock on the registry.
            own = not raw.in_transaction
            if own:
                raw.execute("BEGIN")
            raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            if own:
                raw.execute("COMMIT")


def duplicate_rows() -> list[list[int]]:
    """Row numbers sharing one ID number, each list in row order (the same person twice)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id_hash, s.row_no FROM ledger_person s WHERE s.id_hash IN "
            "(SELECT id_hash FROM ledger_person GROUP BY id_hash HAVING COUNT(*) > 1) ORDER BY s.id_hash, s.row_no"
        )
        groups: dict[str, list[int]] = {}
        for digest, row in cursor.fetchall():
            groups.setdefault(digest, []).append(row)
    return sorted(groups.values())
