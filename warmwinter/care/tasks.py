"""Scheduled work of helping contacts: missed visit duties, the helpers' daily reminder (每日提醒) and the
weekly compliance close (周达标结算). Each is safe to run twice: a second run changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from warmwinter.audit import services as audit
from warmwinter.accounts.roles import Role
from warmwinter.care import selectors
from warmwinter.care.choices import CampaignStatus
from warmwinter.care.models import CareCampaign, Helper, WeekClose
from warmwinter.care.quota import week_label
from warmwinter.jobs.registry import periodic
from warmwinter.jobs.schedules import daily, every, local_date, weekly
from warmwinter.notifications.services import notify, users_responsible_for
from warmwinter.regions.codes import Level, normalize

REMINDER_KIND = "care.reminder"
REMINDER_LINK = "/care/mine/"
WEEK_CLOSE_KIND = "care.week_close"


def _reason_text(reason: str, detail) -> str:
    if reason == "warning_visit":
        return _("预警后须在 %(due)s 前入户走访") % {"due": timezone.localtime(detail).strftime("%m-%d %H:%M")}
    if reason == "daily":
        return _("每日联系，今天尚未联系")
    return _("本周还需联系 %(count)s 次") % {"count": detail}


def _helpers_of(campaign: CareCampaign):
    """Active helpers with a user account who hold an active pairing on the campaign's roster."""
    return (Helper.objects.filter(active=True, user__isnull=False, user__is_active=True, assignments__active=True,
                                  assignments__entry__campaign=campaign, assignments__entry__active=True)
            .select_related("user").distinct().order_by("pk"))


def reminders_send(*, today: date) -> int:
    """Send each helper one notification listing the households due today, across open campaigns.
    Nothing when nothing is due; never twice for the same helper and day. Returns notifications sent."""
    due_by_helper: dict[int, tuple[Helper, dict[int, dict]]] = {}
    campaigns = CareCampaign.objects.filter(status=CampaignStatus.OPEN, starts_on__lte=today, ends_on__gte=today).order_by("pk")
    for campaign in campaigns:
        for helper in _helpers_of(campaign):
            for item in selectors.households_due(campaign, campaign.region_id, today=today, helper=helper):
                households = due_by_helper.setdefault(helper.pk, (helper, {}))[1]
                found = households.setdefault(item["household"].pk, {"household": item["household"], "region": item["entry"].region, "reasons": []})
                found["reasons"] += [r for r in item["reasons"] if r not in found["reasons"]]
    sent = 0
    for helper, households in due_by_helper.values():
        lines = [f"{h['household']}（{h['region'].name}）：" + "；".join(_reason_text(*r) for r in h["reasons"])
                 for h in sorted(households.values(), key=lambda h: (h["region"].code, h["household"].pk))]
        sent += len(notify(recipients=[helper.user], region_code=helper.region_id, kind=REMINDER_KIND,
                           title=_("今天有 %(count)s 户重点关注对象需要联系") % {"count": len(lines)}, body="\n".join(lines),
                           link=REMINDER_LINK, key=f"{REMINDER_KIND}:{helper.pk}:{today.isoformat()}"))
    return sent


def _township_of(code: str) -> str:
    return normalize(code[:9])


def _notify_townships(campaign: CareCampaign, result: selectors.Compliance, monday: date) -> int:
    """Tell the township officers which of their villages were under 100 % that week."""
    behind: dict[str, list[selectors.ComplianceRow]] = {}
    for village in result.villages:
        if village.households and village.compliant < village.households:
            behind.setdefault(_township_of(village.code), []).append(village)
    label, sent = week_label(monday), 0
    for township, villages in sorted(behind.items()):
        officers = users_responsible_for(township, roles=[Role.TOWNSHIP_OFFICER], level=Level.TOWNSHIP)
        lines = [_("%(name)s：达标 %(compliant)s/%(households)s 户（%(rate)s%%），未落实帮扶人 %(without)s 户") % {
            "name": v.name or v.code, "compliant": v.compliant, "households": v.households, "rate": v.rate, "without": v.without_helper,
        } for v in villages]
        sent += len(notify(recipients=officers, region_code=township, kind=WEEK_CLOSE_KIND,
                           title=_("%(week)s %(campaign)s：%(count)s 个村（社区）未全部达标") % {
                               "week": label, "campaign": campaign.name, "count": len(villages)},
                           body="\n".join(lines), link=f"/care/{campaign.pk}/compliance/?region={township}&week={label}",
                           key=f"{WEEK_CLOSE_KIND}:{campaign.pk}:{label}"))
    return sent


def week_close(*, monday: date) -> list[WeekClose]:
    """Record the compliance figures of the week starting `monday` for every campaign it overlaps, once
    per campaign and week, and notify township officers of villages under 100 %. Returns the new closes."""
    closes = []
    campaigns = CareCampaign.objects.filter(starts_on__lte=monday + timedelta(days=6), ends_on__gte=monday).order_by("pk")
    for campaign in campaigns:
        if WeekClose.objects.filter(campaign=campaign, week_start=monday).exists():
            continue
        result = selectors.compliance(campaign, campaign.region_id, monday, today=monday + timedelta(days=7))
        figures = {"week": week_label(monday), "region": [result.total.as_dict()],
                   "children": [row.as_dict() for row in result.children], "villages": [row.as_dict() for row in result.villages]}
        try:
            with transaction.atomic():
                close = WeekClose.objects.create(campaign=campaign, week_start=monday, households=result.total.households,
                                                 compliant=result.total.compliant, without_helper=result.total.without_helper, figures=figures)
                audit.record(actor=None, action="care.week_close", region_code=campaign.region_id, obj=close,
                             changes={"households": [None, close.households], "compliant": [None, close.compliant]})
                _notify_townships(campaign, result, monday)
        except IntegrityError:  # closed meanwhile by another run
            continue
        closes.append(close)
    return closes


@periodic("care.visit_duties_missed", every(minutes=10))
@task()
def duties_missed_mark() -> int:
    """Open warning visit duties past their deadline become missed."""
    from warmwinter.care.services_contacts import duties_mark_missed

    return duties_mark_missed()


@periodic("care.reminders", daily(at=settings.CARE_REMINDER_AT), arguments=lambda slot: {"day": local_date(slot).isoformat()})
@task()
def reminders_daily(day: str) -> int:
    """The helpers' reminder of the day planned (ISO date)."""
    return reminders_send(today=date.fromisoformat(day))


@periodic("care.week_close", weekly(weekday=0, at="00:30"), arguments=lambda slot: {"monday": (local_date(slot) - timedelta(days=7)).isoformat()})
@task()
def week_close_weekly(monday: str) -> int:
    """Close the week that starts on `monday` (ISO date): the week that ended when the job was planned."""
    return len(week_close(monday=date.fromisoformat(monday)))
