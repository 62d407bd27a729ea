"""The database itself refuses UPDATE and DELETE on audit_event, on SQLite and PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from warmwinter.audit import triggers
from warmwinter.audit.models import Event


def _refused(sql: str, params=()) -> DatabaseError:
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return caught.value


def test_raw_update_is_refused(chain):
    error = _refused("UPDATE audit_event SET actor_name = %s WHERE seq = %s", ["someone", 2])
    assert triggers.MESSAGE in str(error)
    assert Event.objects.get(seq=2).actor_name == "liu"


def test_raw_delete_is_refused(chain):
    error = _refused("DELETE FROM audit_event WHERE seq = %s", [3])
    assert triggers.MESSAGE in str(error)
    assert Event.objects.count() == 5


def test_raw_delete_of_everything_is_refused(chain):
    _refused("DELETE FROM audit_event")
    assert list(Event.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4, 5]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL only")
def test_truncate_is_refused_on_postgresql(chain):
    _refused("TRUNCATE audit_event")
    assert Event.objects.count() == 5


def test_orm_update_and_delete_are_refused_too(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(seq=1).update(action="nothing")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(seq=1).delete()
    assert Event.objects.get(seq=1).action == "household.register"


def test_install_is_idempotent_and_inserts_still_work(chain):
    triggers.install(connection)
    triggers.install(connection)
    _refused("UPDATE audit_event SET action = 'x'")
    from warmwinter.audit import services as audit

    event = audit.record(actor=None, action="after.install", region_code="520402000000")
    assert event.seq == 6


def test_each_backend_raises_a_database_error_subclass(chain):
    """SQLite: RAISE(ABORT) -> IntegrityError; PostgreSQL: RAISE EXCEPTION (P0001) -> ProgrammingError."""
    from django.db import IntegrityError, ProgrammingError

    expected = {"sqlite": IntegrityError, "postgresql": ProgrammingError}[connection.vendor]
    assert isinstance(_refused("UPDATE audit_event SET action = 'x' WHERE seq = 1"), expected)
    assert isinstance(_refused("DELETE FROM audit_event WHERE seq = 1"), expected)
