"""What the home page (dashboard) shows, always inside the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from warmwinter.accounts.scoping import can
from warmwinter.accounts.selectors import users_visible_to
from warmwinter.audit.models import Event
from warmwinter.core.errors import NotFound
from warmwinter.hazards.choices import Severity
from warmwinter.hazards.models import Hazard
from warmwinter.hazards.selectors import overdue_q
from warmwinter.hazards.workflow import State
from warmwinter.regions.codes import Level
from warmwinter.regions.models import ManagementArea, Region
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.models import Household, Person
from warmwinter.surveys import selectors as surveys
from warmwinter.surveys.choices import RoundStatus
from warmwinter.surveys.models import SurveyRound
from warmwinter.surveys.selectors import Coverage, CoverageRow


@dataclass(frozen=True)
class HomeCounts:
    townships: int
    villages: int
    management_areas: int
    users: int | None
    audit_events: int | None
    households: int | None = None
    persons: int | None = None


def home_counts(*, user) -> HomeCounts:
    """What the home page shows: counts inside the user's scope only."""
    by_level = dict(Region.objects.visible_to(user).values_list("level").annotate(n=Count("code")).values_list("level", "n"))
    areas = ManagementArea.objects.filter(township__in=Region.objects.visible_to(user)).count()
    return HomeCounts(
        townships=by_level.get(Level.TOWNSHIP, 0),
        villages=by_level.get(Level.VILLAGE, 0),
        management_areas=areas,
        users=users_visible_to(user).count() if can(user, "user.view") else None,
        audit_events=Event.objects.visible_to(user).count() if can(user, "audit.view") else None,
        households=Household.objects.visible_to(user).filter(status=HouseholdStatus.ACTIVE).count() if can(user, "registry.view") else None,
        persons=Person.objects.visible_to(user).filter(alive=True).count() if can(user, "registry.view") else None,
    )


# --- surveys and the problem list (issue 4) ---------------------------------------------------------

# Open rounds shown with their coverage (the count card says how many there are). Each costs one coverage()
# read: ~1.7 s for a county of 1 M households on PostgreSQL (docs/benchmarks.md), so keep it small.
ROUND_CARDS = 3


@dataclass(frozen=True)
class RoundCard:
    """An open round as the user sees it: coverage in the narrowest region the user and the round share."""

    round: SurveyRound
    coverage: Coverage

    @property
    def total(self) -> CoverageRow:
        return self.coverage.total

    @property
    def rows(self) -> list[CoverageRow]:
        """One level down (a village alone: itself), for the chart."""
        return self.coverage.children or self.coverage.villages


@dataclass(frozen=True)
class SurveyCards:
    open_rounds: int
    rounds: list[RoundCard]


def survey_cards(*, user, limit: int = ROUND_CARDS) -> SurveyCards | None:
    """Open rounds in the user's scope, the most recent first, each with its coverage; None without survey.view."""
    if not can(user, "survey.view"):
        return None
    rounds = surveys.rounds_for(user).filter(status=RoundStatus.OPEN).order_by("-starts_on", "-id")
    cards = []
    for round_ in rounds[:limit]:
        try:
            code = surveys.round_region_for(user, round_, None)
        except NotFound:  # a covering round whose region holds none of the user's villages
            continue
        cards.append(RoundCard(round=round_, coverage=surveys.coverage(round_, code)))
    return SurveyCards(open_rounds=rounds.count(), rounds=cards)


@dataclass(frozen=True)
class HazardCards:
    by_state: list[tuple[str, str, int]]  # (state, label, count) in workflow order
    open: int
    overdue: int
    major_open: int
    closed_this_week: int


def hazard_cards(*, user, today: date | None = None) -> HazardCards | None:
    """The problem list in the user's scope: open by state, overdue, major still open, closed since Monday."""
    if not can(user, "hazard.view"):
        return None
    today = today or timezone.localdate()
    monday = timezone.make_aware(datetime.combine(today - timedelta(days=today.weekday()), time.min))
    hazards = Hazard.objects.visible_to(user, "hazard.view").order_by()
    figures = hazards.aggregate(
        open=Count("id", filter=~Q(state=State.CLOSED)), overdue=Count("id", filter=overdue_q(today)),
        major_open=Count("id", filter=Q(severity=Severity.MAJOR) & ~Q(state=State.CLOSED)),
        closed_this_week=Count("id", filter=Q(state=State.CLOSED, closed_at__gte=monday)),
    )
    counts = dict(hazards.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return HazardCards(by_state=[(s.value, str(s.label), counts.get(s.value, 0)) for s in State], **figures)
