"""contact_record: a visit or call, idempotent by client id, with its findings on the problem list and warning duties fulfilled."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.care.factories import COUNTY, TOWNSHIP, make_alert, make_campaign, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import GOOD_P6, template
from warmwinter.audit.models import Event
from warmwinter.care.models import Contact, VisitDuty
from warmwinter.care.services_contacts import (
    CLIENT_ID_REUSED, HELPER_ELSEWHERE, IN_THE_FUTURE, NOT_ON_ROSTER, UNKNOWN_CHANNEL, contact_record,
)
from warmwinter.core.errors import Conflict, DomainError, Forbidden, NotFound
from warmwinter.hazards.models import Hazard

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def now(monkeypatch):
    moment = at(date(2026, 11, 25), 18)
    freeze(monkeypatch, moment)
    return moment


@pytest.fixture
def world(tree, now):
    """A campaign over 东关街道 with the P6 checklist; 甲 (金钟社区) paired with the helper user's record, 乙 listed too."""
    people = {
        "clerk": make_member("village_clerk", VILLAGE, username="clerk"),
        "helper": make_member("helper", VILLAGE, username="helper"),
        "township": make_member("township_officer", TOWNSHIP, username="township"),
        "county": make_member("county_officer", COUNTY, username="county"),
        "nanjie": make_member("township_officer", "520402001000", username="nanjie"),
    }
    campaign = make_campaign(contact_template=template())
    a = make_household(VILLAGE, members=["甲"])
    b = make_household(VILLAGE, members=["乙"])
    entry_a, entry_b = make_entry(campaign, a), make_entry(campaign, b)
    huang = make_helper(name="黄帮扶", user=people["helper"])
    pair(entry_a, huang)
    return {**people, "campaign": campaign, "a": a, "b": b, "entry_a": entry_a, "entry_b": entry_b, "huang": huang}


def record(world, who="helper", household="a", **fields) -> Contact:
    values = {"channel": "phone", "contacted_at": at(date(2026, 11, 25), 9)}
    values.update(fields)
    return contact_record(actor=world[who], household=world[household], **values)


def test_a_call_is_stored_with_its_local_day_week_helper_and_campaign(world):
    contact = record(world, notes=" 老人身体尚好，已叮嘱夜间注意保暖 ")
    stored = Contact.objects.get()
    assert stored.pk == contact.pk
    assert (stored.campaign, stored.household, stored.region_id, stored.channel) == (world["campaign"], world["a"], VILLAGE, "phone")
    assert (stored.helper, stored.recorded_by, stored.notes) == (world["huang"], world["helper"], "老人身体尚好，已叮嘱夜间注意保暖")
    assert (stored.local_date, stored.week_start) == (date(2026, 11, 25), date(2026, 11, 23))
    event = Event.objects.get()
    assert (event.action, event.region_code, event.object_id) == ("contact.record", VILLAGE, str(contact.pk))
    assert event.changes["duties_fulfilled"] == [None, 0] and event.changes["channel"] == [None, "phone"]


def test_days_and_weeks_are_counted_in_shanghai_time(world):
    late_sunday = record(world, contacted_at=at(date(2026, 11, 22), 23, 30))  # 15:30 UTC
    early_monday = record(world, contacted_at=at(date(2026, 11, 23), 0, 10))  # still 11-22 in UTC
    assert early_monday.contacted_at.astimezone(UTC).date() == date(2026, 11, 22)
    assert (late_sunday.local_date, late_sunday.week_start) == (date(2026, 11, 22), date(2026, 11, 16))
    assert (early_monday.local_date, early_monday.week_start) == (date(2026, 11, 23), date(2026, 11, 23))


def test_the_helper_is_the_one_given_or_the_users_own_record(world):
    assert record(world, who="clerk").helper is None  # the clerk keys it in and has no helper record
    wang = make_helper(name="王建国")
    assert record(world, who="clerk", household="b", helper=wang).helper == wang
    assert record(world, household="b").helper == world["huang"]  # not paired with 乙, but a helper of the village


def test_a_helper_of_another_village_is_refused(world):
    with pytest.raises(DomainError) as caught:
        record(world, who="township", helper=make_helper(OTHER_VILLAGE, name="外村人"))
    assert caught.value.message == HELPER_ELSEWHERE and caught.value.field == "helper"
    assert not Contact.objects.exists()


