"""Survey services: start a round, assign villages, submit answer sheets, report the unit's situation."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household, make_person
from tests.surveys.factories import COUNTY, GOOD_P6, TOWNSHIP, make_premises, make_round, template
from warmwinter.audit.models import Event
from warmwinter.core.errors import Conflict, DomainError, Forbidden, NotFound
from warmwinter.hazards.models import Hazard
from warmwinter.hazards.workflow import State
from warmwinter.notifications.models import Notification
from warmwinter.surveys import services
from warmwinter.surveys.models import SurveyAssignment, SurveyResponse, SurveyRound, SurveyTemplate, UnitReport

from tests.surveys.service_support import NANJIE, actions, at, freeze, people, round_  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

def coal_template(**fields) -> SurveyTemplate:
    """A small template with a threshold a round may override."""
    values = dict(code="t-coal", name="储煤摸底", name_en="Coal stock", questions=[
        {"key": "coal_days", "type": "number", "label": "储煤可用天数", "label_en": "Days of coal", "required": True},
    ], rules=[
        {"key": "coal_low", "when": {"q": "coal_days", "op": "lt", "param": "coal_days_min"}, "category": "coal_low",
         "severity": "general", "title": "储煤不足", "title_en": "Coal low"},
    ], params={"coal_days_min": 30})
    values.update(fields)
    return SurveyTemplate.objects.create(**values)


def round_of(template_: SurveyTemplate, region_code: str = TOWNSHIP) -> SurveyRound:
    today = timezone.localdate()
    return SurveyRound.objects.create(template=template_, region_id=region_code, name=template_.name,
                                      starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=5))


def create(actor, **overrides) -> SurveyRound:
    values = dict(template=template(), region_code=TOWNSHIP, name="东关街道冬季走访",
                  starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 30))
    values.update(overrides)
    return services.round_create(actor=actor, **values)


# --- round_create ----------------------------------------------------------------------------


def test_round_create_starts_a_round_and_audits_it(people):
    deadline = at(date(2026, 11, 28), 12)
    round_ = create(people["township"], report_deadline=deadline)
    stored = SurveyRound.objects.get()
    assert (stored.pk, stored.name, stored.region_id, stored.status, stored.report_deadline) == (round_.pk, "东关街道冬季走访", TOWNSHIP, "open", deadline)
    assert stored.created_by == people["township"]
    assert actions() == ["survey_round.create"]
    event = Event.objects.get()
    assert event.changes["template"] == [None, "p6-visit-checklist v1"] and event.region_code == TOWNSHIP


def test_a_round_without_a_name_takes_the_templates(people):
    assert create(people["township"], name="  ").name == template().name


def test_round_window_must_not_end_before_it_starts(people):
    with pytest.raises(DomainError) as caught:
        create(people["township"], starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 19))
    assert caught.value.message == services.WINDOW_ORDER and caught.value.field == "ends_on"
    assert not SurveyRound.objects.exists() and not Event.objects.exists()
    assert create(people["township"], starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 20)).pk  # one day is fine


def test_round_params_must_be_the_templates(people):
    with pytest.raises(DomainError) as caught:
        create(people["township"], params={"coal_days_min": 10, "bogus": 1})
    assert str(caught.value) == "模板没有这些参数：bogus、coal_days_min" and caught.value.field == "params"
    assert not SurveyRound.objects.exists()


def test_a_round_threshold_overrides_the_templates(people):
    coal = coal_template()
    strict = create(people["township"], template=coal, name="严")
    lenient = create(people["township"], template=coal, name="宽", params={"coal_days_min": 20})
    home_a, home_b = make_household(VILLAGE, members=["张三"]), make_household(VILLAGE, members=["李四"])
    assert services.response_submit(actor=people["clerk"], round_=strict, household=home_a, answers={"coal_days": 25}).hazards.count() == 1
    assert services.response_submit(actor=people["clerk"], round_=lenient, household=home_b, answers={"coal_days": 25}).hazards.count() == 0


def test_an_inactive_template_cannot_start_a_round(people):
    old = coal_template(active=False)
    with pytest.raises(DomainError) as caught:
        create(people["township"], template=old)
    assert caught.value.message == services.INACTIVE_TEMPLATE and caught.value.field == "template"


def test_a_helper_may_not_start_a_round(people):
    with pytest.raises(Forbidden):
        create(people["helper"], region_code=VILLAGE)
    assert not SurveyRound.objects.exists()


def test_a_township_officer_cannot_start_a_round_in_another_township(people):
    with pytest.raises(NotFound):
        create(people["township"], region_code=NANJIE)
    with pytest.raises(NotFound):
        create(people["township"], region_code=COUNTY)  # above their township, too
    assert not SurveyRound.objects.exists()


# --- response_submit --------------------------------------------------------------------------


def test_saving_the_same_sheet_again_lists_each_finding_once(people, round_):
    home = make_household(VILLAGE, members=["张三", "李四"])
    answers = {**GOOD_P6, "wiring_ok": False, "water_ok": "否"}
    first = services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=answers)
    again = services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=answers)
    assert again.pk == first.pk and SurveyResponse.objects.count() == 1
    assert sorted(Hazard.objects.values_list("rule", flat=True)) == ["water", "wiring"]
    assert actions() == ["survey_response.submit", "hazard.report", "hazard.report"]  # unchanged: no update event


def test_a_repeat_visit_updates_the_sheet_and_lists_only_new_findings(people, round_):
    home = make_household(VILLAGE, members=["张三", "李四"])
    first = services.response_submit(actor=people["clerk"], round_=round_, household=home, answers={**GOOD_P6, "wiring_ok": False})
    assert first.version == 1
    second = services.response_submit(actor=people["helper"], round_=round_, household=home, persons_covered=1,
                                      answers={**GOOD_P6, "water_ok": False}, notes="二次走访")
    assert second.pk == first.pk and SurveyResponse.objects.count() == 1
    assert (second.version, second.answers["water_ok"], second.answers["wiring_ok"], second.persons_covered, second.notes) == (2, False, True, 1, "二次走访")
    assert second.surveyor == people["helper"]
    assert sorted(Hazard.objects.values_list("rule", flat=True)) == ["water", "wiring"]  # the wiring problem stays listed
    update = Event.objects.get(action="survey_response.update")
    assert update.changes["persons_covered"] == [2, 1] and update.changes["notes"] == ["", "二次走访"]


def test_a_repeat_visit_from_a_stale_form_is_refused(people, round_):
    home = make_household(VILLAGE, members=["张三"])
    services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=GOOD_P6)
    services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=GOOD_P6, notes="再访", version=1)
    with pytest.raises(Conflict) as caught:
        services.response_submit(actor=people["helper"], round_=round_, household=home, answers={**GOOD_P6, "water_ok": False}, version=1)
    assert caught.value.message == services.CHANGED_MEANWHILE
    assert SurveyResponse.objects.get().answers["water_ok"] is True and not Hazard.objects.exists()


def test_persons_covered_must_be_within_the_households_living_members(people, round_):
    home = make_household(VILLAGE, members=["张三", "李四"])
    make_person(home, name="王五", alive=False)
    for wrong in (3, -1):
        with pytest.raises(DomainError) as caught:
            services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=GOOD_P6, persons_covered=wrong)
        assert str(caught.value) == "见到人数应在 0 到 2 之间（该户在册 2 人）。" and caught.value.field == "persons_covered"
    assert not SurveyResponse.objects.exists()
    assert services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=GOOD_P6).persons_covered == 2
    assert services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=GOOD_P6, persons_covered=0).persons_covered == 0


def test_answers_after_the_report_deadline_are_late(people, monkeypatch):
    deadline = at(date(2026, 11, 8), 12)
    round_ = make_round(TOWNSHIP, starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 10), report_deadline=deadline)
    homes = [make_household(VILLAGE, members=["张三"]) for _ in range(3)]
    freeze(monkeypatch, deadline - timedelta(minutes=1))
    on_time = services.response_submit(actor=people["clerk"], round_=round_, household=homes[0], answers=GOOD_P6)
    freeze(monkeypatch, deadline)
    at_deadline = services.response_submit(actor=people["clerk"], round_=round_, household=homes[1], answers=GOOD_P6)
    freeze(monkeypatch, deadline + timedelta(minutes=1))
    late = services.response_submit(actor=people["clerk"], round_=round_, household=homes[2], answers=GOOD_P6)
    assert (on_time.late, at_deadline.late, late.late) == (False, False, True)
    again = services.response_submit(actor=people["clerk"], round_=round_, household=homes[0], answers=GOOD_P6)
    assert again.late is False  # a repeat visit keeps the first submission's timeliness


def test_without_a_deadline_answers_are_late_after_the_window(people, monkeypatch):
    round_ = make_round(TOWNSHIP, starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 10))
    homes = [make_household(VILLAGE, members=["张三"]) for _ in range(2)]
    freeze(monkeypatch, at(date(2026, 11, 10), 23, 59))
    assert services.response_submit(actor=people["clerk"], round_=round_, household=homes[0], answers=GOOD_P6).late is False
    freeze(monkeypatch, at(date(2026, 11, 11), 0, 1))
    assert services.response_submit(actor=people["clerk"], round_=round_, household=homes[1], answers=GOOD_P6).late is True


def test_a_client_id_sent_twice_with_the_same_content_stores_one_sheet(people, round_):
    home = make_household(VILLAGE, members=["张三"])
    answers = {**GOOD_P6, "wiring_ok": False}
    first = services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=answers, client_id="phone-1")
    again = services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=dict(answers), client_id="phone-1")
    assert again.pk == first.pk and again.version == 1
    assert SurveyResponse.objects.count() == 1 and Hazard.objects.count() == 1
    assert actions() == ["survey_response.submit", "hazard.report"]


def test_a_client_id_reused_for_different_content_is_a_conflict(people, round_):
    home = make_household(VILLAGE, members=["张三"])
    services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=GOOD_P6, client_id="phone-1")
    with pytest.raises(Conflict) as caught:
        services.response_submit(actor=people["clerk"], round_=round_, household=home, answers={**GOOD_P6, "water_ok": False}, client_id="phone-1")
    assert caught.value.message == services.CLIENT_ID_REUSED and caught.value.field == "client_id" and caught.value.status_code == 409
    assert SurveyResponse.objects.get().answers["water_ok"] is True and not Hazard.objects.exists()


def test_the_subject_must_be_the_templates(people):
    household_round = make_round(TOWNSHIP)
    premises_template = SurveyTemplate.objects.create(code="t-premises", name="场所检查", name_en="Premises", subject="premises", questions=[
        {"key": "exits_clear", "type": "yesno", "label": "疏散通道畅通", "label_en": "Exits clear", "required": True}])
    premises_round = round_of(premises_template)
    place, home = make_premises(VILLAGE), make_household(VILLAGE, members=["张三"])
    with pytest.raises(DomainError) as caught:
        services.response_submit(actor=people["clerk"], round_=household_round, premises=place, answers=GOOD_P6)
    assert str(caught.value) == "本次摸排的对象是家庭。" and caught.value.field == "premises"
    with pytest.raises(DomainError) as caught:
        services.response_submit(actor=people["clerk"], round_=premises_round, household=home, answers={"exits_clear": True})
    assert str(caught.value) == "本次摸排的对象是场所。" and caught.value.field == "household"
    with pytest.raises(DomainError) as caught:
        services.response_submit(actor=people["clerk"], round_=household_round, answers=GOOD_P6)
    assert caught.value.message == services.SUBJECT_REQUIRED
    assert not SurveyResponse.objects.exists()


def test_a_closed_round_takes_no_more_answers(people, round_):
    home = make_household(VILLAGE, members=["张三"])
    services.round_close(actor=people["township"], round_=round_)
    with pytest.raises(DomainError) as caught:
        services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=GOOD_P6)
    assert caught.value.message == services.ROUND_CLOSED
    assert not SurveyResponse.objects.exists()
    assert actions() == ["survey_round.close"]


def test_a_household_outside_the_rounds_region_is_refused(people):
    village_round = make_round(VILLAGE)
    elsewhere = make_household(OTHER_VILLAGE, members=["张三"])  # same township, another village
    with pytest.raises(DomainError) as caught:
        services.response_submit(actor=people["township"], round_=village_round, household=elsewhere, answers=GOOD_P6)
    assert caught.value.message == services.OUTSIDE_ROUND and caught.value.field == "household"
    with pytest.raises(NotFound):  # and a clerk cannot answer for a village that is not theirs at all
        services.response_submit(actor=people["clerk"], round_=make_round(TOWNSHIP), household=elsewhere, answers=GOOD_P6)
    assert not SurveyResponse.objects.exists()


def test_answers_are_checked_against_the_template(people, round_):
    home = make_household(VILLAGE, members=["张三"])
    with pytest.raises(DomainError) as caught:
        services.response_submit(actor=people["clerk"], round_=round_, household=home,
                                 answers={**GOOD_P6, "housing": "豪宅", "bogus": 1})
    assert [e["field"] for e in caught.value.errors] == ["answers.bogus", "answers.housing"]
    assert caught.value.errors[1]["message"] == "住房状况：不是可选项：豪宅"
    missing = dict(GOOD_P6)
    del missing["water_ok"]
    with pytest.raises(DomainError) as caught:
        services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=missing)
    assert str(caught.value) == "饮水正常（保温、错时、定点供水）：必填"
    assert not SurveyResponse.objects.exists()


def test_a_sheet_records_the_leaflet_and_education_columns(people):
    template_ = SurveyTemplate.objects.create(code="t-p7", name="p7", name_en="p7", questions=[
        {"key": "leaflet_given", "type": "yesno", "label": "明白纸已发放", "label_en": "Leaflet", "required": True},
        {"key": "education_given", "type": "yesno", "label": "面对面安全教育", "label_en": "Education"}])
    round_ = round_of(template_)
    sheet = services.response_submit(actor=people["clerk"], round_=round_, household=make_household(VILLAGE, members=["张三"]),
                                     answers={"leaflet_given": "是"})
    assert (sheet.leaflet_given, sheet.education_given) == (True, None)


def test_a_major_finding_is_escalated_and_the_county_and_township_are_told(people, round_):
    far_township = make_member("township_officer", NANJIE, username="far")
    home = make_household(VILLAGE, members=["张三"])
    sheet = services.response_submit(actor=people["clerk"], round_=round_, household=home, answers={**GOOD_P6, "housing": "危房"})
    hazard = Hazard.objects.get()
    assert (hazard.rule, hazard.severity, hazard.state, hazard.response_id, hazard.source) == ("house_dangerous", "major", State.ESCALATED, sheet.pk, "survey")
    assert hazard.escalated_at is not None and hazard.deadline == timezone.localdate(sheet.visited_at) + timedelta(days=3)
    assert list(hazard.steps.values_list("transition", "to_state")) == [("report", "identified"), ("escalate", "escalated")]
    told = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(told) == {"county", "township"}
    assert far_township.username not in told
    assert told["county"].title == "重大问题：住房为危房" and told["county"].link == f"/hazards/{hazard.pk}/"
    assert actions() == ["survey_response.submit", "hazard.report"]


def test_general_findings_notify_nobody(people, round_):
    services.response_submit(actor=people["clerk"], round_=round_, household=make_household(VILLAGE, members=["张三"]),
                             answers={**GOOD_P6, "heating_method": "none"})
    assert Hazard.objects.get().state == State.IDENTIFIED
    assert not Notification.objects.exists()


# --- checks added after review -------------------------------------------------------------------


def test_round_params_must_be_numbers_and_the_deadline_not_before_the_start(people):
    p4 = template("p4-heating-survey")
    start = timezone.localdate()
    with pytest.raises(DomainError) as caught:
        services.round_create(actor=people["township"], template=p4, region_code=TOWNSHIP, name="取暖摸排",
                              starts_on=start, ends_on=start + timedelta(days=1), params={"coal_days_min": "三十"})
    assert caught.value.message == services.PARAM_NOT_NUMBER % {"name": "coal_days_min"}
    early = timezone.make_aware(datetime.combine(start - timedelta(days=1), time(12)))
    with pytest.raises(DomainError) as caught:
        services.round_create(actor=people["township"], template=p4, region_code=TOWNSHIP, name="取暖摸排",
                              starts_on=start, ends_on=start + timedelta(days=1), report_deadline=early)
    assert caught.value.message == services.DEADLINE_BEFORE_START
    assert not SurveyRound.objects.exists()


def test_saving_the_same_answers_again_writes_nothing(people, round_):
    home = make_household(VILLAGE, members=["甲", "乙"])
    first = services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=GOOD_P6, client_id="tap-1")
    events = Event.objects.count()
    again = services.response_submit(actor=people["clerk"], round_=round_, household=home, answers=GOOD_P6, client_id="tap-2")
    assert again.pk == first.pk and again.version == 1
    assert Event.objects.count() == events
