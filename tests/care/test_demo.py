"""`warmwinter demo`: the helping-contact campaign of 东关街道 and a cold-wave warning over 西秀区."""

import io
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from warmwinter.alerts.models import AlertAction, WeatherAlert
from warmwinter.audit.models import Event
from warmwinter.audit.verify import chain_verify
from warmwinter.care import selectors
from warmwinter.care.demo import care_demo_figures, demo_campaign
from warmwinter.care.models import CareCampaign, Contact, ContactFormFiling, Helper, HelperAssignment, QuotaRule, RosterEntry, VisitDuty
from warmwinter.care.services import DEFAULT_ROSTER_CATEGORIES
from warmwinter.registry.models import CategoryAssignment

COUNTY, DONGGUAN, JINZHONG = "520402000000", "520402005000", "520402005001"


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return run_demo()


def primaries(campaign) -> dict[int, Helper]:
    """Roster entry id -> its active primary helper."""
    rows = HelperAssignment.objects.filter(entry__campaign=campaign, active=True, role="primary").select_related("helper")
    return {a.entry_id: a.helper for a in rows}


def test_campaign_roster_helpers_and_filings(demo):
    today = timezone.localdate()
    campaign = demo_campaign()
    winter = today.year if today.month >= 7 else today.year - 1
    assert (campaign.name, campaign.region_id, campaign.created_by.username) == (f"东关街道{winter}年冬季帮扶联系", DONGGUAN, "township")
    monday = today - timedelta(days=today.weekday())
    assert campaign.starts_on == monday - timedelta(days=14) and campaign.starts_on <= today <= campaign.ends_on
    assert campaign.filing_deadline == campaign.starts_on - timedelta(days=1) < today
    assert (campaign.ends_on.month, campaign.ends_on.day) in ((2, 28), (2, 29))

    # The roster: every active household of 东关街道 with a living person in a current key-focus category, and one by hand.
    current = (CategoryAssignment.objects.filter(category_id__in=DEFAULT_ROSTER_CATEGORIES, person__alive=True,
                                                 person__household__status="active", person__region__code__startswith="520402005",
                                                 valid_from__lte=today).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)))
    expected = set(current.values_list("person__household_id", flat=True))
    entries = RosterEntry.objects.filter(campaign=campaign, active=True)
    manual = entries.get(source="manual")
    assert manual.region_id == JINZHONG and manual.reason and manual.household_id not in expected
    assert set(entries.filter(source="category").values_list("household_id", flat=True)) == expected and len(expected) > 40
    severe = set(current.filter(category_id="disabled", grade=1).values_list("person__household_id", flat=True))
    assert severe and set(entries.filter(daily_contact=True).values_list("household_id", flat=True)) == severe
    assert QuotaRule.objects.filter(campaign=campaign, kind="daily", household__isnull=False).count() == len(severe)

    # Helpers in every village with roster households; about 90 % of households paired, none missing in 金钟社区.
    villages = set(entries.values_list("region_id", flat=True))
    helpers = Helper.objects.filter(region__code__startswith="520402005")
    assert set(helpers.values_list("region_id", flat=True)) == villages
    assert all(re.fullmatch(r"1[3-9]\d{9}", h.phone) and 2 <= len(h.name) <= 3 for h in helpers)
    assert helpers.filter(kind="party_member").exists() and helpers.filter(kind="two_committees").exists()
    paired = primaries(campaign)
    unpaired = entries.exclude(pk__in=paired)
    assert unpaired.count() == round(0.1 * entries.count()) and not unpaired.filter(region_id=JINZHONG).exists()
    assert all(paired[e.pk].region_id == e.region_id for e in entries.filter(pk__in=paired))
    assert max(Counter(h.pk for h in paired.values()).values()) >= 2  # 一帮多
    backups = HelperAssignment.objects.filter(entry__campaign=campaign, active=True, role="backup")
    assert backups.exists() and all(b.helper_id != paired[b.entry_id].pk for b in backups)
    huang = helpers.get(user__username="helper")
    jinzhong = entries.filter(region_id=JINZHONG)
    assert {paired[e.pk] for e in jinzhong} == {huang} and jinzhong.count() >= 2

    # Filed: the villages whose every household has a helper; on paper before the deadline, except one.
    filings = ContactFormFiling.objects.filter(campaign=campaign)
    assert set(filings.values_list("region_id", flat=True)) == villages - set(unpaired.values_list("region_id", flat=True))
    late = filings.get(late=True)
    assert timezone.localdate(late.filed_at) > campaign.filing_deadline
    assert all(timezone.localdate(f.filed_at) <= campaign.filing_deadline for f in filings.filter(late=False))
    assert all(f.households == entries.filter(region_id=f.region_id).count() for f in filings)


