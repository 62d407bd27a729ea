"""Database triggers that make audit_event append-only, on SQLite and PostgreSQL."""

from __future__ import annotations

MESSAGE = "audit_event is append-only"

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
]
POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event;",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_refuse();",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse();",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event;",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    raise RuntimeError(f"no append-only triggers for database vendor {vendor!r}")


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)


def remove(connection) -> None:
    """Only for test teardown (flushing the test database) and explicit operator restores."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)
