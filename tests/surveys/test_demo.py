"""`warmwinter demo`: survey rounds, answers, problems, premises, a unit report and a spot check over the demo ledger."""

import io
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from warmwinter.audit.models import Event
from warmwinter.audit.verify import chain_verify
from warmwinter.hazards.models import Hazard, HazardStep, Premises
from warmwinter.hazards.workflow import State
from warmwinter.notifications.models import Notification
from warmwinter.registry.models import Household
from warmwinter.surveys import selectors
from warmwinter.surveys.demo import PLANS, surveys_demo_figures
from warmwinter.surveys.models import SpotCheck, SpotCheckItem, SurveyAssignment, SurveyResponse, SurveyRound, SurveyTemplate, UnitReport

DONGGUAN, JINZHONG = "520402005000", "520402005001"
SHIPPED = {p.template for p in PLANS}


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    models = [SurveyRound, SurveyAssignment, SurveyResponse, UnitReport, SpotCheck, SpotCheckItem, Hazard, HazardStep,
              Premises, Notification, Event]
    return {m.__name__: m.objects.count() for m in models}


def rounds() -> dict[str, SurveyRound]:
    return {r.template.code: r for r in SurveyRound.objects.select_related("template")}


@pytest.fixture
def demo(db):
    return run_demo()


def test_every_shipped_template_has_a_round_whose_window_contains_today(demo):
    today = timezone.localdate()
    shipped = set(SurveyTemplate.objects.filter(code__in=SHIPPED, active=True).values_list("code", flat=True))
    made = rounds()
    assert set(made) == shipped and "p6-visit-checklist" in made
    for round_ in made.values():
        assert round_.starts_on <= today <= round_.ends_on and round_.status == "open"
    if "p4-heating-survey" in made:
        p4 = made["p4-heating-survey"]
        assert p4.region_id == DONGGUAN
        assert timezone.localtime(p4.report_deadline) == timezone.make_aware(datetime.combine(today + timedelta(days=1), time(12)))
    assert made["p6-visit-checklist"].assignments.filter(region_id=JINZHONG, surveyor__username="clerk").exists()
    for round_ in made.values():  # late only where the report deadline has passed
        sheets = round_.responses.filter(kind="survey")
        assert sheets.exists()
        passed = round_.report_deadline is not None and round_.report_deadline < timezone.now()
        assert set(sheets.values_list("late", flat=True)) == {passed}


def test_coverage_is_partial_with_some_villages_complete(demo):
    p6 = rounds()["p6-visit-checklist"]
    figures = selectors.coverage(p6, DONGGUAN)
    households = Household.objects.filter(region__code__startswith="520402005", status="active")
    sheets = SurveyResponse.objects.filter(round=p6, kind="survey", region__code__startswith="520402005")
    assert (figures.total.units, figures.total.surveyed) == (households.count(), sheets.count())
    assert 0.6 <= figures.total.surveyed / figures.total.units <= 0.85  # about 70 %
    per_village = Counter(households.values_list("region_id", flat=True))
    answered = Counter(sheets.values_list("region_id", flat=True))
    complete = sum(1 for code, n in per_village.items() if answered[code] == n)
    assert figures.total.villages_complete == complete and 0 < complete < len(per_village)
    assert figures.total.persons_covered <= figures.total.persons
    every = SurveyResponse.objects.filter(round__isnull=False, kind="survey").exclude(round__template__subject="premises")
    assert not every.filter(persons_covered=0).exists()  # somebody was met in every household visited


def test_problems_in_every_state_and_premises(demo):
    today = timezone.localdate()
    states = Counter(Hazard.objects.values_list("state", flat=True))
    assert set(states) == set(State.values)
    majors = Hazard.objects.filter(severity="major")
    assert majors.filter(state=State.ESCALATED).exists()
    escalated_at_jinzhong = majors.filter(region_id=JINZHONG).get()
    told = set(Notification.objects.filter(link=f"/hazards/{escalated_at_jinzhong.pk}/").values_list("recipient__username", flat=True))
    assert told == {"county", "township"}
    assert Hazard.objects.exclude(state=State.CLOSED).filter(deadline__lt=today).exists()
    closed = Hazard.objects.filter(state=State.CLOSED)
    for hazard in closed:  # the verifier is never the one who fixed it
        assert hazard.verified_by_id != hazard.fixed_by_id
        assert list(hazard.steps.values_list("transition", flat=True))[-2:] == ["verify", "close"]
    sources = set(Hazard.objects.values_list("source", flat=True))
    assert {"survey", "spot_check", "manual", "complaint"} <= sources
    premises = Premises.objects.filter(region__code__startswith="520402005")
    assert premises.count() == 9 and len(set(premises.values_list("kind", flat=True))) == 9
    if "p10-premises-fire" in rounds():
        p10 = rounds()["p10-premises-fire"]
        kinds = Counter(p10.responses.values_list("kind", flat=True))
        assert kinds["survey"] == 7 and kinds["self_inspection"] == 3 and kinds["joint_inspection"] == 2
        assert Hazard.objects.filter(premises__isnull=False, severity="major").exists()


def test_unit_report_spot_check_and_summary(demo):
    report = UnitReport.objects.select_related("round").get()
    assert report.region_id == DONGGUAN and report.submitted_by.username == "township" and not report.late
    figures = selectors.coverage(report.round, DONGGUAN).total
    assert f"已摸排 {figures.surveyed} 户（{figures.coverage_rate}%）" in report.situation
    check = SpotCheck.objects.get()
    assert (check.size, check.region_id, check.drawn_by.username) == (5, DONGGUAN, "supervisor")
    items = check.items.order_by("id")
    assert items.count() == 5 and items.filter(recheck__isnull=False).count() == 2
    assert sum(len(item.mismatches) for item in items) == 1
    figures = surveys_demo_figures()
    line = next(line for line in demo.splitlines() if line.startswith("Demo surveys:"))
    assert line == figures.summary()
    assert f"演示摸排 {figures.rounds} 轮" in line and f"问题 {Hazard.objects.count()} 条" in line
    assert figures.responses == SurveyResponse.objects.filter(round__isnull=False).count()


def test_running_demo_twice_changes_nothing(demo):
    before = counts()
    hashes = list(Event.objects.order_by("seq").values_list("hash", flat=True))
    second = run_demo()
    assert counts() == before
    assert list(Event.objects.order_by("seq").values_list("hash", flat=True)) == hashes
    summary = [line for line in second.splitlines() if line.startswith("Demo surveys:")]
    assert summary == [line for line in demo.splitlines() if line.startswith("Demo surveys:")]
    assert chain_verify().ok


def test_a_template_shipped_later_gets_its_round_on_the_next_run(db):
    SurveyTemplate.objects.filter(code="p9-relocated-households").update(active=False)
    run_demo()
    before = {code: r.responses.count() for code, r in rounds().items()}
    assert "p9-relocated-households" not in before
    SurveyTemplate.objects.filter(code="p9-relocated-households").update(active=True)
    run_demo()
    after = rounds()
    assert {code: after[code].responses.count() for code in before} == before
    p9 = after["p9-relocated-households"]
    assert p9.responses.exists() and p9.region_id == JINZHONG
    assert SpotCheck.objects.count() == 1 and UnitReport.objects.count() == 1
    assert SurveyRound.objects.count() == len(before) + 1
