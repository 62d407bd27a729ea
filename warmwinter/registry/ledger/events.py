"""Audit events of an import: one per changed person and household, one summary per file.

Appended to the hash chain in batches with audit.services.ChainAppender, the same appender
audit.services.record uses. The ID number is
never written into an event: persons are matched by it, so it cannot have changed.
"""

from __future__ import annotations

from django.db import connection

from warmwinter.audit.services import ChainAppender

BATCH = 2000


def _text(value):
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else value


def _stream(sql: str):
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(BATCH):
            yield from rows
    finally:
        cursor.close()


def person_events(writer: ChainAppender, *, present: set[str], roles: dict[str, str], category_names: dict[str, str]) -> None:
    """One person.update event per registered person the file changes (before/after of each field)."""
    agg = ("string_agg(n.category_id || ':' || COALESCE(n.grade::text, ''), ',')" if connection.vendor == "postgresql"
           else "group_concat(n.category_id || ':' || COALESCE(n.grade, ''), ',')")
    sql = ("SELECT x.person_id, s.village, p.name, s.name, p.gender, s.gender, p.birth_date, s.birth_date, p.relation, s.relation, "
           "p.phone, s.phone, p.notes, s.notes, p.alive, p.death_date, s.death_date, p.household_id, x.household_id, p.region_id, "
           f"(SELECT {agg} FROM ledger_newcat n WHERE n.row_no = s.row_no) "
           "FROM ledger_pchanged c JOIN ledger_person s ON s.row_no = c.row_no JOIN ledger_pid x ON x.row_no = c.row_no "
           "JOIN registry_person p ON p.id = x.person_id ORDER BY c.row_no")
    for (pid, village, name0, name1, gender0, gender1, birth0, birth1, rel0, rel1, phone0, phone1, notes0, notes1,
         alive, death0, death1, household0, household1, region0, added) in _stream(sql):
        changes: dict[str, list] = {}
        birth0, birth1, death0, death1 = _text(birth0), _text(birth1), _text(death0), _text(death1)
        for key, before, after in (("name", name0, name1), ("gender", gender0, gender1), ("birth_date", birth0, birth1),
                                   ("household_id", household0, household1), ("region", region0, village)):
            if before != after:
                changes[key] = [before, after]
        for key, before, after in (("relation", rel0, rel1), ("phone", phone0, phone1), ("notes", notes0, notes1)):
            if key in present and after and before != after:
                changes[key] = [before, after]
        if death1 and (death0 != death1 or alive):
            changes["death_date"] = [death0, death1]
            if alive:
                changes["alive"] = [True, False]
        if added:
            labels = []
            for item in added.split(","):
                code, _, grade = item.partition(":")
                labels.append(category_names.get(code, code) + (f"（{grade}级）" if grade else ""))
            changes["categories"] = [None, "、".join(labels)]
        writer.add(action="person.update", region_code=village, role=roles.get(village, ""), object_type="registry.person",
                   object_id=pid, changes=changes)


def household_events(writer: ChainAppender, *, roles: dict[str, str], head_explicit: bool) -> None:
    """One household.update event per registered household the file changes."""
    sql = ("SELECT x.household_id, g.village, h.region_id, h.number, g.number, h.address, g.address, h.phone, g.phone, "
           "h.housing_condition, g.housing, h.heating_method, g.heating, g.bank_changed, h.head_id, x.head_pid, g.head_row "
           "FROM ledger_hchanged c JOIN ledger_group g ON g.grp = c.grp JOIN ledger_hh x ON x.grp = c.grp "
           "JOIN registry_household h ON h.id = x.household_id ORDER BY c.grp")
    for (hid, village, region0, number0, number1, address0, address1, phone0, phone1, housing0, housing1, heating0,
         heating1, bank_changed, head0, head1, head_row) in _stream(sql):
        changes: dict[str, list] = {}
        if region0 != village:
            changes["region"] = [region0, village]
        for key, before, after in (("number", number0, number1), ("address", address0, address1), ("phone", phone0, phone1),
                                   ("housing_condition", housing0, housing1), ("heating_method", heating0, heating1)):
            if after and before != after:
                changes[key] = [before, after]
        if bank_changed:
            changes["bank_account"] = ["***", "***"]
        if head_row is not None and head0 != head1 and (head_explicit or head0 is None):
            changes["head"] = [head0, head1]
        writer.add(action="household.update", region_code=village, role=roles.get(village, ""),
                   object_type="registry.household", object_id=hid, changes=changes)
