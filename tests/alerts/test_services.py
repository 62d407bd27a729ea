"""Weather-warning services: record (idempotent, CAP Update / Cancel), the actions and visit duties a warning sets off, cancel, expire."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.care.factories import COUNTY, TOWNSHIP, make_campaign, make_entry
from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, make_household
from warmwinter.alerts import services
from warmwinter.alerts.models import AlertAction, AlertArea, AlertRule, WeatherAlert
from warmwinter.alerts.services import AlertInput, alert_cancel, alert_record, alerts_expire
from warmwinter.audit.models import Event
from warmwinter.care.models import VisitDuty
from warmwinter.core.errors import DomainError, Forbidden, NotFound

pytestmark = pytest.mark.django_db
NANJIE = "520402001000"


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


NOW = at(date(2026, 11, 25), 18)  # a Wednesday evening in Asia/Shanghai
ONSET = at(date(2026, 11, 25), 14)


def freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def cold_wave(identifier="cap-1", areas=(TOWNSHIP,), **fields) -> AlertInput:
    values = dict(identifier=identifier, event="cold_wave", colour=2, onset=ONSET, expires=ONSET + timedelta(days=2),
                  area_codes=list(areas), sender="安顺市西秀区气象台", headline="西秀区气象台发布寒潮黄色预警信号")
    values.update(fields)
    return AlertInput(**values)


@pytest.fixture
def world(tree, monkeypatch):
    """东关街道's campaign: 甲 (金钟, 24 h), 乙 (东郊, 12 h), 丙 (金钟, no warning rule), 丁 (removed);
    南街街道's campaign: 戊; and a closed campaign over 东关 with 己."""
    freeze(monkeypatch, NOW)
    people = {
        "county": make_member("county_officer", COUNTY, username="county"),
        "township": make_member("township_officer", TOWNSHIP, username="township"),
        "clerk": make_member("village_clerk", VILLAGE, username="clerk"),
        "patrol": make_member("patrol_member", TOWNSHIP, username="patrol"),
    }
    dongguan, nanjie = make_campaign(TOWNSHIP), make_campaign(NANJIE)
    closed = make_campaign(TOWNSHIP, status="closed")
    homes = {name: make_household(village, members=[name]) for name, village in
             [("甲", VILLAGE), ("乙", OTHER_VILLAGE), ("丙", VILLAGE), ("丁", VILLAGE), ("戊", NANJIE_VILLAGE), ("己", VILLAGE)]}
    make_entry(dongguan, homes["甲"])
    make_entry(dongguan, homes["乙"], visit_hours=12)
    make_entry(dongguan, homes["丙"], visit_hours=None)
    make_entry(dongguan, homes["丁"], active=False)
    make_entry(nanjie, homes["戊"])
    make_entry(closed, homes["己"])
    return {**people, "dongguan": dongguan, "nanjie": nanjie, **homes}


def duties(alert) -> dict[str, tuple]:
    rows = VisitDuty.objects.filter(alert=alert).select_related("household__head")
    return {d.household.head.name: (d.status, d.due_by) for d in rows}


def actions_of(alert) -> set[tuple[str, str, bool]]:
    return set(AlertAction.objects.filter(alert=alert).values_list("kind", "region_id", "active"))


# --- alert_record ----------------------------------------------------------------------------


def test_default_rules_are_seeded():
    assert set(AlertRule.objects.values_list("action", "min_colour")) == {("home_visit", 1), ("banner", 1), ("patrol", 2)}


def test_a_yellow_cold_wave_sets_patrols_banners_and_visits_in_its_areas(world):
    alert = alert_record(actor=world["county"], data=cold_wave(areas=(TOWNSHIP, NANJIE)))
    stored = WeatherAlert.objects.get()
    assert (stored.pk, stored.state, stored.event, stored.colour, stored.created_by) == (alert.pk, "active", "cold_wave", 2, world["county"])
    assert set(AlertArea.objects.values_list("region_id", flat=True)) == {TOWNSHIP, NANJIE}
    assert actions_of(alert) == {("patrol", TOWNSHIP, True), ("patrol", NANJIE, True), ("banner", TOWNSHIP, True), ("banner", NANJIE, True)}
    assert set(AlertAction.objects.values_list("started_at", flat=True)) == {NOW}  # in force since 14:00, recorded at 18:00
    # Recorded four hours after onset: the full time to visit counts from now.
    assert duties(alert) == {"甲": ("open", NOW + timedelta(hours=24)), "乙": ("open", NOW + timedelta(hours=12)),
                             "戊": ("open", NOW + timedelta(hours=24))}
    event = Event.objects.get()
    assert (event.action, event.region_code) == ("alert.record", TOWNSHIP) and event.changes["areas"] == [None, [TOWNSHIP, NANJIE]]


