"""Finding likely duplicates: which pairs are proposed, for which reason, and which never are."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, PINGBA_VILLAGE, VILLAGE, id_number, make_person
from warmwinter.audit.models import Event
from warmwinter.registry import dedupe, names
from warmwinter.registry.models import DuplicateCandidate, DuplicateStatus, PersonLink
from warmwinter.registry.tasks import duplicates_find

pytestmark = pytest.mark.django_db

BORN = date(1958, 4, 12)


def _pairs() -> dict[frozenset[str], DuplicateCandidate]:
    found = DuplicateCandidate.objects.select_related("person_a", "person_b")
    return {frozenset((c.person_a.name, c.person_b.name)): c for c in found}


def _numbered(name: str, village: str = VILLAGE, born: date = BORN, region6: str = "520402"):
    return make_person(name=name, region_code=village, id_number=id_number(birth_date=born, region6=region6))


def _unnumbered(name: str, village: str = VILLAGE, born: date = BORN):
    return make_person(name=name, region_code=village, id_number="", birth_date=born, gender="M")


def test_same_pinyin_in_one_village_is_a_candidate_with_reason_pinyin(tree):
    zhang_wei = _numbered("张伟", born=date(1960, 1, 1))
    zhang_wei2 = _unnumbered("张玮", born=date(1960, 3, 1))

    result = dedupe.find_candidates()

    assert result.created == {"name_birth": 0, "pinyin": 1, "fuzzy": 0}
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.person_a, candidate.person_b) == (zhang_wei, zhang_wei2)
    assert (candidate.reason, candidate.status, candidate.region_id) == ("pinyin", DuplicateStatus.OPEN, VILLAGE)


def test_same_pinyin_in_two_villages_is_not_a_pinyin_candidate(tree):
    _numbered("张伟", born=date(1960, 1, 1))
    _unnumbered("张玮", village=OTHER_VILLAGE, born=date(1960, 3, 1))

    assert dedupe.find_candidates().total == 0


def test_same_name_and_birth_date_in_two_villages_of_one_county_is_a_candidate(tree):
    a = _numbered("李秀英", village=VILLAGE)
    b = _numbered("李秀英", village=NANJIE_VILLAGE)  # another township of 西秀区, another valid number

    result = dedupe.find_candidates()

    assert result.created["name_birth"] == 1
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a_id, candidate.person_b_id} == {a.pk, b.pk}
    assert candidate.reason == "name_birth"
    assert candidate.region_id == "520402000000"  # 西秀区, the smallest region holding both


def test_same_name_and_birth_date_in_two_counties_is_not_a_candidate(tree):
    _numbered("李秀英", village=VILLAGE)
    _numbered("李秀英", village=PINGBA_VILLAGE, region6="520403")

    assert dedupe.find_candidates().total == 0
    assert not DuplicateCandidate.objects.exists()


def test_shan_surname_reading_makes_a_pinyin_candidate(tree):
    _numbered("单雄信", born=date(1970, 6, 1))
    _unnumbered("善雄信", born=date(1970, 9, 9))

    dedupe.find_candidates()

    assert _pairs()[frozenset(("单雄信", "善雄信"))].reason == "pinyin"


def test_without_the_surname_table_shan_and_dan_differ(tree, monkeypatch):
    monkeypatch.setitem(names.SURNAME_READINGS, "单", "dan")  # the everyday reading of 单
    names.syllables.cache_clear()
    try:
        _numbered("单雄信", born=date(1970, 6, 1))
        _unnumbered("善雄信", born=date(1970, 9, 9))  # same birth year: the fuzzy rule gets its chance too
        assert dedupe.find_candidates().total == 0
    finally:
        names.syllables.cache_clear()


def test_near_names_of_the_same_birth_year_in_a_village_are_fuzzy_candidates(tree):
    _numbered("李小明", born=date(1980, 2, 2))
    _unnumbered("李晓敏", born=date(1980, 11, 30))
    _unnumbered("李晓玲", born=date(1990, 11, 30))  # near 李小明 (ratio 90), but another birth year

    result = dedupe.find_candidates()

    assert result.created == {"name_birth": 0, "pinyin": 0, "fuzzy": 1}
    candidate = _pairs()[frozenset(("李小明", "李晓敏"))]
    assert candidate.reason == "fuzzy"
    assert 90 <= candidate.score < 100


def test_different_valid_ids_and_different_birth_dates_are_never_candidates(tree):
    _numbered("张伟", born=date(1960, 1, 1))
    _numbered("张玮", born=date(1960, 1, 2))   # same pinyin, same village, same year
    _numbered("王芳", born=date(1975, 5, 5))
    _numbered("王方", born=date(1975, 5, 6))

    assert dedupe.find_candidates().total == 0


def test_a_decided_pair_is_not_proposed_again(tree):
    _numbered("张伟", born=date(1960, 1, 1))
    _unnumbered("张玮", born=date(1960, 3, 1))
    dedupe.find_candidates()
    DuplicateCandidate.objects.update(status=DuplicateStatus.DISMISSED)

    again = dedupe.find_candidates()

    assert again.total == 0 and again.known == 1
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.DISMISSED


def test_a_linked_pair_is_not_proposed(tree):
    from tests.factories import make_member

    a = _numbered("张伟", born=date(1960, 1, 1))
    b = _unnumbered("张玮", born=date(1960, 3, 1))
    PersonLink.objects.create(person=b, same_as=a, decided_by=make_member("county_officer", "520402"))

    assert dedupe.find_candidates().total == 0
    assert not DuplicateCandidate.objects.exists()


def test_one_pair_one_candidate_with_the_strongest_reason(tree):
    _numbered("刘洋", born=BORN)
    _unnumbered("刘洋", born=BORN)  # same name, same birth date, same village: rules a and b both match

    result = dedupe.find_candidates()

    assert result.total == 1
    assert DuplicateCandidate.objects.get().reason == "name_birth"


def test_a_run_for_a_village_keeps_pairs_touching_it(tree):
    _numbered("李秀英", village=VILLAGE)
    _numbered("李秀英", village=NANJIE_VILLAGE)
    _numbered("周建国", village=VILLAGE, born=date(1966, 1, 1))
    _unnumbered("周建国", village=OTHER_VILLAGE, born=date(1966, 1, 1))  # same county, neither in 塔东

    result = dedupe.find_candidates(region_code=NANJIE_VILLAGE)

    assert result.created["name_birth"] == 1
    assert set(_pairs()) == {frozenset(("李秀英",))}


def test_the_run_writes_one_audit_event_only_when_something_is_new(tree):
    _numbered("张伟", born=date(1960, 1, 1))
    _unnumbered("张玮", born=date(1960, 3, 1))

    dedupe.find_candidates()
    dedupe.find_candidates()

    events = list(Event.objects.filter(action="duplicate.find"))
    assert len(events) == 1
    assert events[0].changes["pinyin"] == [None, 1]


def test_the_task_runs_the_finder(tree):
    _numbered("张伟", born=date(1960, 1, 1))
    _unnumbered("张玮", born=date(1960, 3, 1))

    result = duplicates_find.enqueue(region_code=VILLAGE)

    assert result.return_value == {"region": VILLAGE, "created": {"name_birth": 0, "pinyin": 1, "fuzzy": 0}, "total": 1, "known": 0}
    assert DuplicateCandidate.objects.count() == 1


def test_command_prints_the_counts(tree, capsys):
    _numbered("张伟", born=date(1960, 1, 1))
    _unnumbered("张玮", born=date(1960, 3, 1))

    call_command("dedupe", "find", "--region", "520402")

    out = capsys.readouterr().out
    assert "520402000000: 1 new" in out
    assert "same pinyin: 1" in out


def test_command_rejects_a_bad_region(tree):
    with pytest.raises(CommandError, match="区划代码无效：52x"):
        call_command("dedupe", "find", "--region", "52x")
