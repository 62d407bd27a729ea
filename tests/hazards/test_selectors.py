"""Reads on the problem list: scope, overdue, the moves a user is offered, the premises checklist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.registry.factories import VILLAGE
from tests.surveys.factories import make_hazard
from warmwinter.hazards import selectors
from warmwinter.surveys.models import SurveyTemplate

pytestmark = pytest.mark.django_db


def test_overdue_is_open_and_past_the_deadline_longest_first(people):
    today = timezone.localdate()
    old = make_hazard(VILLAGE, deadline=today - timedelta(days=5), found_at=timezone.now() - timedelta(days=20))
    recent = make_hazard(VILLAGE, deadline=today - timedelta(days=1), found_at=timezone.now() - timedelta(days=20))
    make_hazard(VILLAGE, deadline=today)
    make_hazard(VILLAGE, deadline=today - timedelta(days=3), state="closed", found_at=timezone.now() - timedelta(days=20))
    make_hazard("520402001001", deadline=today - timedelta(days=9), found_at=timezone.now() - timedelta(days=20))
    assert list(selectors.hazards_overdue(people.township)) == [old, recent]
    assert len(selectors.hazards_overdue(people.county)) == 3
    assert list(selectors.hazards_overdue(people.charity)) == []
    # Tomorrow, the one due today is overdue too.
    assert len(selectors.hazards_overdue(people.township, today=today + timedelta(days=1))) == 3


def test_moves_offered_depend_on_state_role_and_who_fixed_it(people):
    hazard = make_hazard(VILLAGE, state="rectified", fixed_by=people.township)
    assert [t.name for t in selectors.transitions_for(people.township, hazard)] == []
    assert [t.name for t in selectors.transitions_for(people.township2, hazard)] == ["verify", "reject"]
    assert [t.name for t in selectors.transitions_for(people.clerk, hazard)] == []  # a clerk may not verify
    hazard.state = "verified"
    assert [t.name for t in selectors.transitions_for(people.township, hazard)] == ["close"]


def test_premises_checklist_prefers_the_shipped_one(db):
    SurveyTemplate.objects.filter(subject="premises").delete()
    assert selectors.premises_template() is None
    other = SurveyTemplate.objects.create(code="local-check", version=1, name="本地检查表", name_en="x", subject="premises")
    assert selectors.premises_template() == other
    SurveyTemplate.objects.create(code="p10-premises-fire", version=1, name="v1", name_en="x", subject="premises")
    latest = SurveyTemplate.objects.create(code="p10-premises-fire", version=2, name="v2", name_en="x", subject="premises")
    SurveyTemplate.objects.create(code="p10-premises-fire", version=3, name="v3", name_en="x", subject="premises", active=False)
    assert selectors.premises_template() == latest
