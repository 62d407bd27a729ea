"""Reads on surveys: rounds in scope, coverage (村不漏户、户不漏人), rates and the households still to visit.

Coverage is three GROUP BYs on the village code (households, persons, answer sheets) and a roll-up
of the village rows to every ancestor in Python: the region tree of a county is a few hundred
rows, so the database does the heavy counting once and the roll-up costs nothing.
"""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import Count, DateTimeField, F, Func, Q, Sum
from django.utils import timezone

from warmwinter.accounts.scoping import NOT_FOUND, membership_for
from warmwinter.core.errors import NotFound
from warmwinter.hazards.models import Hazard, Premises
from warmwinter.hazards.workflow import State
from warmwinter.regions.codes import Level, in_subtree, level_of, parent_code, prefix_of
from warmwinter.regions.models import Region
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.models import Household, Person
from warmwinter.surveys.choices import ResponseKind, Subject
from warmwinter.surveys.models import SurveyResponse, SurveyRound


def rounds_for(user, *, action: str = "survey.view"):
    """Rounds the user can see: those over a region in scope, and those over a wider region that covers it."""
    from warmwinter.accounts.scoping import memberships_of, scope_q
    from warmwinter.accounts.permissions import roles_for

    inside = scope_q(user, action, "region__code")
    covering = set()
    allowed = roles_for(action)
    for m in memberships_of(user):
        if m.role in allowed:
            code = m.region_id
            while code:
                covering.add(code)
                code = parent_code(code)
    q = Q(region_id__in=covering)
    if inside is not None:
        q |= inside
    return SurveyRound.objects.filter(q).select_related("template", "region")


def access_round(user, round_id: int, *, action: str = "survey.view") -> SurveyRound:
    round_ = rounds_for(user, action=action).filter(pk=round_id).first()
    if round_ is None:
        raise NotFound(NOT_FOUND)
    return round_


def round_region_for(user, round_: SurveyRound, region_code: str | None, *, action: str = "survey.view") -> str:
    """The region to show for a round: asked-for or the narrowest the user and the round share; 404 outside either."""
    from warmwinter.accounts.scoping import prefixes_for

    if region_code:
        membership_for(user, action=action, region_code=region_code)
        if not (in_subtree(region_code, round_.region_id) or in_subtree(round_.region_id, region_code)):
            raise NotFound(NOT_FOUND)
        return region_code if in_subtree(region_code, round_.region_id) else round_.region_id
    prefixes = prefixes_for(user, action)
    if any(prefix_of(round_.region_id).startswith(p) for p in prefixes):
        return round_.region_id
    for p in prefixes:
        if p.startswith(prefix_of(round_.region_id)):
            return Region.objects.filter(code__startswith=p).order_by("level", "code").values_list("code", flat=True).first()
    raise NotFound(NOT_FOUND)


@dataclass
class CoverageRow:
    """Figures of one region (a village, or the sum of the villages under it)."""

    code: str
    name: str = ""
    level: int = Level.VILLAGE
    units: int = 0  # households (or premises) in the registry
    persons: int = 0
    surveyed: int = 0
    persons_covered: int = 0
    on_time: int = 0
    late: int = 0
    leaflets: int = 0
    education: int = 0
    villages: int = 0
    villages_complete: int = 0

    def add(self, other: "CoverageRow") -> None:
        for name in ("units", "persons", "surveyed", "persons_covered", "on_time", "late", "leaflets", "education",
                     "villages", "villages_complete"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def coverage_rate(self):
        return self._rate(self.surveyed, self.units)

    @property
    def persons_rate(self):
        return self._rate(self.persons_covered, self.persons)

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.surveyed)

    @property
    def leaflet_rate(self):
        return self._rate(self.leaflets, self.units)

    @property
    def education_rate(self):
        return self._rate(self.education, self.units)

    @property
    def complete(self) -> bool:
        """A village is complete only when every household is covered (村不漏户)."""
        return self.units > 0 and self.surveyed >= self.units

    def as_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "level": self.level,
            "households": self.units, "households_surveyed": self.surveyed, "coverage_rate": self.coverage_rate,
            "persons": self.persons, "persons_covered": self.persons_covered, "persons_rate": self.persons_rate,
            "on_time": self.on_time, "late": self.late, "on_time_rate": self.on_time_rate,
            "leaflets": self.leaflets, "leaflet_rate": self.leaflet_rate,
            "education": self.education, "education_rate": self.education_rate,
            "villages": self.villages, "villages_complete": self.villages_complete,
        }


