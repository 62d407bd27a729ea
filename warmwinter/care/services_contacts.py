"""Writes on contacts and visit duties: record a visit or call (idempotent by client id), list the
problems it found, fulfil weather-warning duties, and issue / end / miss duties as warnings come and go."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import membership_for
from warmwinter.audit import services as audit
from warmwinter.care.choices import CampaignStatus, Channel, DutyStatus
from warmwinter.care.models import CareCampaign, Contact, Helper, HelperAssignment, RosterEntry, VisitDuty
from warmwinter.care.quota import local_day, week_start_of
from warmwinter.core.errors import Conflict, DomainError
from warmwinter.hazards import services as hazard_services
from warmwinter.hazards.choices import HazardSource
from warmwinter.regions.codes import prefix_of
from warmwinter.surveys import schema

CLIENT_ID_REUSED = _("该提交编号已用于另一条不同的联系记录。")
IN_THE_FUTURE = _("联系时间不能晚于现在。")
UNKNOWN_CHANNEL = _("联系方式只能是入户走访或电话联系。")
NOT_ON_ROSTER = _("该家庭不在重点关注对象名册中。")
HELPER_ELSEWHERE = _("帮扶责任人须是本村（社区）的人员。")
FUTURE_GRACE = timedelta(minutes=5)  # phones' clocks drift


def _fingerprint(**parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def helper_of(user, household_id: int, campaign: CareCampaign | None):
    """The helper record the user acts as for this household: theirs on the roster, else any of theirs in the village."""
    if campaign is not None:
        assigned = (HelperAssignment.objects.filter(entry__campaign=campaign, entry__household_id=household_id, active=True,
                                                    helper__user=user).select_related("helper").first())
        if assigned:
            return assigned.helper
    return Helper.objects.filter(user=user, active=True).first()


@transaction.atomic
def contact_record(
    *, actor, household, channel: str, contacted_at: datetime | None = None, campaign: CareCampaign | None = None,
    helper: Helper | None = None, answers: dict | None = None, notes: str = "", solved_on_spot: str = "",
    problems: list[dict] | None = None, photo=None, latitude=None, longitude=None, client_id: str | None = None,
) -> Contact:
    """Record a home visit or phone call to a household. `problems` ([{category, title, severity?}]) and the
    checklist's findings go on the problem list. A home visit fulfils the household's open warning duties.

    The same `client_id` with the same content returns the stored contact; with different content, Conflict (409)."""
    acting = membership_for(actor, action="care.contact", region_code=household.region_id)
    if channel not in Channel.values:
        raise DomainError(UNKNOWN_CHANNEL, field="channel")
    now = timezone.now()
    # The time as sent (None when the client left it to the server), so that a retry matches the original.
    sent_at = contacted_at.astimezone(UTC).isoformat() if contacted_at else None
    contacted_at = contacted_at or now
    if contacted_at > now + FUTURE_GRACE:
        raise DomainError(IN_THE_FUTURE, field="contacted_at")
    if campaign is None:
        campaign = _campaign_for(household)
    entry = RosterEntry.objects.filter(campaign=campaign, household=household, active=True).first() if campaign else None
    if campaign is not None and entry is None:
        raise DomainError(NOT_ON_ROSTER, field="household")
    helper = helper or helper_of(actor, household.pk, campaign)
    if helper is not None and helper.region_id != household.region_id:
        raise DomainError(HELPER_ELSEWHERE, field="helper")
    template = campaign.contact_template if campaign else None
    clean = {}
    if answers:
        if template is None:
            raise DomainError(_("本次工作没有走访检查表，不能填写检查项。"), field="answers")
        clean, errors = schema.clean_answers([{**q, "required": False} for q in template.questions], answers)
        if errors:
            raise DomainError(errors[0][1], field=f"answers.{errors[0][0]}",
                              errors=[{"field": f"answers.{k}", "message": m} for k, m in errors])
    fingerprint = _fingerprint(household=household.pk, channel=channel, at=sent_at, answers=clean,
                               notes=notes.strip(), solved=solved_on_spot.strip(), problems=problems or [])
    if client_id:
        existing = Contact.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.fingerprint != fingerprint:
                raise Conflict(CLIENT_ID_REUSED, field="client_id")
            return existing
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                campaign=campaign, household=household, region_id=household.region_id, helper=helper, recorded_by=actor,
                channel=channel, contacted_at=contacted_at, local_date=local_day(contacted_at),
                week_start=week_start_of(local_day(contacted_at)), answers=clean, notes=notes.strip(),
                solved_on_spot=solved_on_spot.strip(), photo=photo or "", latitude=latitude, longitude=longitude,
                client_id=client_id or None, fingerprint=fingerprint,
            )
    except IntegrityError:  # the same client id stored meanwhile by a parallel retry
        existing = Contact.objects.get(client_id=client_id)
        if existing.fingerprint != fingerprint:
            raise Conflict(CLIENT_ID_REUSED, field="client_id") from None
        return existing
    hazards = []
    if template is not None and clean:
        for finding in schema.findings(template.rules, clean, template.params):
            hazards.append(hazard_services.hazard_report(
                actor=actor, household=household, category=finding.category, severity=finding.severity, title=finding.title,
                source=HazardSource.CONTACT, rule="", found_at=contacted_at))
    for problem in problems or []:
        hazards.append(hazard_services.hazard_report(
            actor=actor, household=household, category=problem.get("category", "other"), title=problem.get("title", ""),
            severity=problem.get("severity", "general"), description=problem.get("description", ""),
            source=HazardSource.CONTACT, found_at=contacted_at))
    if hazards:
        contact.hazards.add(*hazards)
    fulfilled = 0
    if channel == Channel.VISIT and campaign is not None:
        fulfilled = VisitDuty.objects.filter(campaign=campaign, household=household, status=DutyStatus.OPEN,
                                             issued_at__lte=contacted_at, due_by__gte=contacted_at).update(status=DutyStatus.DONE, contact=contact, closed_at=now)
    audit.record(actor=actor, role=acting.role, action="contact.record", region_code=household.region_id, obj=contact,
                 changes={"channel": [None, channel], "contacted_at": [None, contacted_at], "hazards": [None, [h.pk for h in hazards]],
                          "duties_fulfilled": [None, fulfilled]})
    return contact


def _campaign_for(household) -> CareCampaign | None:
    """The open campaign whose roster holds the household (the narrowest if several)."""
    entries = (RosterEntry.objects.filter(household=household, active=True, campaign__status=CampaignStatus.OPEN)
               .select_related("campaign").order_by("-campaign__starts_on"))
    return next((e.campaign for e in entries), None)


def duties_issue(*, alert, hours_default: int = 24) -> int:
    """Home-visit duties for every roster household (with a warning rule) of the open campaigns inside the
    warning's areas; the deadline is the household's rule (visit_hours) after the warning comes into force
    (or after it is recorded, when that is later). Issuing twice for one warning adds nothing."""
    issued_at = max(alert.onset, timezone.now())  # a warning recorded late still leaves the full time to visit
    prefixes = [prefix_of(code) for code in alert.areas.values_list("region_id", flat=True)]
    made = 0
    for campaign in CareCampaign.objects.filter(status=CampaignStatus.OPEN, starts_on__lte=timezone.localdate(alert.expires),
                                                ends_on__gte=timezone.localdate(alert.onset)):
        rows: dict[int, VisitDuty] = {}  # by household: areas may overlap (a county and one of its townships)
        for prefix in prefixes:
            entries = RosterEntry.objects.filter(campaign=campaign, active=True, visit_hours__isnull=False, region__code__startswith=prefix)
            for household_id, region_id, hours in entries.values_list("household_id", "region_id", "visit_hours"):
                rows[household_id] = VisitDuty(alert=alert, campaign=campaign, household_id=household_id, region_id=region_id,
                                               issued_at=issued_at, due_by=issued_at + timedelta(hours=hours or hours_default))
        issued = set(VisitDuty.objects.filter(alert=alert, campaign=campaign).values_list("household_id", flat=True))
        made += len(VisitDuty.objects.bulk_create([d for h, d in rows.items() if h not in issued], ignore_conflicts=True, batch_size=2000))
        _fulfil_from_earlier_visits(alert=alert, campaign=campaign)
    return made


def _fulfil_from_earlier_visits(*, alert, campaign: CareCampaign) -> None:
    """A warning entered late: a home visit already made since the warning came into force fulfils its duty."""
    now = timezone.now()
    if alert.onset >= now:
        return
    visits = (Contact.objects.filter(campaign=campaign, channel=Channel.VISIT, contacted_at__gte=alert.onset, contacted_at__lte=now,
                                     household_id__in=VisitDuty.objects.filter(alert=alert, campaign=campaign, status=DutyStatus.OPEN)
                                     .values("household_id"))
              .order_by("household_id", "contacted_at").values_list("household_id", "pk"))
    first: dict[int, int] = {}
    for household_id, contact_id in visits:
        first.setdefault(household_id, contact_id)
    for household_id, contact_id in first.items():
        VisitDuty.objects.filter(alert=alert, campaign=campaign, household_id=household_id, status=DutyStatus.OPEN).update(
            status=DutyStatus.DONE, contact_id=contact_id, closed_at=now)


def duties_end(*, alert) -> int:
    """The warning ended (expired or cancelled): duties still open end with it."""
    return VisitDuty.objects.filter(alert=alert, status=DutyStatus.OPEN).update(status=DutyStatus.ENDED, closed_at=timezone.now())


def duties_mark_missed(*, now: datetime | None = None) -> int:
    """Open duties past their deadline become missed (run by the scheduler)."""
    now = now or timezone.now()
    return VisitDuty.objects.filter(status=DutyStatus.OPEN, due_by__lt=now).update(status=DutyStatus.MISSED, closed_at=now)
