"""Reads on the problem list and premises, always starting from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.core.errors import NotFound
from warmwinter.hazards import workflow
from warmwinter.hazards.models import Hazard, HazardEvidence, Premises
from warmwinter.hazards.workflow import State
from warmwinter.regions.codes import normalize, prefix_of
from warmwinter.surveys.choices import ResponseKind, Subject

# The shipped premises checklist (plan 10, with plan 7's premises items); any other active
# premises template is used until it is loaded.
PREMISES_TEMPLATE = "p10-premises-fire"
INSPECTION_KINDS = (ResponseKind.SELF_INSPECTION, ResponseKind.JOINT_INSPECTION, ResponseKind.PRE_HOLIDAY)
NOTHING = 0  # a filter value no row has: an unreadable id finds nothing rather than everything


def _true(value) -> bool:
    """A checkbox or boolean query parameter: 1, true, yes, on."""
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def parse_id(value) -> int | None:
    """An id from a query string: None when absent, NOTHING when unreadable."""
    value = str(value or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() else NOTHING


def region_prefix(code: str) -> str | None:
    """The subtree prefix of a region code typed by a user, None when it is not a code."""
    try:
        return prefix_of(normalize(code))
    except ValueError:
        return None


@dataclass(frozen=True)
class HazardFilter:
    """The list's filters; the same from the page, the API, the export and the CLI."""

    region: str = ""
    state: str = ""
    open_only: bool = False
    category: str = ""
    severity: str = ""
    source: str = ""
    round: int | None = None
    overdue: bool = False
    household: int | None = None
    premises: int | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params) -> "HazardFilter":
        return cls(
            region=(params.get("region") or "").strip(), state=(params.get("state") or "").strip(),
            open_only=_true(params.get("open")), category=(params.get("category") or "").strip(),
            severity=(params.get("severity") or "").strip(), source=(params.get("source") or "").strip(),
            round=parse_id(params.get("round")), overdue=_true(params.get("overdue")),
            household=parse_id(params.get("household")), premises=parse_id(params.get("premises")), q=(params.get("q") or "").strip(),
        )

    def without_state(self) -> "HazardFilter":
        return replace(self, state="", open_only=False, overdue=False)


def overdue_q(today: date | None = None) -> Q:
    """Open, and the rectification deadline has passed."""
    return ~Q(state=State.CLOSED) & Q(deadline__lt=today or timezone.localdate())


def filter_hazards(hazards: QuerySet[Hazard], filters: HazardFilter, *, today: date | None = None) -> QuerySet[Hazard]:
    if filters.region:
        prefix = region_prefix(filters.region)
        hazards = hazards.filter(region__code__startswith=prefix) if prefix else hazards.none()
    if filters.state:
        hazards = hazards.filter(state=filters.state)
    if filters.open_only:
        hazards = hazards.exclude(state=State.CLOSED)
    if filters.category:
        hazards = hazards.filter(category=filters.category)
    if filters.severity:
        hazards = hazards.filter(severity=filters.severity)
    if filters.source:
        hazards = hazards.filter(source=filters.source)
    if filters.round is not None:
        hazards = hazards.filter(response__round_id=filters.round)
    if filters.overdue:
        hazards = hazards.filter(overdue_q(today))
    if filters.household is not None:
        hazards = hazards.filter(household_id=filters.household)
    if filters.premises is not None:
        hazards = hazards.filter(premises_id=filters.premises)
    if filters.q:
        hazards = hazards.filter(title__icontains=filters.q)
    return hazards


def _for_list(hazards: QuerySet[Hazard]) -> QuerySet[Hazard]:
    return hazards.select_related("region", "region__parent", "household", "household__head", "premises").order_by("-found_at", "-id")


def hazards_for(user, filters: HazardFilter | None = None, *, today: date | None = None) -> QuerySet[Hazard]:
    """Hazards in the user's scope matching the list filters, newest first."""
    return _for_list(filter_hazards(Hazard.objects.visible_to(user, "hazard.view"), filters or HazardFilter(), today=today))


def hazards_unscoped(filters: HazardFilter | None = None, *, today: date | None = None) -> QuerySet[Hazard]:
    """Every hazard matching the filters: only for the operator at the server's command line."""
    return _for_list(filter_hazards(Hazard.objects.all(), filters or HazardFilter(), today=today))