@dataclass
class Coverage:
    round: SurveyRound
    region: Region
    total: CoverageRow
    children: list[CoverageRow] = field(default_factory=list)  # one level below `region`
    villages: list[CoverageRow] = field(default_factory=list)


def _village_rows(round_: SurveyRound, prefix: str) -> dict[str, CoverageRow]:
    rows: dict[str, CoverageRow] = {}

    def row(code: str) -> CoverageRow:
        if code not in rows:
            rows[code] = CoverageRow(code=code)
        return rows[code]

    if round_.template.subject == Subject.PREMISES:
        units = Premises.objects.filter(region__code__startswith=prefix, active=True).values("region_id").annotate(n=Count("id"))
        # Sheets of premises since closed, like those of households since moved away, leave both counts.
        subject_filter = Q(premises__active=True)
    else:
        units = (Household.objects.filter(region__code__startswith=prefix, status=HouseholdStatus.ACTIVE)
                 .values("region_id").annotate(n=Count("id")))
        persons = (Person.objects.filter(region__code__startswith=prefix, alive=True, household__status=HouseholdStatus.ACTIVE)
                   .values("region_id").annotate(n=Count("id")))
        for item in persons.order_by():
            row(item["region_id"]).persons = item["n"]
        subject_filter = Q(household__status=HouseholdStatus.ACTIVE)
    for item in units.order_by():
        row(item["region_id"]).units = item["n"]
    answered = (
        SurveyResponse.objects.filter(subject_filter, round=round_, kind=ResponseKind.SURVEY, region__code__startswith=prefix)
        .values("region_id").order_by()
        .annotate(n=Count("id"), persons=Sum("persons_covered"), late=Count("id", filter=Q(late=True)),
                  leaflets=Count("id", filter=Q(leaflet_given=True)), education=Count("id", filter=Q(education_given=True)))
    )
    for item in answered:
        r = row(item["region_id"])
        r.surveyed, r.persons_covered, r.late = item["n"], item["persons"] or 0, item["late"]
        r.on_time = item["n"] - item["late"]
        r.leaflets, r.education = item["leaflets"], item["education"]
    return rows


def coverage(round_: SurveyRound, region_code: str) -> Coverage:
    """Survey coverage of a round in a region (the round's region or one inside it), with every village."""
    region_code = _within_round(round_, region_code)
    region = Region.objects.get(pk=region_code)
    prefix = prefix_of(region_code)
    villages = _village_rows(round_, prefix)
    names = dict(Region.objects.filter(code__startswith=prefix, level__lte=min(region.level + 1, Level.VILLAGE))
                 .values_list("code", "name"))
    village_regions = Region.objects.filter(code__startswith=prefix, level=Level.VILLAGE).values_list("code", "name")
    for code, name in village_regions:
        villages.setdefault(code, CoverageRow(code=code)).name = name
    total = CoverageRow(code=region.code, name=region.name, level=region.level)
    children: dict[str, CoverageRow] = {}
    for row in villages.values():
        row.level = level_of(row.code)
        row.villages = 1 if row.level == Level.VILLAGE else 0
        row.villages_complete = 1 if row.complete and row.villages else 0
        total.add(row)
        if region.level < Level.VILLAGE:
            child_code = _ancestor_at(row.code, region.level + 1)
            child = children.setdefault(child_code, CoverageRow(code=child_code, name=names.get(child_code, ""), level=region.level + 1))
            child.add(row)
    return Coverage(round=round_, region=region, total=total,
                    children=sorted(children.values(), key=lambda r: r.code),
                    villages=sorted((v for v in villages.values() if v.villages), key=lambda r: r.code))


def _within_round(round_: SurveyRound, region_code: str) -> str:
    """A region wider than the round's is read as the round's own: households outside it were never asked."""
    return region_code if in_subtree(region_code, round_.region_id) else round_.region_id


def _ancestor_at(code: str, level: int) -> str:
    while level_of(code) > level:
        code = parent_code(code)
    return code


