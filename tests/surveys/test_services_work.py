"""Survey services around the answers: the unit report and the surveyors' assignments."""

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


# --- unit_report_submit ------------------------------------------------------------------------


def report(actor, round_, **overrides) -> UnitReport:
    values = dict(region_code=TOWNSHIP, situation="应摸排 120 户，已摸排 118 户", problems="2 户储煤不足", measures="已协调送煤", suggestions="")
    values.update(overrides)
    return services.unit_report_submit(actor=actor, round_=round_, **values)


def test_the_unit_report_needs_situation_problems_and_measures(people, round_):
    for blank in ("situation", "problems", "measures"):
        with pytest.raises(DomainError) as caught:
            report(people["township"], round_, **{blank: "  "})
        assert str(caught.value) == "现状、问题、对策三栏必填。" and caught.value.field == blank
    assert not UnitReport.objects.exists()
    assert report(people["township"], round_).suggestions == ""  # suggestions are optional


def test_a_unit_report_after_the_deadline_is_late_and_a_resubmission_updates_it(people, monkeypatch):
    deadline = at(date(2026, 11, 8), 12)
    round_ = make_round(TOWNSHIP, starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 10), report_deadline=deadline)
    freeze(monkeypatch, deadline - timedelta(hours=1))
    first = report(people["township"], round_)
    assert first.late is False and first.submitted_at == deadline - timedelta(hours=1)
    freeze(monkeypatch, deadline + timedelta(hours=1))
    second = report(people["township"], round_, measures="已协调送煤两吨", suggestions="建议增加煤炭储备")
    assert second.pk == first.pk and UnitReport.objects.count() == 1
    stored = UnitReport.objects.get()
    assert (stored.measures, stored.suggestions, stored.late) == ("已协调送煤两吨", "建议增加煤炭储备", True)
    events = Event.objects.filter(action="unit_report.submit").order_by("seq")
    assert [e.changes["resubmitted"][1] for e in events] == [False, True]


def test_who_may_report_and_where(people, round_):
    with pytest.raises(Forbidden):
        report(people["clerk"], round_, region_code=VILLAGE)
    with pytest.raises(NotFound):
        report(people["township"], round_, region_code=NANJIE)
    with pytest.raises(DomainError) as caught:
        report(people["county"], round_, region_code=NANJIE)  # in the county's scope, but not the round's region
    assert caught.value.message == services.OUTSIDE_ROUND
    assert not UnitReport.objects.exists()


# --- assignment_set ----------------------------------------------------------------------------


def test_a_village_is_given_to_a_surveyor(people, round_):
    homes = [make_household(VILLAGE, members=["张三"]) for _ in range(2)]
    rows = services.assignment_set(actor=people["township"], round_=round_, region_code=VILLAGE, surveyor=people["clerk"])
    assert [(r.region_id, r.household_id, r.surveyor.username) for r in rows] == [(VILLAGE, None, "clerk")]
    services.assignment_set(actor=people["township"], round_=round_, region_code=VILLAGE, surveyor=people["helper"], households=homes)
    services.assignment_set(actor=people["township"], round_=round_, region_code=VILLAGE, surveyor=people["clerk"])  # again: no new row
    assert sorted(SurveyAssignment.objects.values_list("surveyor__username", "household_id")) == [
        ("clerk", None), ("helper", homes[0].pk), ("helper", homes[1].pk)]
    assert actions() == ["survey_assignment.set"] * 3


def test_assignments_go_to_villages_of_the_round(people, round_):
    with pytest.raises(DomainError) as caught:
        services.assignment_set(actor=people["township"], round_=round_, region_code=TOWNSHIP, surveyor=people["clerk"])
    assert caught.value.message == services.NOT_A_VILLAGE and caught.value.field == "region"
    village_round = make_round(VILLAGE)
    with pytest.raises(DomainError) as caught:
        services.assignment_set(actor=people["township"], round_=village_round, region_code=OTHER_VILLAGE, surveyor=people["township"])
    assert caught.value.message == services.NOT_A_VILLAGE
    with pytest.raises(DomainError) as caught:
        services.assignment_set(actor=people["township"], round_=round_, region_code=VILLAGE, surveyor=people["clerk"],
                                households=[make_household(OTHER_VILLAGE)])
    assert caught.value.message == services.OUTSIDE_ROUND and caught.value.field == "households"
    assert not SurveyAssignment.objects.exists()


def test_the_surveyor_must_be_able_to_answer_in_the_village(people, round_):
    # The surveyor's lack of rights is bad input from the assigner (400 with a message), not the assigner's 403/404.
    supervisor = make_member("supervisor", COUNTY, username="supervisor", display_name="督查甲")
    with pytest.raises(DomainError) as caught:  # may see the village, may not answer surveys
        services.assignment_set(actor=people["township"], round_=round_, region_code=VILLAGE, surveyor=supervisor)
    assert caught.value.status_code == 400 and caught.value.field == "surveyor"
    assert str(caught.value.message).startswith("督查甲 在金钟社区")
    other_clerk = make_member("village_clerk", OTHER_VILLAGE, username="other")
    with pytest.raises(DomainError) as caught:  # a clerk of another village
        services.assignment_set(actor=people["township"], round_=round_, region_code=VILLAGE, surveyor=other_clerk)
    assert caught.value.status_code == 400
    with pytest.raises(Forbidden):  # and a clerk does not hand out work
        services.assignment_set(actor=people["clerk"], round_=round_, region_code=VILLAGE, surveyor=people["helper"])
    assert not SurveyAssignment.objects.exists()
    assert services.assignment_set(actor=people["township"], round_=round_, region_code=VILLAGE, surveyor=people["township"])