def hazards_overdue(user, *, today: date | None = None) -> QuerySet[Hazard]:
    """Open hazards in scope past their deadline, the longest overdue first."""
    return hazards_for(user, HazardFilter(overdue=True), today=today).order_by("deadline", "id")


def state_counts(hazards: QuerySet[Hazard], *, today: date | None = None) -> tuple[list[tuple[str, str, int]], int]:
    """([(state, label, count)] for every state in workflow order, number overdue) of these hazards."""
    counts = dict(hazards.order_by().values_list("state").annotate(n=Count("id")))
    overdue = hazards.filter(overdue_q(today)).count()
    return [(s.value, s.label, counts.get(s.value, 0)) for s in State], overdue


def access_hazard(user, hazard_id: int, *, action: str = "hazard.view") -> Hazard:
    hazard = (Hazard.objects.visible_to(user, action).filter(pk=hazard_id)
              .select_related("region", "region__parent", "household", "household__head", "premises", "response",
                              "found_by", "fixed_by", "verified_by").first())
    if hazard is None:
        raise NotFound(NOT_FOUND)
    return hazard


def steps_of(hazard: Hazard):
    """The hazard's timeline, oldest first, each step with its evidence."""
    return hazard.steps.select_related("actor").prefetch_related("evidence").order_by("at", "id")


def evidence_of(hazard: Hazard) -> QuerySet[HazardEvidence]:
    return hazard.evidence.select_related("uploaded_by").order_by("uploaded_at", "id")


def access_evidence(user, hazard_id: int, evidence_id: int) -> HazardEvidence:
    """One evidence file of a hazard the user can see (404 otherwise)."""
    hazard = access_hazard(user, hazard_id)
    evidence = hazard.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound(NOT_FOUND)
    return evidence


def transitions_for(user, hazard: Hazard) -> list[workflow.Transition]:
    """The moves THIS user may make now: allowed by the state, by their role there, and not verifying their own fix."""
    return [
        t for t in workflow.available(hazard.state)
        if can(user, t.action, hazard.region_id) and not (t.not_by_fixer and hazard.fixed_by_id == user.pk)
    ]


def is_overdue(hazard: Hazard, today: date | None = None) -> bool:
    return hazard.state != State.CLOSED and hazard.deadline is not None and hazard.deadline < (today or timezone.localdate())


# --- premises -------------------------------------------------------------------------------------


def premises_for(user, *, region: str = "", kind: str = "", q: str = "", active: bool | None = None) -> QuerySet[Premises]:
    """Premises in scope, with how many of their hazards are still open."""
    premises = Premises.objects.visible_to(user, "premises.view")
    if region:
        prefix = region_prefix(region)
        premises = premises.filter(region__code__startswith=prefix) if prefix else premises.none()
    if kind:
        premises = premises.filter(kind=kind)
    if q:
        premises = premises.filter(name__icontains=q)
    if active is not None:
        premises = premises.filter(active=active)
    return (premises.select_related("region", "region__parent")
            .annotate(open_hazards=Count("hazards", filter=~Q(hazards__state=State.CLOSED)))
            .order_by("region_id", "name", "id"))


def access_premises(user, premises_id: int, *, action: str = "premises.view") -> Premises:
    premises = Premises.objects.visible_to(user, action).filter(pk=premises_id).select_related("region", "region__parent").first()
    if premises is None:
        raise NotFound(NOT_FOUND)
    return premises


def inspections_of(premises: Premises):
    """The premises' answer sheets (self-inspections, joint and pre-holiday checks, spot checks), newest first."""
    from warmwinter.surveys.models import SurveyResponse

    return (SurveyResponse.objects.filter(premises=premises).select_related("template", "surveyor")
            .annotate(hazard_count=Count("hazards")).order_by("-visited_at", "-id"))


def hazards_of_premises(user, premises: Premises) -> QuerySet[Hazard]:
    return hazards_for(user, HazardFilter(premises=premises.pk))


def premises_template():
    """The checklist premises are inspected with: the latest active version of the shipped one, else of any."""
    from warmwinter.surveys.models import SurveyTemplate

    templates = SurveyTemplate.objects.filter(subject=Subject.PREMISES, active=True)
    return (templates.filter(code=PREMISES_TEMPLATE).order_by("-version").first()
            or templates.order_by("-created_at", "-version", "-id").first())