def test_same_client_id_same_content_is_stored_once(world):
    first = record(world, client_id="phone-7f3a", notes="电话询问")
    again = record(world, client_id="phone-7f3a", notes="电话询问")
    assert again.pk == first.pk and Contact.objects.count() == 1
    assert list(Event.objects.values_list("action", flat=True)) == ["contact.record"]


def test_a_retry_without_a_time_matches_the_original(world, monkeypatch):
    first = record(world, client_id="quick-1", contacted_at=None, channel="visit")
    assert first.contacted_at == at(date(2026, 11, 25), 18)
    freeze(monkeypatch, at(date(2026, 11, 25), 18, 3))  # the phone sends it again three minutes later
    assert record(world, client_id="quick-1", contacted_at=None, channel="visit").pk == first.pk
    assert Contact.objects.count() == 1


def test_same_client_id_different_content_is_a_conflict(world):
    record(world, client_id="phone-7f3a", notes="电话询问")
    for change in ({"notes": "上门看望"}, {"channel": "visit"}, {"contacted_at": at(date(2026, 11, 25), 8)}, {"household": "b"}):
        with pytest.raises(Conflict) as caught:
            record(world, client_id="phone-7f3a", **{"notes": "电话询问", **change})
        assert caught.value.message == CLIENT_ID_REUSED and caught.value.status_code == 409 and caught.value.field == "client_id"
    assert Contact.objects.count() == 1 and Event.objects.count() == 1


def test_a_contact_in_the_future_is_refused_beyond_five_minutes(world, now):
    with pytest.raises(DomainError) as caught:
        record(world, contacted_at=now + timedelta(minutes=6))
    assert caught.value.message == IN_THE_FUTURE and caught.value.field == "contacted_at"
    assert record(world, contacted_at=now + timedelta(minutes=4)).contacted_at == now + timedelta(minutes=4)  # a phone clock a bit fast
    assert Contact.objects.count() == 1


def test_a_household_not_on_the_roster_is_refused(world):
    stranger = make_household(VILLAGE, members=["丙"])
    with pytest.raises(DomainError) as caught:
        contact_record(actor=world["clerk"], household=stranger, channel="phone", campaign=world["campaign"])
    assert caught.value.message == NOT_ON_ROSTER
    world["entry_b"].active = False
    world["entry_b"].save()
    with pytest.raises(DomainError) as caught:
        record(world, who="clerk", household="b", campaign=world["campaign"])
    assert caught.value.message == NOT_ON_ROSTER
    with pytest.raises(DomainError) as caught:
        record(world, channel="letter")
    assert caught.value.message == UNKNOWN_CHANNEL
    assert not Contact.objects.exists()


def test_who_may_record(world):
    with pytest.raises(Forbidden):
        record(world, who="county")  # county officers look, they do not call
    with pytest.raises(NotFound):
        record(world, who="nanjie")
    assert not Contact.objects.exists()


def test_checklist_findings_and_problems_go_on_the_problem_list(world):
    answers = {**GOOD_P6, "co_ventilation": False, "heating_method": "none"}
    contact = record(world, channel="visit", contacted_at=at(date(2026, 11, 24), 15), answers=answers,
                     problems=[{"category": "food", "title": "口粮不足，仅够三天"}], solved_on_spot="已帮助清理烟道")
    hazards = Hazard.objects.order_by("pk")
    assert [h.title for h in hazards] == ["取暖处通风不良或烟道不通，有一氧化碳中毒风险", "无取暖设施", "口粮不足，仅够三天"]
    assert {(h.source, h.household_id, h.region_id, h.found_at, h.found_by_id) for h in hazards} == {
        ("contact", world["a"].pk, VILLAGE, at(date(2026, 11, 24), 15), world["helper"].pk)}
    assert set(contact.hazards.all()) == set(hazards)
    assert (contact.answers["heating_method"], contact.solved_on_spot) == ("none", "已帮助清理烟道")
    event = Event.objects.get(action="contact.record")
    assert event.changes["hazards"] == [None, [h.pk for h in hazards]]