def test_only_roster_households_inside_the_areas_get_a_duty(world):
    alert = alert_record(actor=world["county"], data=cold_wave(areas=(OTHER_VILLAGE,)))
    assert duties(alert) == {"乙": ("open", NOW + timedelta(hours=12))}
    assert actions_of(alert) == {("patrol", OTHER_VILLAGE, True), ("banner", OTHER_VILLAGE, True)}


def test_overlapping_areas_give_one_duty_per_household(world):
    alert = alert_record(actor=world["county"], data=cold_wave(areas=(COUNTY, TOWNSHIP)))
    assert set(duties(alert)) == {"甲", "乙", "戊"} and VisitDuty.objects.count() == 3


def test_a_warning_announced_ahead_counts_from_its_onset(world):
    onset = at(date(2026, 11, 26), 8)
    alert = alert_record(actor=world["county"], data=cold_wave(onset=onset, expires=onset + timedelta(days=1)))
    assert duties(alert)["甲"] == ("open", onset + timedelta(hours=24))
    assert set(AlertAction.objects.values_list("started_at", flat=True)) == {onset}


def test_a_blue_warning_sets_a_banner_and_visits_but_no_patrol(world):
    alert = alert_record(actor=world["county"], data=cold_wave(colour=1))
    assert actions_of(alert) == {("banner", TOWNSHIP, True)}
    assert set(duties(alert)) == {"甲", "乙"}


def test_rules_are_data(world):
    AlertRule.objects.filter(action="home_visit").update(events=["blizzard", "road_icing"])
    AlertRule.objects.filter(action="banner").update(active=False)
    alert = alert_record(actor=world["county"], data=cold_wave())
    assert actions_of(alert) == {("patrol", TOWNSHIP, True)} and not VisitDuty.objects.exists()
    blizzard = alert_record(actor=world["county"], data=cold_wave(identifier="cap-2", event="blizzard"))
    assert set(duties(blizzard)) == {"甲", "乙"}


def test_an_exercise_issues_nothing(world):
    alert = alert_record(actor=world["county"], data=cold_wave(status="Exercise", colour=4))
    assert (alert.state, alert.status) == ("active", "Exercise")
    assert not AlertAction.objects.exists() and not VisitDuty.objects.exists()


def test_recording_the_same_identifier_again_changes_nothing(world):
    first = alert_record(actor=world["county"], data=cold_wave())
    again = alert_record(actor=world["township"], data=cold_wave(colour=4, headline="改过的标题"))
    assert again.pk == first.pk and (again.colour, again.headline) == (2, "西秀区气象台发布寒潮黄色预警信号")
    assert (WeatherAlert.objects.count(), AlertAction.objects.count(), VisitDuty.objects.count(), Event.objects.count()) == (1, 2, 2, 1)


def test_a_short_area_code_is_read_as_the_full_code(world):
    alert = alert_record(actor=None, data=cold_wave(areas=("520402005",)))  # a CAP import: no user
    assert list(alert.areas.values_list("region_id", flat=True)) == [TOWNSHIP]
    assert Event.objects.get().actor_name == "system"


@pytest.mark.parametrize(("fields", "message"), [
    ({"area_codes": []}, services.NO_AREA), ({"area_codes": [" "]}, services.NO_AREA),
    ({"area_codes": [TOWNSHIP, "520402005999"]}, "预警区域代码不存在：520402005999"),
    ({"expires": ONSET}, services.EXPIRES_ORDER), ({"expires": ONSET - timedelta(hours=1)}, services.EXPIRES_ORDER),
    ({"event": "heatwave"}, services.UNKNOWN_EVENT), ({"colour": 5}, "预警级别不正确。"),
])
def test_alert_record_validates(world, fields, message):
    with pytest.raises(DomainError) as caught:
        alert_record(actor=world["county"], data=cold_wave(**fields))
    assert str(caught.value) == str(message)
    assert not WeatherAlert.objects.exists() and not Event.objects.exists()


def test_who_may_record_a_warning(world):
    with pytest.raises(Forbidden):
        alert_record(actor=world["clerk"], data=cold_wave(areas=(VILLAGE,)))
    with pytest.raises(NotFound):
        alert_record(actor=world["township"], data=cold_wave(areas=(COUNTY,)))
    with pytest.raises(NotFound):
        alert_record(actor=world["township"], data=cold_wave(areas=(TOWNSHIP, NANJIE)))
    assert alert_record(actor=world["township"], data=cold_wave(areas=(TOWNSHIP,))).pk


# --- CAP Update / Cancel ---------------------------------------------------------------------


