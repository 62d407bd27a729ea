"""The survey → finding → hazard → verified close loop of plan 6's checklist, through the services."""

from datetime import date

import pytest

from tests.factories import make_member
from tests.registry.factories import VILLAGE, make_household
from warmwinter.hazards import services as hazard_services
from warmwinter.hazards.workflow import State
from warmwinter.surveys import selectors, services
from warmwinter.surveys.models import SurveyTemplate

pytestmark = pytest.mark.django_db

GOOD = {"co_publicity": "是", "co_ventilation": True, "housing": "safe", "heating_method": "electric",
        "cold_supplies_enough": True, "water_ok": True, "wiring_ok": True}


def test_survey_finding_hazard_close(tree):
    township = make_member("township_officer", "520402005000", username="t")
    clerk = make_member("village_clerk", VILLAGE, username="c")
    other = make_member("village_clerk", VILLAGE, username="c2")
    template = SurveyTemplate.objects.get(code="p6-visit-checklist")
    round_ = services.round_create(actor=township, template=template, region_code="520402005000", name="冬季摸排",
                                   starts_on=date(2026, 12, 16), ends_on=date(2026, 12, 20))
    homes = [make_household(VILLAGE, members=["张三", "李四"]) for _ in range(3)]
    response = services.response_submit(actor=clerk, round_=round_, household=homes[0],
                                        answers={**GOOD, "heating_method": "无取暖设施", "wiring_ok": "否"})
    hazards = list(response.hazards.order_by("rule"))
    assert [h.rule for h in hazards] == ["no_heating", "wiring"]
    services.response_submit(actor=clerk, round_=round_, household=homes[1], answers=GOOD, persons_covered=1)
    cov = selectors.coverage(round_, "520402005000")
    village = next(v for v in cov.villages if v.code == VILLAGE)
    assert (village.units, village.surveyed, village.persons, village.persons_covered) == (3, 2, 6, 3)
    assert not village.complete
    assert [h.pk for h in selectors.households_missing(round_, VILLAGE)] == [homes[2].pk]
    hazard = hazards[0]
    hazard = hazard_services.hazard_transition(actor=clerk, hazard=hazard, name="warn")
    hazard = hazard_services.hazard_transition(actor=clerk, hazard=hazard, name="start_rectification")
    hazard = hazard_services.hazard_transition(actor=other, hazard=hazard, name="rectify", note="送去电暖器")
    with pytest.raises(Exception):
        hazard_services.hazard_transition(actor=other, hazard=hazard, name="verify")
    hazard = hazard_services.hazard_transition(actor=township, hazard=hazard, name="verify")
    hazard = hazard_services.hazard_transition(actor=township, hazard=hazard, name="close")
    assert hazard.state == State.CLOSED
    total, _children = selectors.hazard_rates(round_, "520402005000")
    assert (total.found, total.closed, total.closed_on_time) == (2, 1, 1)
