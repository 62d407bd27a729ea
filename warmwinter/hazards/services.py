"""Writes on the problem list: report a hazard, move it along workflow.py, register premises. Each is audited."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.roles import Role
from warmwinter.accounts.scoping import membership_for
from warmwinter.audit import services as audit
from warmwinter.core.errors import Conflict, DomainError, Forbidden
from warmwinter.hazards import workflow
from warmwinter.hazards.choices import HazardCategory, HazardSource, PremisesKind, Severity
from warmwinter.hazards.models import Hazard, HazardEvidence, HazardStep, Premises
from warmwinter.hazards.workflow import State
from warmwinter.notifications.services import notify, users_responsible_for
from warmwinter.regions.codes import Level
from warmwinter.regions.models import Region

# Days to fix a problem when whoever lists it gives no deadline (P4's rectification phase is 7 days;
# a major problem gets less). Chosen by us: the plans give windows, not per-item limits.
DEFAULT_DAYS = {Severity.GENERAL: 7, Severity.MAJOR: 3}
CHANGED_MEANWHILE = _("该问题已被他人处理，请刷新后重试。")
NOT_NOW = _("“%(state)s”状态下不能“%(action)s”。")
NOTE_REQUIRED = _("请填写处置说明。")
CLOSED_FINAL = _("已销号的问题不能再修改。")
SAME_PERSON = _("整改人不能核验自己整改的问题，请由其他人员核验。")
ONE_SUBJECT = _("问题只能属于一个家庭或一个场所。")
UNKNOWN_CATEGORY = _("问题类别不存在：%(value)s")
UNKNOWN_KIND = _("场所类型不存在：%(value)s")
TITLE_REQUIRED = _("请填写问题描述。")
DEADLINE_PAST = _("整改期限不能早于发现日期。")
PREMISES_EXISTS = _("该区划已有同名场所。")
EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"}
EVIDENCE_TYPE = _("佐证材料只接受 JPG、PNG、WEBP、HEIC 照片或 PDF。")
EVIDENCE_SIZE = _("单个佐证文件不能超过 10 MB。")
MAX_EVIDENCE = 10 * 1024 * 1024

HAZARD_FIELDS = ["category", "severity", "title", "description", "responsible_unit", "responsible_person", "deadline", "state"]
PREMISES_FIELDS = ["name", "kind", "address", "operator", "contact_name", "contact_phone", "active"]


def _evidence_save(*, actor, hazard: Hazard, step: HazardStep | None, files) -> None:
    for upload in files or []:
        if getattr(upload, "content_type", "") not in EVIDENCE_TYPES:
            raise DomainError(EVIDENCE_TYPE, field="evidence")
        if upload.size > MAX_EVIDENCE:
            raise DomainError(EVIDENCE_SIZE, field="evidence")
        HazardEvidence.objects.create(hazard=hazard, step=step, file=upload, content_type=upload.content_type, uploaded_by=actor)


def _escalate_major(*, actor, hazard: Hazard, now) -> None:
    """A major problem goes to the county at once (R-P4-03): state escalated, county officers notified."""
    if hazard.state in (State.IDENTIFIED, State.WARNED):
        HazardStep.objects.create(hazard=hazard, transition="escalate", from_state=hazard.state, to_state=State.ESCALATED,
                                  actor=actor, note=str(_("重大问题，自动上报县级")), at=now)
        hazard.state = State.ESCALATED
    hazard.escalated_at = hazard.escalated_at or now
    recipients = users_responsible_for(hazard.region_id, roles=[Role.COUNTY_OFFICER], level=Level.COUNTY)
    recipients += users_responsible_for(hazard.region_id, roles=[Role.TOWNSHIP_OFFICER], level=Level.TOWNSHIP)
    where = Region.objects.get(pk=hazard.region_id)
    notify(recipients=recipients, region_code=hazard.region_id, kind="hazard.major",
           title=_("重大问题：%(title)s") % {"title": hazard.title},
           body=_("%(place)s · %(subject)s · 整改期限 %(deadline)s") % {
               "place": where.name, "subject": hazard.subject or "", "deadline": hazard.deadline or "—"},
           link=f"/hazards/{hazard.pk}/")


def _check_choice(value: str, choices, message) -> None:
    if value not in choices.values:
        raise DomainError(message % {"value": value}, field="category" if choices is HazardCategory else "kind")


@transaction.atomic
def hazard_report(
    *, actor, region_code: str | None = None, household=None, premises=None, category: str, title: str,
    severity: str = Severity.GENERAL, description: str = "", source: str = HazardSource.MANUAL, response=None, rule: str = "",
    responsible_unit: str = "", responsible_person: str = "", deadline: date | None = None, evidence=(), found_at=None,
) -> Hazard:
    """Put a problem on the list. A major one is escalated to the county straight away."""
    if household is not None and premises is not None:
        raise DomainError(ONE_SUBJECT)
    subject = household or premises
    region_code = subject.region_id if subject is not None else region_code
    acting = membership_for(actor, action="hazard.report", region_code=region_code)
    _check_choice(category, HazardCategory, UNKNOWN_CATEGORY)
    if severity not in Severity.values:
        raise DomainError(_("严重程度只能是“一般”或“重大”。"), field="severity")
    if not (title or "").strip():
        raise DomainError(TITLE_REQUIRED, field="title")
    now = found_at or timezone.now()
    found_on = timezone.localdate(now)
    if deadline is not None and deadline < found_on:
        raise DomainError(DEADLINE_PAST, field="deadline")
    hazard = Hazard.objects.create(
        region_id=region_code, household=household, premises=premises, category=category, severity=severity,
        title=title.strip()[:200], description=description.strip(), source=source, response=response, rule=rule,
        responsible_unit=responsible_unit.strip(), responsible_person=responsible_person.strip(),
        deadline=deadline or found_on + timedelta(days=DEFAULT_DAYS[severity]), found_by=actor, found_at=now,
    )
    HazardStep.objects.create(hazard=hazard, transition="report", from_state="", to_state=State.IDENTIFIED, actor=actor,
                              note=description.strip(), at=now)
    _evidence_save(actor=actor, hazard=hazard, step=None, files=evidence)
    if severity == Severity.MAJOR:
        _escalate_major(actor=actor, hazard=hazard, now=now)
        hazard.save(update_fields=["state", "escalated_at"])
    audit.record(actor=actor, role=acting.role, action="hazard.report", region_code=region_code, obj=hazard,
                 changes={f: [None, getattr(hazard, f)] for f in HAZARD_FIELDS})
    return hazard


@transaction.atomic
def hazard_transition(*, actor, hazard: Hazard, name: str, note: str = "", version: int | None = None, evidence=()) -> Hazard:
    """Move a hazard one step along workflow.py: warn, resolve on the spot, escalate, rectify, verify, reject, close."""
    try:
        step = workflow.transition(name)
    except KeyError:
        raise DomainError(_("未知操作：%(name)s") % {"name": name}, field="transition") from None
    acting = membership_for(actor, action=step.action, region_code=hazard.region_id)
    if hazard.state not in step.sources:
        raise DomainError(NOT_NOW % {"state": State(hazard.state).label, "action": step.label}, field="transition")
    if step.needs_note and not (note or "").strip():
        raise DomainError(NOTE_REQUIRED, field="note")
    if step.not_by_fixer and hazard.fixed_by_id == actor.pk:
        raise Forbidden(SAME_PERSON)
    now = timezone.now()
    before = {"state": hazard.state}
    updates = {"state": step.target, "version": F("version") + 1}
    if name in workflow.FIXING:
        updates["fixed_by"] = actor
    if name == "escalate":
        updates["escalated_at"] = now
    if name == "verify":
        updates["verified_by"] = actor
    if name == "reject":
        updates["reopened"] = F("reopened") + 1
    if name == "close":
        updates["closed_at"] = now
    expected = hazard.version if version is None else version
    if not Hazard.objects.filter(pk=hazard.pk, version=expected, state=hazard.state).update(**updates):
        raise Conflict(CHANGED_MEANWHILE)
    record = HazardStep.objects.create(hazard=hazard, transition=name, from_state=hazard.state, to_state=step.target,
                                       actor=actor, note=(note or "").strip(), at=now)
    _evidence_save(actor=actor, hazard=hazard, step=record, files=evidence)
    hazard.refresh_from_db()
    audit.record(actor=actor, role=acting.role, action=f"hazard.{name}", region_code=hazard.region_id, obj=hazard,
                 changes={"state": [before["state"], hazard.state], **({"note": [None, record.note]} if record.note else {})})
    return hazard


@transaction.atomic
def hazard_update(*, actor, hazard: Hazard, version: int | None = None, **fields) -> Hazard:
    """Change who fixes it by when, or how serious it is. Raising it to major escalates it at once."""
    acting = membership_for(actor, action="hazard.handle", region_code=hazard.region_id)
    if not hazard.is_open:
        raise DomainError(CLOSED_FINAL)
    allowed = {"severity", "title", "description", "responsible_unit", "responsible_person", "deadline", "category"}
    before = {f: getattr(hazard, f) for f in HAZARD_FIELDS}
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(key)
        setattr(hazard, key, value.strip() if isinstance(value, str) else value)
    _check_choice(hazard.category, HazardCategory, UNKNOWN_CATEGORY)
    if hazard.severity not in Severity.values:
        raise DomainError(_("严重程度只能是“一般”或“重大”。"), field="severity")
    if not hazard.title:
        raise DomainError(TITLE_REQUIRED, field="title")
    if hazard.deadline and hazard.deadline < timezone.localdate(hazard.found_at):
        raise DomainError(DEADLINE_PAST, field="deadline")
    if hazard.severity == Severity.MAJOR and before["severity"] != Severity.MAJOR and hazard.is_open:
        _escalate_major(actor=actor, hazard=hazard, now=timezone.now())
    expected = hazard.version if version is None else version
    values = {f: getattr(hazard, f) for f in HAZARD_FIELDS}
    if not Hazard.objects.filter(pk=hazard.pk, version=expected).update(version=F("version") + 1, escalated_at=hazard.escalated_at, **values):
        raise Conflict(CHANGED_MEANWHILE)
    hazard.version = expected + 1
    audit.record(actor=actor, role=acting.role, action="hazard.update", region_code=hazard.region_id, obj=hazard,
                 changes=audit.changes_between(before, values))
    return hazard


def hazards_from_findings(*, actor, response, findings, source: str = HazardSource.SURVEY) -> list[Hazard]:
    """List each finding of an answer sheet once (a rule fires once per sheet, however often it is saved).

    A spot check lists only what is not on the list already: a problem the survey found that is still
    open on the same household or premises is confirmed, not listed a second time."""
    seen = set(Hazard.objects.filter(response=response).values_list("rule", flat=True))
    if source == HazardSource.SPOT_CHECK:
        subject = {"household": response.household} if response.household_id else {"premises": response.premises}
        seen |= set(Hazard.objects.filter(**subject).exclude(state=State.CLOSED).exclude(rule="").values_list("rule", flat=True))
    made = []
    for finding in findings:
        if finding.rule in seen:
            continue
        made.append(hazard_report(
            actor=actor, household=response.household, premises=response.premises,
            region_code=response.region_id, category=finding.category, severity=finding.severity,
            title=finding.title, source=source, response=response, rule=finding.rule, found_at=response.visited_at,
        ))
    return made


# --- premises ------------------------------------------------------------------------------------


@transaction.atomic
def premises_register(*, actor, region_code: str, name: str, kind: str, address: str = "", operator: str = "",
                      contact_name: str = "", contact_phone: str = "") -> Premises:
    acting = membership_for(actor, action="premises.manage", region_code=region_code)
    _check_choice(kind, PremisesKind, UNKNOWN_KIND)
    region = Region.objects.get(pk=region_code)
    if region.level < Level.TOWNSHIP:
        raise DomainError(_("场所须登记在乡镇（街道）或村（社区）。"), field="region")
    if not name.strip():
        raise DomainError(_("请填写场所名称。"), field="name")
    if Premises.objects.filter(region=region, name=name.strip()).exists():
        raise DomainError(PREMISES_EXISTS, field="name")
    premises = Premises.objects.create(region=region, name=name.strip(), kind=kind, address=address.strip(), operator=operator.strip(),
                                       contact_name=contact_name.strip(), contact_phone=contact_phone.strip())
    audit.record(actor=actor, role=acting.role, action="premises.register", region_code=region_code, obj=premises,
                 changes={f: [None, getattr(premises, f)] for f in PREMISES_FIELDS})
    return premises


@transaction.atomic
def premises_update(*, actor, premises: Premises, version: int | None = None, **fields) -> Premises:
    acting = membership_for(actor, action="premises.manage", region_code=premises.region_id)
    before = {f: getattr(premises, f) for f in PREMISES_FIELDS}
    for key, value in fields.items():
        if key not in PREMISES_FIELDS:
            raise TypeError(key)
        setattr(premises, key, value.strip() if isinstance(value, str) else value)
    _check_choice(premises.kind, PremisesKind, UNKNOWN_KIND)
    if not premises.name:
        raise DomainError(_("请填写场所名称。"), field="name")
    if Premises.objects.filter(region_id=premises.region_id, name=premises.name).exclude(pk=premises.pk).exists():
        raise DomainError(PREMISES_EXISTS, field="name")
    expected = premises.version if version is None else version
    values = {f: getattr(premises, f) for f in PREMISES_FIELDS}
    if not Premises.objects.filter(pk=premises.pk, version=expected).update(version=F("version") + 1, **values):
        raise Conflict(CHANGED_MEANWHILE)
    premises.version = expected + 1
    audit.record(actor=actor, role=acting.role, action="premises.update", region_code=premises.region_id, obj=premises,
                 changes=audit.changes_between(before, values))
    return premises
