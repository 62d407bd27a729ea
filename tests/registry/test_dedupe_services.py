"""Linking and dismissing duplicate candidates: both rows stay, one audit event, scope holds."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, id_number, make_person
from warmwinter.audit.models import Event
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.registry import dedupe
from warmwinter.registry.models import DuplicateCandidate, DuplicateStatus, Person, PersonLink
from warmwinter.registry.selectors_dedupe import access_candidate, candidates_for, person_links
from warmwinter.registry.services_dedupe import duplicate_dismiss, duplicate_link

pytestmark = pytest.mark.django_db


def _pair(village_a: str = VILLAGE, village_b: str = VILLAGE, name: str = "王桂兰") -> DuplicateCandidate:
    born = date(1949, 10, 1)
    a = make_person(name=name, region_code=village_a, id_number=id_number(birth_date=born))
    b = make_person(name=name, region_code=village_b, id_number="", birth_date=born, gender="F")
    dedupe.find_candidates()
    return DuplicateCandidate.objects.get(person_a=a, person_b=b)


def test_link_keeps_both_rows_and_writes_one_audit_event(tree):
    clerk = make_member("village_clerk", VILLAGE)
    candidate = _pair()
    before = Event.objects.count()

    link = duplicate_link(actor=clerk, candidate=candidate)

    assert Person.objects.filter(pk__in=[candidate.person_a_id, candidate.person_b_id]).count() == 2
    assert (link.person_id, link.same_as_id, link.decided_by) == (candidate.person_a_id, candidate.person_b_id, clerk)
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by) == (DuplicateStatus.LINKED, clerk)
    events = list(Event.objects.filter(seq__gt=before))
    assert [(e.action, e.object_id, e.role) for e in events] == [("duplicate.link", str(candidate.pk), "village_clerk")]
    assert events[0].changes["status"] == ["open", "linked"]


def test_dismiss_closes_the_candidate_and_it_is_not_proposed_again(tree):
    clerk = make_member("village_clerk", VILLAGE)
    candidate = _pair()

    duplicate_dismiss(actor=clerk, candidate=candidate)

    assert not PersonLink.objects.exists()
    assert dedupe.find_candidates().total == 0
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DISMISSED
    assert Event.objects.filter(action="duplicate.dismiss", object_id=str(candidate.pk)).count() == 1


def test_a_decided_candidate_cannot_be_decided_again(tree):
    clerk = make_member("village_clerk", VILLAGE)
    candidate = _pair()
    duplicate_dismiss(actor=clerk, candidate=candidate)

    with pytest.raises(DomainError, match="该疑似重复已处理（已排除）"):
        duplicate_link(actor=clerk, candidate=DuplicateCandidate.objects.get(pk=candidate.pk))
    assert not PersonLink.objects.exists()
    assert not Event.objects.filter(action="duplicate.link").exists()


def test_a_role_that_may_only_look_gets_forbidden(tree):
    helper = make_member("helper", VILLAGE)
    candidate = _pair()

    assert access_candidate(helper, candidate.pk) == candidate
    with pytest.raises(Forbidden):
        duplicate_link(actor=helper, candidate=candidate)
    assert DuplicateCandidate.objects.get(pk=candidate.pk).status == DuplicateStatus.OPEN


def test_village_clerk_sees_only_candidates_of_their_village(tree):
    clerk = make_member("village_clerk", VILLAGE)
    own = _pair(VILLAGE, VILLAGE, name="王桂兰")
    across = _pair(VILLAGE, OTHER_VILLAGE, name="陈玉珍")    # one person is the clerk's, the pair is the township's
    elsewhere = _pair(NANJIE_VILLAGE, NANJIE_VILLAGE, name="赵淑华")

    assert list(candidates_for(user=clerk)) == [own]
    for candidate in (across, elsewhere):
        with pytest.raises(NotFound):
            access_candidate(clerk, candidate.pk)
        with pytest.raises(NotFound):
            duplicate_link(actor=clerk, candidate=candidate)

    officer = make_member("township_officer", "520402005")
    assert set(candidates_for(user=officer)) == {own, across}
    county = make_member("county_officer", "520402")
    assert set(candidates_for(user=county)) == {own, across, elsewhere}


def test_person_links_name_the_other_row_in_both_directions_within_scope(tree):
    county = make_member("county_officer", "520402", display_name="县局核查员")
    candidate = _pair(VILLAGE, NANJIE_VILLAGE)
    duplicate_link(actor=county, candidate=candidate)
    a, b = candidate.person_a, candidate.person_b

    [from_a] = person_links(a, user=county)
    [from_b] = person_links(b, user=county)
    assert (from_a.person, from_b.person, from_a.decided_by) == (b, a, "县局核查员")
    # A clerk of a's village does not learn where the other row lives.
    assert person_links(a, user=make_member("village_clerk", VILLAGE)) == []
