"""Editing the alert rules: who may, what is checked, what is audited, and that new warnings follow the new rule."""

from datetime import timedelta

import pytest

from tests.alerts.helpers import COUNTY, DONGGUAN, freeze, local
from tests.factories import make_member
from warmwinter.alerts.models import AlertAction, AlertRule
from warmwinter.alerts.services import AlertInput, alert_record
from warmwinter.alerts.services_rules import BAD_EVENTS, HOURS_RANGE, NAME_REQUIRED, alert_rule_update
from warmwinter.audit.models import Event
from warmwinter.core.errors import DomainError, Forbidden

pytestmark = pytest.mark.django_db


def patrol_rule() -> AlertRule:
    return AlertRule.objects.get(action="patrol")


def update(actor, rule, **fields):
    values = {"name": rule.name, "events": rule.events, "min_colour": rule.min_colour, "hours": rule.hours, "active": rule.active}
    values.update(fields)
    return alert_rule_update(actor=actor, rule=rule, **values)


def test_county_officer_narrows_the_patrol_rule_and_new_warnings_follow_it(tree, monkeypatch):
    freeze(monkeypatch, local(29, 9))
    county = make_member("county_officer", COUNTY)
    update(county, patrol_rule(), events=["blizzard", "cold_wave"], min_colour=3)
    rule = patrol_rule()
    assert (rule.events, rule.min_colour) == (["cold_wave", "blizzard"], 3)  # kept in the choices' order
    event = Event.objects.get(action="alert_rule.update")
    assert event.changes == {"events": [[], ["cold_wave", "blizzard"]], "min_colour": [2, 3]}
    assert (event.region_code, event.role) == (COUNTY, "county_officer")
    onset = local(29, 10)
    yellow = alert_record(actor=county, data=AlertInput(identifier="y", event="cold_wave", colour=2, onset=onset,
                                                        expires=onset + timedelta(days=1), area_codes=[DONGGUAN]))
    orange = alert_record(actor=county, data=AlertInput(identifier="o", event="cold_wave", colour=3, onset=onset,
                                                        expires=onset + timedelta(days=1), area_codes=[DONGGUAN]))
    assert not AlertAction.objects.filter(alert=yellow, kind="patrol").exists()
    assert AlertAction.objects.filter(alert=orange, kind="patrol").count() == 1


def test_no_change_no_audit(tree):
    county = make_member("county_officer", COUNTY)
    update(county, patrol_rule())
    assert not Event.objects.filter(action="alert_rule.update").exists()


@pytest.mark.parametrize("role", ["township_officer", "village_clerk", "emergency_approver"])
def test_other_roles_may_not(tree, role):
    actor = make_member(role, DONGGUAN if role != "emergency_approver" else COUNTY)
    with pytest.raises(Forbidden):
        update(actor, patrol_rule(), active=False)
    assert patrol_rule().active


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "  "}, NAME_REQUIRED),
    ({"hours": 721}, HOURS_RANGE),
])
def test_checked(tree, fields, message):
    with pytest.raises(DomainError) as caught:
        update(make_member("admin", COUNTY), patrol_rule(), **fields)
    assert caught.value.message == message


def test_unknown_events_named(tree):
    with pytest.raises(DomainError) as caught:
        update(make_member("admin", COUNTY), patrol_rule(), events=["cold_wave", "heat_wave"])
    assert str(caught.value.message) == str(BAD_EVENTS % {"values": "heat_wave"})
