"""`warmwinter audit verify` catches edits, deletions and reordering done with raw SQL."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from warmwinter.audit import services as audit
from warmwinter.audit.chain import event_hash
from warmwinter.audit.models import Event
from warmwinter.audit.verify import chain_verify


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def broken_at(seq: int) -> CommandError:
    with pytest.raises(CommandError) as caught:
        verify()
    message = str(caught.value)
    assert message.startswith(f"audit chain BROKEN at event #{seq}:"), message
    return caught.value


def test_intact_chain_verifies(chain):
    assert verify().startswith("audit chain intact: 5 events verified (head #")


def test_empty_chain_verifies(append_only):
    assert verify().startswith("audit chain intact: 0 events verified (head #")


def test_intact_after_more_writes(chain):
    audit.record(actor=None, action="more", region_code="520402000000", changes={"名称": ["旧", "新"]})
    assert verify().startswith("audit chain intact: 6 events verified (head #")


def test_report_fields(chain, attacker):
    assert chain_verify() == type(chain_verify())(ok=True, checked=5)
    attacker.execute("UPDATE audit_event SET region_code = %s WHERE seq = %s", ["520403000000", 4])
    report = chain_verify()
    assert (report.ok, report.checked, report.broken_seq) == (False, 3, 4)
    assert report.reason == "第 4 号事件的内容被改动。"


def test_edited_field_of_a_middle_event(chain, attacker):
    assert attacker.execute("UPDATE audit_event SET actor_name = %s WHERE seq = %s", ["liu", 3]) == 1
    error = broken_at(3)
    assert "第 3 号事件的内容被改动" in str(error)
    assert "(2 events verified before it)" in str(error)


def test_edited_field_with_a_recomputed_but_unkeyed_hash(chain, attacker):
    """Without the HMAC key an attacker cannot make a matching hash, even relinking the next event."""
    event = Event.objects.get(seq=2)
    event.actor_name = "xia"
    with override_settings(AUDIT_HMAC_KEY="guessed-key"):
        forged = event_hash(event)
    attacker.execute("UPDATE audit_event SET actor_name = %s, hash = %s WHERE seq = %s", ["xia", forged, 2])
    attacker.execute("UPDATE audit_event SET prev_hash = %s WHERE seq = %s", [forged, 3])
    broken_at(2)


def test_deleted_middle_event(chain, attacker):
    assert attacker.execute("DELETE FROM audit_event WHERE seq = %s", [3]) == 1
    assert "第 3 号事件缺失" in str(broken_at(3))


def test_deleted_middle_event_with_renumbering(chain, attacker):
    """Closing the gap in seq does not help: event 4 no longer links to its new predecessor."""
    attacker.execute("DELETE FROM audit_event WHERE seq = %s", [3])
    attacker.execute("UPDATE audit_event SET seq = seq - 1 WHERE seq = %s", [4])
    attacker.execute("UPDATE audit_event SET seq = seq - 1 WHERE seq = %s", [5])
    assert "不相连" in str(broken_at(3))


def test_deleted_last_event(chain, attacker):
    attacker.execute("DELETE FROM audit_event WHERE seq = %s", [5])
    assert "第 5 号及之后的事件被删除" in str(broken_at(5))


def test_deleted_last_events(chain, attacker):
    assert attacker.execute("DELETE FROM audit_event WHERE seq >= %s", [4]) == 2
    broken_at(4)


def test_deleted_every_event(chain, attacker):
    attacker.execute("DELETE FROM audit_event")
    broken_at(1)


def test_swapped_seq_of_two_events(chain, attacker):
    attacker.execute("UPDATE audit_event SET seq = %s WHERE seq = %s", [-1, 2])
    attacker.execute("UPDATE audit_event SET seq = %s WHERE seq = %s", [2, 3])
    attacker.execute("UPDATE audit_event SET seq = %s WHERE seq = %s", [3, -1])
    assert "不相连" in str(broken_at(2))


def test_swapped_contents_of_two_events(chain, attacker):
    """Keep seq and hashes in place, swap what happened (who, where, what)."""
    first, second = Event.objects.get(seq=2), Event.objects.get(seq=3)
    sql = "UPDATE audit_event SET actor_name = %s, region_code = %s, action = %s, object_id = %s WHERE seq = %s"
    attacker.execute(sql, [second.actor_name, second.region_code, second.action, second.object_id, 2])
    attacker.execute(sql, [first.actor_name, first.region_code, first.action, first.object_id, 3])
    broken_at(2)


def test_edited_changes_json(chain, attacker):
    assert attacker.set_changes(2, {"phone": ["", "13900000000"]}) == 1
    assert Event.objects.get(seq=2).changes == {"phone": ["", "13900000000"]}
    broken_at(2)


def test_edited_changes_json_key_order_alone_is_not_tampering(chain, attacker):
    """Rewriting the same JSON (PostgreSQL jsonb reorders keys anyway) keeps the chain intact."""
    attacker.set_changes(4, {"status": ["rectified", "closed"]})
    assert verify().startswith("audit chain intact: 5 events verified (head #")


def test_edited_time(chain, attacker):
    attacker.execute("UPDATE audit_event SET created_at = %s WHERE seq = %s", [Event.objects.get(seq=1).created_at, 4])
    broken_at(4)


def test_triggers_are_back_after_tampering(chain, attacker):
    from django.db import DatabaseError, connection, transaction

    from warmwinter.audit import triggers

    triggers.install(connection)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE seq = 1")


def test_anchor_catches_a_cut_tail_with_a_rewound_head(chain, attacker, tmp_path):
    """Deleting the last events and rewinding the head row fools the chain alone; an anchor kept
    outside the database does not."""
    anchor = tmp_path / "audit.anchor"
    out = io.StringIO()
    call_command("audit", "verify", "--anchor", str(anchor), stdout=out)
    assert anchor.read_text().split()[0] == "5"
    fourth = Event.objects.get(seq=4)
    attacker.execute("DELETE FROM audit_event WHERE seq = 5")
    attacker.execute("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", [4, fourth.hash])
    assert verify().startswith("audit chain intact: 4 events verified")  # the chain alone cannot tell
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", "--anchor", str(anchor), stdout=io.StringIO())
    assert str(caught.value).startswith("audit chain BROKEN at event #5:")
    assert "链尾被截断" in str(caught.value)


def test_anchor_advances_when_the_chain_grows(chain, tmp_path):
    anchor = tmp_path / "audit.anchor"
    call_command("audit", "verify", "--anchor", str(anchor), stdout=io.StringIO())
    audit.record(actor=None, action="more", region_code="520402000000")
    call_command("audit", "verify", "--anchor", str(anchor), stdout=io.StringIO())
    seq, digest = anchor.read_text().split()
    assert (int(seq), digest) == (6, Event.objects.get(seq=6).hash)