def test_a_clean_checklist_finds_nothing(world):
    contact = record(world, channel="visit", answers=GOOD_P6)
    assert contact.answers["housing"] == "safe" and not contact.hazards.exists() and not Hazard.objects.exists()


def test_a_wrong_answer_is_refused_with_its_field(world):
    with pytest.raises(DomainError) as caught:
        record(world, channel="visit", answers={**GOOD_P6, "housing": "castle"})
    assert caught.value.field == "answers.housing"
    world["campaign"].contact_template = None
    world["campaign"].save()
    with pytest.raises(DomainError) as caught:
        record(world, channel="visit", answers=GOOD_P6, campaign=world["campaign"])
    assert caught.value.field == "answers"
    assert not Contact.objects.exists() and not Hazard.objects.exists()


def duty(world, household="a", issued=at(date(2026, 11, 24), 8), hours=24) -> VisitDuty:
    alert = make_alert(onset=issued, hours=48)
    h = world[household]
    return VisitDuty.objects.create(alert=alert, campaign=world["campaign"], household=h, region_id=h.region_id, issued_at=issued,
                                    due_by=issued + timedelta(hours=hours))


def test_a_home_visit_fulfils_the_open_duty_and_a_call_does_not(world, now):
    open_duty, other = duty(world), duty(world, household="b")
    record(world, channel="phone", contacted_at=at(date(2026, 11, 24), 12))
    open_duty.refresh_from_db()
    assert open_duty.status == "open"
    visit = record(world, channel="visit", contacted_at=at(date(2026, 11, 24), 15))
    open_duty.refresh_from_db()
    other.refresh_from_db()
    assert (open_duty.status, open_duty.contact, open_duty.closed_at) == ("done", visit, now)
    assert other.status == "open"  # another household's duty is untouched
    assert Event.objects.get(object_id=str(visit.pk)).changes["duties_fulfilled"] == [None, 1]


def test_a_visit_outside_the_duty_window_does_not_fulfil_it(world):
    later = duty(world, issued=at(date(2026, 11, 25), 8), hours=6)  # due by 14:00
    record(world, channel="visit", contacted_at=at(date(2026, 11, 25), 7))  # before the warning
    record(world, channel="visit", contacted_at=at(date(2026, 11, 25), 15))  # too late
    later.refresh_from_db()
    assert later.status == "open" and later.contact is None
    VisitDuty.objects.filter(pk=later.pk).update(status="missed")
    record(world, channel="visit", contacted_at=at(date(2026, 11, 25), 9))
    later.refresh_from_db()
    assert later.status == "missed"  # a duty already closed stays as it was


def test_a_visit_made_before_a_late_entered_warning_fulfils_its_duty(tree, monkeypatch):
    """Snow fell at 08:00, the helper visited at 09:00, the warning was typed in at 11:00: nothing more is owed."""
    from datetime import date, timedelta

    from django.utils import timezone

    from tests.care.factories import at_local, make_campaign, make_contact, make_entry
    from tests.factories import make_member
    from tests.registry.factories import VILLAGE, make_household
    from warmwinter.alerts.services import AlertInput, alert_record
    from warmwinter.care.models import VisitDuty

    county = make_member("county_officer", "520402000000", username="county_late")
    campaign = make_campaign()
    visited, missed = make_household(VILLAGE, members=["甲"]), make_household(VILLAGE, members=["乙"])
    make_entry(campaign, visited)
    make_entry(campaign, missed)
    onset = at_local(date(2026, 11, 24), 8)
    visit = make_contact(visited, campaign, at=onset + timedelta(hours=1), channel="visit")
    make_contact(missed, campaign, at=onset + timedelta(hours=1), channel="phone")  # a call does not count
    monkeypatch.setattr(timezone, "now", lambda: onset + timedelta(hours=3))
    alert = alert_record(actor=county, data=AlertInput(identifier="late-1", event="blizzard", colour=1, onset=onset,
                                                       expires=onset + timedelta(days=1), area_codes=["520402005000"]))
    duties = {d.household_id: d for d in VisitDuty.objects.filter(alert=alert)}
    assert (duties[visited.pk].status, duties[visited.pk].contact_id) == ("done", visit.pk)
    assert duties[missed.pk].status == "open"
