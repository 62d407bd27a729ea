"""Writes on surveys: start a round, assign surveyors, submit answers (which list findings as hazards),
report the unit's situation. Spot checks are in services_spot_checks.py. Each write is audited."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import can, membership_for
from warmwinter.audit import services as audit
from warmwinter.core.errors import Conflict, DomainError
from warmwinter.hazards import services as hazard_services
from warmwinter.hazards.choices import HazardSource
from warmwinter.regions.codes import Level, in_subtree
from warmwinter.regions.models import Region
from warmwinter.surveys import schema
from warmwinter.surveys.choices import ResponseKind, ResponseSource, RoundStatus, Subject
from warmwinter.surveys.models import SurveyAssignment, SurveyResponse, SurveyRound, SurveyTemplate, UnitReport

WINDOW_ORDER = _("结束日期不能早于开始日期。")
ROUND_CLOSED = _("该摸排已结束，不能再提交。")
OUTSIDE_ROUND = _("该家庭或场所不在本次摸排范围内。")
WRONG_SUBJECT = _("本次摸排的对象是%(subject)s。")
SUBJECT_REQUIRED = _("请选择家庭或场所。")
PERSONS_RANGE = _("见到人数应在 0 到 %(n)s 之间（该户在册 %(n)s 人）。")
CLIENT_ID_REUSED = _("该提交编号已用于另一份不同的记录。")
CHANGED_MEANWHILE = _("该记录已被他人修改，请刷新后重试。")
NOT_A_VILLAGE = _("摸排任务须分到村（社区）。")
INSPECTION_NEEDS_PREMISES = _("场所检查只能针对场所。")
INACTIVE_TEMPLATE = _("该模板已停用。")
SURVEYOR_CANNOT = _("%(name)s 在%(village)s没有摸排权限，请先为其设置该村的任职。")
DEADLINE_BEFORE_START = _("报送截止时间不能早于开始日期。")
PARAM_NOT_NUMBER = _("参数 %(name)s 应为数字。")

ROUND_FIELDS = ["name", "starts_on", "ends_on", "report_deadline", "params", "status"]


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def due_at(round_: SurveyRound) -> datetime:
    """When answers (and the unit report) are due: the report deadline, else the end of the window."""
    return round_.report_deadline or end_of_day(round_.ends_on)


@transaction.atomic
def round_create(*, actor, template: SurveyTemplate, region_code: str, name: str, starts_on: date, ends_on: date,
                 report_deadline: datetime | None = None, params: dict | None = None) -> SurveyRound:
    """Start a survey round (摸排) of a template over a region."""
    acting = membership_for(actor, action="survey.manage", region_code=region_code)
    if not template.active:
        raise DomainError(INACTIVE_TEMPLATE, field="template")
    if ends_on < starts_on:
        raise DomainError(WINDOW_ORDER, field="ends_on")
    unknown = set(params or {}) - set(template.params)
    if unknown:
        raise DomainError(_("模板没有这些参数：%(names)s") % {"names": "、".join(sorted(unknown))}, field="params")
    for param, value in (params or {}).items():
        if isinstance(template.params[param], (int, float)) and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise DomainError(PARAM_NOT_NUMBER % {"name": param}, field=f"params.{param}")
    if report_deadline is not None and timezone.localdate(report_deadline) < starts_on:
        raise DomainError(DEADLINE_BEFORE_START, field="report_deadline")
    round_ = SurveyRound.objects.create(template=template, region_id=region_code, name=name.strip() or template.name,
                                        starts_on=starts_on, ends_on=ends_on, report_deadline=report_deadline,
                                        params=params or {}, created_by=actor)
    audit.record(actor=actor, role=acting.role, action="survey_round.create", region_code=region_code, obj=round_,
                 changes={"template": [None, f"{template.code} v{template.version}"], **{f: [None, getattr(round_, f)] for f in ROUND_FIELDS}})
    return round_


@transaction.atomic
def round_close(*, actor, round_: SurveyRound) -> SurveyRound:
    acting = membership_for(actor, action="survey.manage", region_code=round_.region_id)
    SurveyRound.objects.filter(pk=round_.pk).update(status=RoundStatus.CLOSED)
    audit.record(actor=actor, role=acting.role, action="survey_round.close", region_code=round_.region_id, obj=round_,
                 changes={"status": [round_.status, RoundStatus.CLOSED]})
    round_.status = RoundStatus.CLOSED
    return round_


@transaction.atomic
def assignment_set(*, actor, round_: SurveyRound, region_code: str, surveyor, households=()) -> list[SurveyAssignment]:
    """Give a village (or some of its households) to a surveyor. The surveyor must be able to answer there."""
    acting = membership_for(actor, action="survey.manage", region_code=region_code)
    region = Region.objects.get(pk=region_code)
    if region.level != Level.VILLAGE or not in_subtree(region_code, round_.region_id):
        raise DomainError(NOT_A_VILLAGE, field="region")
    if not can(surveyor, "survey.respond", region_code):
        raise DomainError(SURVEYOR_CANNOT % {"name": str(surveyor), "village": region.name},
                          field="surveyor")
    rows = []
    for household in households or [None]:
        if household is not None and household.region_id != region_code:
            raise DomainError(OUTSIDE_ROUND, field="households")
        row, _created = SurveyAssignment.objects.get_or_create(round=round_, region=region, household=household, surveyor=surveyor)
        rows.append(row)
    audit.record(actor=actor, role=acting.role, action="survey_assignment.set", region_code=region_code, obj=round_,
                 changes={"surveyor": [None, surveyor.username], "households": [None, [h.pk for h in households]]})
    return rows


def _fingerprint(**parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def _action_for(kind: str) -> str:
    if kind == ResponseKind.SURVEY:
        return "survey.respond"
    if kind == ResponseKind.SPOT_CHECK:
        return "spot_check.run"
    return "premises.inspect"


def _alive_members(household) -> int:
    return household.members.filter(alive=True).count()


@transaction.atomic
def response_submit(
    *, actor, template: SurveyTemplate | None = None, round_: SurveyRound | None = None, household=None, premises=None,
    answers: dict, kind: str = ResponseKind.SURVEY, visited_at: datetime | None = None, persons_covered: int | None = None,
    notes: str = "", inspectors: str = "", client_id: str | None = None, source: str = ResponseSource.PAGE,
    version: int | None = None, hazard_source: str | None = None,
) -> SurveyResponse:
    """Record one answer sheet. A second survey of the same household in the same round updates the first
    (a repeat visit); each rule the answers trip is listed once on the problem list.

    `client_id` makes a submission idempotent: sent again with the same content, the stored sheet is
    returned; with different content, Conflict (409)."""
    template = template or round_.template
    subject = household or premises
    if subject is None:
        raise DomainError(SUBJECT_REQUIRED, field="household")
    if household is not None and premises is not None:
        raise DomainError(hazard_services.ONE_SUBJECT)
    action = _action_for(kind)
    acting = membership_for(actor, action=action, region_code=subject.region_id)
    wanted = Subject.HOUSEHOLD if household is not None else Subject.PREMISES
    if template.subject != wanted:
        raise DomainError(WRONG_SUBJECT % {"subject": Subject(template.subject).label}, field="household" if household else "premises")
    if kind not in (ResponseKind.SURVEY, ResponseKind.SPOT_CHECK) and premises is None:
        raise DomainError(INSPECTION_NEEDS_PREMISES, field="premises")
    if round_ is not None:
        if round_.status != RoundStatus.OPEN:
            raise DomainError(ROUND_CLOSED)
        if not in_subtree(subject.region_id, round_.region_id):
            raise DomainError(OUTSIDE_ROUND, field="household" if household else "premises")
    clean, errors = schema.clean_answers(template.questions, answers or {})
    if errors:
        raise DomainError(errors[0][1], field=f"answers.{errors[0][0]}",
                          errors=[{"field": f"answers.{k}", "message": m} for k, m in errors])
    if household is not None:
        alive = _alive_members(household)
        persons = alive if persons_covered is None else persons_covered
        if not 0 <= persons <= alive:
            raise DomainError(PERSONS_RANGE % {"n": alive}, field="persons_covered")
    else:
        persons = 0
    visited_at = visited_at or timezone.now()
    fingerprint = _fingerprint(round=round_ and round_.pk, template=template.pk, household=household and household.pk,
                               premises=premises and premises.pk, kind=kind, answers=clean, persons=persons, notes=notes.strip())
    if client_id:
        existing = SurveyResponse.objects.filter(client_id=client_id).first()
        if existing is not None:
            if _stored_fingerprint(existing) != fingerprint:
                raise Conflict(CLIENT_ID_REUSED, field="client_id")
            return existing
    values = dict(
        template=template, kind=kind, region_id=subject.region_id, surveyor=actor, visited_at=visited_at, answers=clean,
        persons_covered=persons, notes=notes.strip(), inspectors=inspectors.strip(), source=source,
        leaflet_given=clean.get("leaflet_given"), education_given=clean.get("education_given"),
    )
    current = None
    if round_ is not None and kind == ResponseKind.SURVEY:
        current = SurveyResponse.objects.select_for_update().filter(round=round_, kind=kind, household=household, premises=premises).first()
    if current is None:
        late = round_ is not None and timezone.now() > due_at(round_)
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(round=round_, household=household, premises=premises,
                                                         client_id=client_id or None, late=late, **values)
        except IntegrityError:
            raise Conflict(CHANGED_MEANWHILE) from None
        audit.record(actor=actor, role=acting.role, action="survey_response.submit", region_code=subject.region_id, obj=response,
                     changes={"answers": [None, clean], "persons_covered": [None, persons], "kind": [None, kind]})
    elif _stored_fingerprint(current) == fingerprint:
        # Saved again unchanged (a double tap, a retried upload): nothing to write or to audit.
        response = current
        if client_id and not current.client_id:
            SurveyResponse.objects.filter(pk=current.pk).update(client_id=client_id)
            response.client_id = client_id
    else:
        expected = current.version if version is None else version
        before = {"answers": current.answers, "persons_covered": current.persons_covered, "notes": current.notes}
        if not SurveyResponse.objects.filter(pk=current.pk, version=expected).update(version=F("version") + 1, **values):
            raise Conflict(CHANGED_MEANWHILE)
        response = SurveyResponse.objects.get(pk=current.pk)
        audit.record(actor=actor, role=acting.role, action="survey_response.update", region_code=subject.region_id, obj=response,
                     changes=audit.changes_between(before, {"answers": clean, "persons_covered": persons, "notes": notes.strip()}))
    params = round_.rule_params() if round_ is not None else template.params
    found = schema.findings(template.rules, clean, params)
    source_of_hazard = hazard_source or (HazardSource.SPOT_CHECK if kind == ResponseKind.SPOT_CHECK else
                                         HazardSource.SURVEY if kind == ResponseKind.SURVEY else HazardSource.INSPECTION)
    hazard_services.hazards_from_findings(actor=actor, response=response, findings=found, source=source_of_hazard)
    return response


def _stored_fingerprint(response: SurveyResponse) -> str:
    return _fingerprint(round=response.round_id, template=response.template_id, household=response.household_id,
                        premises=response.premises_id, kind=response.kind, answers=response.answers,
                        persons=response.persons_covered, notes=response.notes)


@transaction.atomic
def unit_report_submit(*, actor, round_: SurveyRound, region_code: str, situation: str, problems: str, measures: str,
                       suggestions: str = "") -> UnitReport:
    """The unit's survey situation report (P4: 现状、问题、对策、建议). Late when after the round's deadline."""
    acting = membership_for(actor, action="survey.report", region_code=region_code)
    if not in_subtree(region_code, round_.region_id):
        raise DomainError(OUTSIDE_ROUND, field="region")
    for field, value in (("situation", situation), ("problems", problems), ("measures", measures)):
        if not (value or "").strip():
            raise DomainError(_("现状、问题、对策三栏必填。"), field=field)
    now = timezone.now()
    report, created = UnitReport.objects.update_or_create(
        round=round_, region_id=region_code,
        defaults=dict(situation=situation.strip(), problems=problems.strip(), measures=measures.strip(),
                      suggestions=(suggestions or "").strip(), submitted_by=actor, submitted_at=now, late=now > due_at(round_)),
    )
    audit.record(actor=actor, role=acting.role, action="unit_report.submit", region_code=region_code, obj=report,
                 changes={"late": [None, report.late], "resubmitted": [None, not created]})
    return report