def households_missing(round_: SurveyRound, village_code: str):
    """Households of a village (or of every village under a wider region) that the round has not surveyed
    yet (户不漏), village by village, oldest-numbered first."""
    surveyed = SurveyResponse.objects.filter(round=round_, kind=ResponseKind.SURVEY, household__isnull=False).values("household_id")
    return (Household.objects.filter(region__code__startswith=prefix_of(village_code), status=HouseholdStatus.ACTIVE)
            .exclude(pk__in=surveyed).select_related("head").order_by("region_id", "number", "id"))


@dataclass
class HazardRates:
    code: str
    name: str = ""
    found: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open_overdue: int = 0
    major: int = 0

    @property
    def rectification_rate(self):
        return round(100 * self.closed / self.found, 1) if self.found else None

    @property
    def on_time_rate(self):
        return round(100 * self.closed_on_time / self.closed, 1) if self.closed else None

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "found": self.found, "closed": self.closed,
                "rectification_rate": self.rectification_rate, "closed_on_time": self.closed_on_time,
                "on_time_rate": self.on_time_rate, "open_overdue": self.open_overdue, "major": self.major}


class DeadlineEnd(Func):
    """The instant a deadline day ends (local midnight after it). `closed_at < DeadlineEnd(deadline)` says "closed on
    or before the deadline day" without turning every closed_at into a local date: on SQLite that is a Python
    function call per row, which made hazard_rates 1.8 x the hand-written GROUP BY at 1 M households."""

    output_field = DateTimeField()

    def __init__(self, expression, *, tzname: str):
        super().__init__(expression)
        self.tzname = tzname

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql} + 1)::timestamp AT TIME ZONE %s)", [*params, self.tzname]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])  # stored as UTC text, compared as text
        return f"datetime({sql}, '+1 day', %s)", [*params, f"{-_fixed_offset_minutes(self.tzname):+d} minutes"]


@functools.cache
def _fixed_offset_minutes(tzname: str) -> int | None:
    """The zone's UTC offset when it has not changed since 2000 (Asia/Shanghai: 480), else None (summer time)."""
    zone = zoneinfo.ZoneInfo(tzname)
    offsets = {datetime(year, month, 1, tzinfo=zone).utcoffset() for year in range(2000, date.today().year + 2) for month in (1, 7)}
    return int(offsets.pop().total_seconds()) // 60 if len(offsets) == 1 else None


def _closed_by_deadline() -> Q:
    """Closed on or before the deadline day, in the deployment's time zone; no deadline cannot be late."""
    tzname = timezone.get_current_timezone_name()
    if connection.vendor == "postgresql" or (connection.vendor == "sqlite" and _fixed_offset_minutes(tzname) is not None):
        in_time = Q(closed_at__lt=DeadlineEnd(F("deadline"), tzname=tzname))
    else:
        in_time = Q(closed_at__date__lte=F("deadline"))
    return Q(state=State.CLOSED) & (Q(deadline__isnull=True) | in_time)


def hazard_rates(round_: SurveyRound, region_code: str, *, today: date | None = None) -> tuple[HazardRates, list[HazardRates]]:
    """Problems a round found in a region: rectification rate (closed / found) and on-time closure,
    in total and per region one level down."""
    today = today or timezone.localdate()
    region_code = _within_round(round_, region_code)
    region = Region.objects.get(pk=region_code)
    prefix = prefix_of(region_code)
    rows = (
        Hazard.objects.filter(response__round=round_, region__code__startswith=prefix).values("region_id").order_by()
        .annotate(found=Count("id"), closed=Count("id", filter=Q(state=State.CLOSED)),
                  on_time=Count("id", filter=_closed_by_deadline()),
                  overdue=Count("id", filter=~Q(state=State.CLOSED) & Q(deadline__lt=today)),
                  major=Count("id", filter=Q(severity="major")))
    )
    total = HazardRates(code=region.code, name=region.name)
    children: dict[str, HazardRates] = {}
    names = dict(Region.objects.filter(code__startswith=prefix, level=min(region.level + 1, Level.VILLAGE)).values_list("code", "name"))
    for item in rows:
        parts = [total]
        if region.level < Level.VILLAGE:
            code = _ancestor_at(item["region_id"], region.level + 1)
            parts.append(children.setdefault(code, HazardRates(code=code, name=names.get(code, ""))))
        for r in parts:
            r.found += item["found"]
            r.closed += item["closed"]
            r.closed_on_time += item["on_time"]
            r.open_overdue += item["overdue"]
            r.major += item["major"]
    return total, sorted(children.values(), key=lambda r: r.code)

