"""四不两直 spot checks: draw surveyed households at random, re-visit them, flag the answers that differ."""

import pytest

from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import COUNTY, GOOD_P6, TOWNSHIP, make_response, make_round
from warmwinter.audit.models import Event
from warmwinter.core.errors import DomainError, Forbidden
from warmwinter.hazards.models import Hazard
from warmwinter.surveys import selectors, services, services_spot_checks
from warmwinter.surveys.models import SpotCheck, SpotCheckItem, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(tree):
    return make_member("supervisor", COUNTY, username="inspector")


@pytest.fixture
def surveyed(tree):
    """A round over 东关街道: ten households, six surveyed (four in 金钟社区, two in the next village)."""
    round_ = make_round(TOWNSHIP)
    homes = [make_household(VILLAGE, members=["张三", "李四"]) for _ in range(7)] + [make_household(OTHER_VILLAGE, members=["王五"]) for _ in range(3)]
    sheets = [make_response(round_, home) for home in homes[:4] + homes[7:9]]
    return round_, homes, sheets


def drawn(check: SpotCheck) -> list[int]:
    return sorted(check.items.values_list("original_id", flat=True))


def test_the_same_seed_draws_the_same_sample(inspector, surveyed):
    round_, _homes, sheets = surveyed
    first = services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=TOWNSHIP, size=3, seed=42)
    second = services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=TOWNSHIP, size=3, seed=42)
    assert len(drawn(first)) == 3 and drawn(first) == drawn(second)
    assert set(drawn(first)) <= {s.pk for s in sheets}
    samples = {tuple(drawn(services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=TOWNSHIP, size=3, seed=seed)))
               for seed in range(8)}
    assert len(samples) > 1  # other seeds, other samples
    stored = SpotCheck.objects.get(pk=first.pk)
    assert (stored.size, stored.seed, stored.drawn_by, stored.region_id) == (3, 42, inspector, TOWNSHIP)


def test_a_draw_without_a_seed_keeps_the_one_it_used(inspector, surveyed):
    round_, _homes, _sheets = surveyed
    check = services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=TOWNSHIP, size=2)
    again = services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=TOWNSHIP, size=2, seed=check.seed)
    assert drawn(again) == drawn(check)
    assert Event.objects.get(action="spot_check.draw", object_id=str(check.pk)).changes == {"size": [None, 2], "seed": [None, check.seed], "pool": [None, 6]}


def test_only_surveyed_households_of_the_region_are_drawn(inspector, surveyed):
    round_, homes, sheets = surveyed
    everyone = services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=TOWNSHIP, size=6, seed=1)
    assert drawn(everyone) == sorted(s.pk for s in sheets)
    village = services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=OTHER_VILLAGE, size=2, seed=1)
    assert drawn(village) == sorted(s.pk for s in sheets[4:])
    assert set(village.items.values_list("region_id", flat=True)) == {OTHER_VILLAGE}


def test_the_sample_size_must_fit_what_was_surveyed(inspector, surveyed):
    round_, _homes, _sheets = surveyed
    for size in (0, 7):
        with pytest.raises(DomainError) as caught:
            services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=TOWNSHIP, size=size, seed=1)
        assert str(caught.value) == "样本量应为 1 到 6（该范围已摸排 6 户/处）。" and caught.value.field == "size"
    with pytest.raises(DomainError) as caught:
        services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=OTHER_VILLAGE, size=3, seed=1)
    assert str(caught.value) == "样本量应为 1 到 2（该范围已摸排 2 户/处）。"
    assert not SpotCheck.objects.exists()


def test_nothing_surveyed_nothing_to_draw(inspector, tree):
    round_ = make_round(TOWNSHIP)
    make_household(VILLAGE, members=["张三"])
    with pytest.raises(DomainError) as caught:
        services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=TOWNSHIP, size=1, seed=1)
    assert caught.value.message == services_spot_checks.NOTHING_SURVEYED


def test_only_the_inspection_office_and_county_draw(surveyed):
    round_, _homes, _sheets = surveyed
    township = make_member("township_officer", TOWNSHIP, username="township")
    with pytest.raises(Forbidden):
        services_spot_checks.spot_check_draw(actor=township, round_=round_, region_code=TOWNSHIP, size=1, seed=1)
    county = make_member("county_officer", COUNTY, username="county")
    assert services_spot_checks.spot_check_draw(actor=county, round_=round_, region_code=TOWNSHIP, size=1, seed=1).items.count() == 1


@pytest.fixture
def item(inspector, tree):
    """One drawn household whose survey said: two assistance needs, a note and a photo."""
    round_ = make_round(TOWNSHIP)
    home = make_household(VILLAGE, members=["张三", "李四"])
    original = {**GOOD_P6, "co_alarm": True, "temporary_assistance": ["emergency", "warm_winter"], "notes": "老人独居", "photo": "a.jpg"}
    make_response(round_, home, answers=original)
    check = services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=TOWNSHIP, size=1, seed=7)
    return check.items.get()