def test_an_update_replaces_the_warning_it_references(world, monkeypatch):
    first = alert_record(actor=None, data=cold_wave())
    VisitDuty.objects.filter(alert=first, household=world["甲"]).update(status="done")
    freeze(monkeypatch, NOW + timedelta(hours=2))
    update = alert_record(actor=None, data=cold_wave(identifier="cap-1-upd", msg_type="Update", references=["cap-1"], colour=3))
    first.refresh_from_db()
    assert (first.state, first.ended_at) == ("cancelled", NOW + timedelta(hours=2))
    assert {name: status for name, (status, _due) in duties(first).items()} == {"甲": "done", "乙": "ended"}
    assert actions_of(first) == {("patrol", TOWNSHIP, False), ("banner", TOWNSHIP, False)}
    assert update.state == "active" and actions_of(update) == {("patrol", TOWNSHIP, True), ("banner", TOWNSHIP, True)}
    assert duties(update) == {"甲": ("open", NOW + timedelta(hours=26)), "乙": ("open", NOW + timedelta(hours=14))}
    ended = Event.objects.get(action="alert.end")
    assert ended.object_id == str(first.pk) and ended.changes["reason"] == [None, "superseded"]


def test_a_cancel_message_ends_the_warning_and_issues_nothing(world):
    first = alert_record(actor=None, data=cold_wave())
    cancel = alert_record(actor=None, data=cold_wave(identifier="cap-1-cnl", msg_type="Cancel", references=["cap-1"]))
    first.refresh_from_db()
    assert (first.state, cancel.state) == ("cancelled", "cancelled") and cancel.ended_at == NOW
    assert not AlertAction.objects.filter(alert=cancel).exists() and not VisitDuty.objects.filter(alert=cancel).exists()
    assert set(VisitDuty.objects.values_list("status", flat=True)) == {"ended"}


# --- alert_cancel / alerts_expire ------------------------------------------------------------


def test_alert_cancel_ends_open_duties_and_actions(world, monkeypatch):
    alert = alert_record(actor=world["county"], data=cold_wave())
    VisitDuty.objects.filter(household=world["甲"]).update(status="missed")
    freeze(monkeypatch, NOW + timedelta(hours=1))
    assert alert_cancel(actor=world["township"], alert=alert) == alert
    alert.refresh_from_db()
    assert (alert.state, alert.ended_at) == ("cancelled", NOW + timedelta(hours=1))
    assert {name: status for name, (status, _due) in duties(alert).items()} == {"甲": "missed", "乙": "ended"}
    assert VisitDuty.objects.get(household=world["乙"]).closed_at == NOW + timedelta(hours=1)
    assert actions_of(alert) == {("patrol", TOWNSHIP, False), ("banner", TOWNSHIP, False)}
    assert Event.objects.order_by("-seq").first().changes == {"state": ["active", "cancelled"], "reason": [None, "cancelled"]}
    with pytest.raises(DomainError) as caught:
        alert_cancel(actor=world["township"], alert=alert)
    assert caught.value.message == services.ALREADY_ENDED


def test_who_may_cancel(world):
    alert = alert_record(actor=world["county"], data=cold_wave(areas=(COUNTY,)))
    with pytest.raises(NotFound):
        alert_cancel(actor=world["township"], alert=alert)  # covers more than the township
    with pytest.raises(NotFound):
        alert_cancel(actor=world["clerk"], alert=alert)
    local = alert_record(actor=world["county"], data=cold_wave(identifier="cap-2"))
    with pytest.raises(Forbidden):
        alert_cancel(actor=world["patrol"], alert=local)
    assert set(WeatherAlert.objects.values_list("state", flat=True)) == {"active"}


def test_alerts_expire_ends_what_remains_and_leaves_done_and_missed(world, monkeypatch):
    old = alert_record(actor=None, data=cold_wave())
    VisitDuty.objects.filter(household=world["甲"]).update(status="done")
    later = alert_record(actor=None, data=cold_wave(identifier="cap-2", areas=(NANJIE,), expires=ONSET + timedelta(days=3)))
    freeze(monkeypatch, NOW + timedelta(hours=12))
    VisitDuty.objects.filter(alert=later).update(status="missed")
    assert alerts_expire() == 0  # nothing has expired yet
    freeze(monkeypatch, ONSET + timedelta(days=2))
    assert alerts_expire() == 1
    old.refresh_from_db()
    later.refresh_from_db()
    assert (old.state, old.ended_at, later.state) == ("expired", ONSET + timedelta(days=2), "active")
    assert {name: status for name, (status, _due) in duties(old).items()} == {"甲": "done", "乙": "ended"}
    assert duties(later)["戊"][0] == "missed"
    assert not AlertAction.objects.filter(alert=old, active=True).exists() and AlertAction.objects.filter(alert=later, active=True).count() == 2
    ended = Event.objects.get(action="alert.end")
    assert (ended.actor_name, ended.changes["reason"]) == ("system", [None, "expired"])
    assert alerts_expire() == 0