def test_contacts_compliance_and_the_cold_wave(demo):
    now, today = timezone.now(), timezone.localdate()
    campaign = demo_campaign()
    entries = RosterEntry.objects.filter(campaign=campaign, active=True)
    paired = primaries(campaign)
    contacts = Contact.objects.filter(campaign=campaign)
    assert not contacts.filter(contacted_at__gt=now).exists() and not contacts.filter(local_date__lt=campaign.starts_on).exists()
    assert not contacts.filter(household__in=entries.exclude(pk__in=paired).values("household_id")).exists()
    assert all(c.helper.region_id == c.region_id for c in contacts.select_related("helper"))
    assert contacts.filter(channel="visit").exclude(answers={}).exists() and contacts.filter(channel="phone").exists()

    for week in (campaign.starts_on, campaign.starts_on + timedelta(days=7)):  # the two closed weeks
        figures = selectors.compliance(campaign, DONGGUAN, week).total
        without = entries.count() - len(paired)
        assert (figures.households, figures.without_helper) == (entries.count(), without)
        assert 0.7 <= figures.compliant / figures.households <= 0.9  # most households, not all
        assert figures.compliant < figures.households - without  # some paired households fell short too
    second = campaign.starts_on + timedelta(days=7)
    for entry in entries.filter(daily_contact=True):
        days = set(contacts.filter(household_id=entry.household_id, week_start=second).values_list("local_date", flat=True))
        assert len(days) == 7  # a contact every day

    alert = WeatherAlert.objects.get()
    assert (alert.event, alert.colour, alert.state, alert.status, alert.created_by.username) == ("cold_wave", 2, "active", "Actual", "emergency")
    assert list(alert.areas.values_list("region_id", flat=True)) == [COUNTY] and "寒潮黄色预警" in alert.headline
    assert timedelta(hours=3) <= now - alert.onset <= timedelta(hours=6)
    assert timedelta(days=1, hours=22) <= alert.expires - now <= timedelta(days=2)
    assert set(AlertAction.objects.filter(alert=alert, active=True).values_list("kind", "region_id")) == {("patrol", COUNTY), ("banner", COUNTY)}
    duties = VisitDuty.objects.filter(alert=alert)
    assert set(duties.values_list("household_id", flat=True)) == set(entries.values_list("household_id", flat=True))
    assert all(d.due_by - d.issued_at == timedelta(hours=24) for d in duties)
    done = duties.filter(status="done").select_related("contact")
    assert done.count() == round(0.4 * duties.count()) and set(duties.values_list("status", flat=True)) == {"open", "done"}
    assert all(d.contact.channel == "visit" and d.contact.contacted_at >= d.issued_at for d in done)
    huang = Helper.objects.get(user__username="helper")
    assert done.filter(region_id=JINZHONG).count() == 1
    due = selectors.households_due(campaign, JINZHONG, today=today, helper=huang)
    assert {reason for item in due for reason, _ in item["reasons"]} >= {"warning_visit"}


def test_summary_and_running_twice_changes_nothing(demo):
    figures = care_demo_figures()
    line = next(line for line in demo.splitlines() if line.startswith("Demo care:"))
    assert line == figures.summary()
    assert f"名册 {RosterEntry.objects.filter(active=True).count()} 户" in line and f"联系记录 {Contact.objects.count()} 条" in line
    assert figures.late_filings == 1 and figures.warnings == 1
    models = [CareCampaign, RosterEntry, Helper, HelperAssignment, QuotaRule, ContactFormFiling, Contact, VisitDuty, WeatherAlert, AlertAction]
    before = {m.__name__: m.objects.count() for m in models}
    hashes = list(Event.objects.order_by("seq").values_list("hash", flat=True))
    second = run_demo()
    assert {m.__name__: m.objects.count() for m in models} == before
    assert list(Event.objects.order_by("seq").values_list("hash", flat=True)) == hashes
    assert [line for line in second.splitlines() if line.startswith("Demo care:")] == [line]
    assert chain_verify().ok