def test_the_record_lists_only_answers_that_differ(inspector, item):
    found = {**GOOD_P6, "co_alarm": False, "temporary_assistance": ["warm_winter", "emergency"], "notes": "无人在家", "photo": "b.jpg"}
    recorded = services_spot_checks.spot_check_record(actor=inspector, item=item, answers=found, notes="暗访")
    assert recorded.mismatches == [{"question": "co_alarm", "label": "安装一氧化碳报警器", "label_en": "Carbon-monoxide alarm installed",
                                    "original": True, "found": False}]
    recheck = SurveyResponse.objects.get(pk=recorded.recheck_id)
    assert (recheck.kind, recheck.round_id, recheck.surveyor, recheck.household_id, recheck.notes) == (
        "spot_check", None, inspector, item.original.household_id, "暗访")
    assert SpotCheckItem.objects.get(pk=item.pk).done
    assert Event.objects.filter(action="spot_check.record").get().changes == {"mismatches": [None, ["co_alarm"]]}


def test_a_recheck_that_agrees_records_no_mismatch_and_leaves_coverage_alone(inspector, item):
    round_ = item.spot_check.round
    before = selectors.coverage(round_, TOWNSHIP).total.as_dict()
    recorded = services_spot_checks.spot_check_record(actor=inspector, item=item, answers=dict(item.original.answers))
    assert recorded.mismatches == []
    assert selectors.coverage(round_, TOWNSHIP).total.as_dict() == before  # the re-visit is not a second survey


def test_findings_of_a_spot_check_go_on_the_problem_list(inspector, item):
    services_spot_checks.spot_check_record(actor=inspector, item=item, answers={**item.original.answers, "water_ok": False})
    hazard = Hazard.objects.get(rule="water")
    assert (hazard.source, hazard.household_id, hazard.found_by, hazard.state) == ("spot_check", item.original.household_id, inspector, "identified")
    assert hazard.response == SpotCheckItem.objects.get(pk=item.pk).recheck
    # The factory's survey listed nothing, so the re-visit lists the two assistance needs as well.
    assert sorted(Hazard.objects.values_list("rule", "source")) == [
        ("assistance_emergency", "spot_check"), ("assistance_warm", "spot_check"), ("water", "spot_check")]


def test_a_problem_still_open_is_not_listed_again_by_the_spot_check(inspector, tree):
    clerk = make_member("village_clerk", VILLAGE, username="clerk")
    round_ = make_round(TOWNSHIP)
    home = make_household(VILLAGE, members=["张三"])
    services.response_submit(actor=clerk, round_=round_, household=home, answers={**GOOD_P6, "wiring_ok": False})
    item = services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=VILLAGE, size=1, seed=1).items.get()
    services_spot_checks.spot_check_record(actor=inspector, item=item, answers={**GOOD_P6, "wiring_ok": False, "water_ok": False})
    assert sorted(Hazard.objects.values_list("rule", "source")) == [("water", "spot_check"), ("wiring", "survey")]
    Hazard.objects.filter(rule="wiring").update(state="closed")  # fixed and closed; found again later: a new problem
    second = services_spot_checks.spot_check_draw(actor=inspector, round_=round_, region_code=VILLAGE, size=1, seed=1).items.get()
    services_spot_checks.spot_check_record(actor=inspector, item=second, answers={**GOOD_P6, "wiring_ok": False})
    assert Hazard.objects.filter(rule="wiring", source="spot_check").count() == 1


def test_an_item_cannot_be_recorded_twice(inspector, item):
    services_spot_checks.spot_check_record(actor=inspector, item=item, answers=dict(item.original.answers))
    with pytest.raises(DomainError) as caught:
        services_spot_checks.spot_check_record(actor=inspector, item=item, answers={**item.original.answers, "water_ok": False})
    assert caught.value.message == services_spot_checks.ALREADY_CHECKED
    assert SurveyResponse.objects.filter(kind="spot_check").count() == 1 and not Hazard.objects.filter(rule="water").exists()
    assert list(Event.objects.order_by("seq").values_list("action", flat=True)) == [
        "spot_check.draw", "survey_response.submit", "hazard.report", "hazard.report", "spot_check.record"]


def test_a_village_clerk_cannot_record_a_spot_check(item):
    clerk = make_member("village_clerk", VILLAGE, username="clerk")
    with pytest.raises(Forbidden):
        services_spot_checks.spot_check_record(actor=clerk, item=item, answers=dict(item.original.answers))
    assert not SpotCheckItem.objects.get(pk=item.pk).done
