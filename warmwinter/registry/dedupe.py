"""Finding likely duplicate persons (疑似重复) for a person to link or dismiss.

One person per ID number is already a unique key. What is left are the same human entered
twice in ways a key cannot see: once without an ID number, with a mistyped character, or in
two villages. Three rules, each set-based so a county of ~500k persons runs in seconds:

- ``name_birth``: same name and same birth date within a county (SQL window over county,
  name, birth date);
- ``pinyin``: same full pinyin within a village (张伟 / 张玮; 单 read as the surname Shàn);
- ``fuzzy``: pinyin ratio >= 90 and the same birth year within a village (李小明 / 李晓敏),
  compared in Python one (village, birth year) block at a time.

Two persons with different valid ID numbers AND different birth dates are never proposed:
the numbers prove they are two people. A pair that already has a candidate row (open, linked
or dismissed) or a PersonLink is never proposed again.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError
from warmwinter.regions.codes import Level, level_of, normalize, prefix_of
from warmwinter.registry.models import DuplicateCandidate, Person, PersonLink

NAME_BIRTH = "name_birth"
PINYIN = "pinyin"
FUZZY = "fuzzy"
REASONS = {
    NAME_BIRTH: _("同县同名且出生日期相同"),
    PINYIN: _("同村姓名同音"),
    FUZZY: _("同村姓名相近且同年出生"),
}
FUZZY_MIN_RATIO = 90
BAD_REGION = _("区划代码无效：%(code)s")

_FIELDS = ("id", "region_id", "name", "name_pinyin", "birth_date", "id_number_hash")
_BATCH = 1000


class _Row(NamedTuple):
    id: int
    region_id: str
    name: str
    name_pinyin: str
    birth_date: object
    id_number_hash: str | None


@dataclass
class FindResult:
    """What one run found: new candidates per reason, and pairs skipped as already decided."""

    region_code: str = ""
    created: dict[str, int] = field(default_factory=lambda: {NAME_BIRTH: 0, PINYIN: 0, FUZZY: 0})
    known: int = 0

    @property
    def total(self) -> int:
        return sum(self.created.values())

    def as_dict(self) -> dict:
        return {"region": self.region_code, "created": dict(self.created), "total": self.total, "known": self.known}


def reason_label(reason: str) -> str:
    return str(REASONS.get(reason, reason))


def common_region(code_a: str, code_b: str) -> str:
    """The smallest region holding both codes (village, township, county, city or province)."""
    for digits in (12, 9, 6, 4, 2):
        if code_a[:digits] == code_b[:digits]:
            return code_a[:digits].ljust(12, "0")
    return ""


def proven_different(a: _Row, b: _Row) -> bool:
    """Different valid ID numbers and different birth dates: two people, not a duplicate."""
    both_numbered = bool(a.id_number_hash) and bool(b.id_number_hash) and a.id_number_hash != b.id_number_hash
    return both_numbered and a.birth_date is not None and b.birth_date is not None and a.birth_date != b.birth_date


def _pairs(group: list[_Row]) -> Iterator[tuple[_Row, _Row]]:
    for a, b in itertools.combinations(group, 2):
        if not proven_different(a, b):
            yield (a, b) if a.id < b.id else (b, a)


def _grouped(rows: Iterable[tuple], key) -> Iterator[list[_Row]]:
    for _key, members in itertools.groupby((_Row(*r) for r in rows), key=key):
        group = list(members)
        if len(group) > 1:
            yield group


def _persons(prefix: str):
    persons = Person.objects.all()
    return persons.filter(region__code__startswith=prefix) if prefix else persons


def same_name_and_birth(county_prefix: str) -> Iterator[tuple[_Row, _Row]]:
    """(a) Same name, same birth date, same county (code prefix of 6 digits)."""
    county = Substr("region_id", 1, 6)
    rows = (
        _persons(county_prefix).filter(birth_date__isnull=False)
        .annotate(county=county, group_size=Window(Count("id"), partition_by=[county, F("name"), F("birth_date")]))
        .filter(group_size__gt=1)
        .order_by("county", "name", "birth_date", "id")
        .values_list(*_FIELDS)
    )
    for group in _grouped(rows.iterator(chunk_size=2000), key=lambda r: (r.region_id[:6], r.name, r.birth_date)):
        yield from _pairs(group)


def same_pinyin_in_village(prefix: str) -> Iterator[tuple[_Row, _Row]]:
    """(b) Same full pinyin in the same village (different characters, same sound)."""
    rows = (
        _persons(prefix).exclude(name_pinyin="")
        .annotate(group_size=Window(Count("id"), partition_by=[F("region_id"), F("name_pinyin")]))
        .filter(group_size__gt=1)
        .order_by("region_id", "name_pinyin", "id")
        .values_list(*_FIELDS)
    )
    for group in _grouped(rows.iterator(chunk_size=2000), key=lambda r: (r.region_id, r.name_pinyin)):
        yield from _pairs(group)


def near_names_in_village(prefix: str, *, min_ratio: int = FUZZY_MIN_RATIO) -> Iterator[tuple[_Row, _Row, int]]:
    """(c) Pinyin ratio >= min_ratio and the same birth year, in the same village.

    Streams the persons ordered by village and birth date, so memory holds one block
    (village, birth year) at a time.
    """
    rows = (
        _persons(prefix).exclude(name_pinyin="").filter(birth_date__isnull=False)
        .order_by("region_id", "birth_date", "id").values_list(*_FIELDS)
    )
    blocks = itertools.groupby((_Row(*r) for r in rows.iterator(chunk_size=5000)), key=lambda r: (r.region_id, r.birth_date.year))
    for _key, members in blocks:
        block = list(members)
        if len(block) < 2:
            continue
        spellings = [r.name_pinyin for r in block]
        for i, a in enumerate(block[:-1]):
            for _match, score, j in process.extract(a.name_pinyin, spellings[i + 1:], scorer=fuzz.ratio, score_cutoff=min_ratio, limit=None):
                b = block[i + 1 + j]
                if a.name_pinyin == b.name_pinyin or proven_different(a, b):
                    continue  # equal pinyin is rule (b)'s
                yield ((a, b) if a.id < b.id else (b, a)) + (int(score),)


def _scope_prefixes(region_code: str) -> tuple[str, str]:
    """(prefix of the run's region, prefix of the counties it touches); ("", "") for all."""
    if not region_code:
        return "", ""
    try:
        code = normalize(region_code)
    except ValueError:
        raise DomainError(BAD_REGION % {"code": region_code}, field="region") from None
    prefix = prefix_of(code)
    return prefix, (prefix if level_of(code) <= Level.COUNTY else code[:6])


def _known_pairs(outer_prefix: str) -> set[tuple[int, int]]:
    """Pairs with a candidate row of any status, or already linked: never proposed again."""
    candidates = DuplicateCandidate.objects.all()
    links = PersonLink.objects.all()
    if outer_prefix:
        candidates = candidates.filter(region__code__startswith=outer_prefix)
        links = links.filter(Q(person__region__code__startswith=outer_prefix) | Q(same_as__region__code__startswith=outer_prefix))
    known = set(candidates.values_list("person_a_id", "person_b_id").iterator())
    known.update((min(a, b), max(a, b)) for a, b in links.values_list("person_id", "same_as_id").iterator())
    return known


def find_candidates(*, region_code: str = "", actor=None) -> FindResult:
    """Propose new duplicate candidates among the persons of a region (all regions if empty).

    The county rule (a) looks across the whole county of the region but keeps only pairs
    with at least one person inside it. Writes one `duplicate.find` audit event when
    something new was proposed.
    """
    prefix, outer = _scope_prefixes(region_code)
    result = FindResult(region_code=normalize(region_code) if region_code else "")
    known = _known_pairs(outer)
    found: dict[tuple[int, int], tuple[str, int, str]] = {}

    def propose(a: _Row, b: _Row, reason: str, score: int) -> None:
        pair = (a.id, b.id)
        if pair in found:
            return
        if pair in known:
            result.known += 1
            known.discard(pair)  # count each known pair once
            found[pair] = ("", 0, "")
            return
        found[pair] = (reason, score, common_region(a.region_id, b.region_id))

    for a, b in same_name_and_birth(outer):
        if not prefix or a.region_id.startswith(prefix) or b.region_id.startswith(prefix):
            propose(a, b, NAME_BIRTH, 100)
    for a, b in same_pinyin_in_village(prefix):
        propose(a, b, PINYIN, 100)
    for a, b, score in near_names_in_village(prefix):
        propose(a, b, FUZZY, score)

    new = [
        DuplicateCandidate(person_a_id=a, person_b_id=b, region_id=region, reason=reason, score=score)
        for (a, b), (reason, score, region) in found.items() if reason
    ]
    for candidate in new:
        result.created[candidate.reason] += 1
    if new:
        with transaction.atomic():
            for start in range(0, len(new), _BATCH):
                DuplicateCandidate.objects.bulk_create(new[start:start + _BATCH], ignore_conflicts=True)
            audit.record(actor=actor, action="duplicate.find", region_code=result.region_code, object_type="registry.duplicatecandidate",
                         changes={reason: [None, n] for reason, n in result.created.items()})
    return result
