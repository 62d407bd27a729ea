"""Campaign pages: the list with its figures, starting a campaign with plan 6's defaults, the overview per
village, building the roster from categories, and who may open what (404 outside, 403 for the role)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.test import Client
from django.utils import timezone

from tests.care.factories import make_campaign, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.html import text_of
from warmwinter.audit.models import Event
from warmwinter.care.models import CareCampaign, ContactFormFiling, QuotaRule, RosterEntry

pytestmark = pytest.mark.django_db

TOWNSHIP = "520402005000"
NOW = timezone.make_aware(datetime.combine(date(2026, 11, 27), time(15, 0)))  # a Friday


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(tree, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    campaign = make_campaign(TOWNSHIP, name="东关街道帮扶联系")  # filing deadline 2026-11-15: passed
    homes = [make_household(VILLAGE, members=[name]) for name in ("张大山", "李秀英", "王五")]
    other = make_household(OTHER_VILLAGE, members=["赵六"])
    entries = [make_entry(campaign, h) for h in homes] + [make_entry(campaign, other)]
    helper = make_helper(VILLAGE, name="王书记")
    pair(entries[0], helper)
    pair(entries[1], helper)
    ContactFormFiling.objects.create(campaign=campaign, region_id=VILLAGE, filed_at=NOW, late=True, households=3)
    outside = make_campaign("520402001000", name="南街帮扶联系")
    make_entry(outside, make_household(NANJIE_VILLAGE, members=["外人"]))
    return {
        "campaign": campaign, "outside": outside, "entries": entries,
        "officer": make_member("township_officer", TOWNSHIP, username="officer"),
        "clerk": make_member("village_clerk", VILLAGE, username="clerk"),
        "helper_user": make_member("helper", VILLAGE, username="helper"),
    }


def test_list_shows_the_figures_of_the_users_scope(world):
    html = client_for(world["officer"]).get("/care/").content.decode()
    assert "南街帮扶联系" not in html
    card = text_of(html, f"campaign-{world['campaign'].pk}")
    assert "东关街道帮扶联系" in card
    assert "名册户数 4" in card and "未落实帮扶人 2" in card and "已备案村 / 有名册村 1 / 2 逾期 1" in card

    clerk_card = text_of(client_for(world["clerk"]).get("/care/").content.decode(), f"campaign-{world['campaign'].pk}")
    assert "名册户数 3" in clerk_card and "未落实帮扶人 1" in clerk_card and "1 / 1" in clerk_card


def test_menu_link_only_for_roles_with_care_view(world):
    assert 'href="/care/">帮扶联系</a>' in client_for(world["clerk"]).get("/").content.decode()
    organizer = make_member("charity_organizer", TOWNSHIP, username="charity")
    assert 'href="/care/"' not in client_for(organizer).get("/").content.decode()
    assert client_for(organizer).get("/care/").status_code == 404


def test_new_campaign_form_shows_plan_6_defaults(world):
    html = client_for(world["officer"]).get("/care/new").content.decode()
    assert 'name="filing_deadline" value="2026-12-20"' in html
    assert 'name="starts_on" value="2026-12-21"' in html and 'name="ends_on" value="2027-02-28"' in html
    assert 'value="dibao"' in html and 'name="roster_categories" value="dibao"' in html
    checked = html[html.index('value="dibao"'):][:80]
    assert "checked" in checked
    assert client_for(world["clerk"]).get("/care/new").status_code == 404  # no role of theirs may start one


def test_new_campaign_is_created_with_the_chosen_categories(world):
    from warmwinter.surveys.models import SurveyTemplate

    p6 = SurveyTemplate.objects.filter(code="p6-visit-checklist").order_by("-version").first()
    response = client_for(world["officer"]).post("/care/new", {
        "region": TOWNSHIP, "name": "2026—2027年冬季帮扶联系", "filing_deadline": "2026-12-20", "starts_on": "2026-12-21",
        "ends_on": "2027-02-28", "roster_categories": ["dibao", "wubao"], "contact_template": str(p6.pk)})
    campaign = CareCampaign.objects.get(name="2026—2027年冬季帮扶联系")
    assert response.status_code == 302 and response["Location"] == f"/care/{campaign.pk}/"
    assert (campaign.region_id, campaign.filing_deadline, campaign.roster_categories) == (TOWNSHIP, date(2026, 12, 20), ["dibao", "wubao"])
    assert campaign.contact_template_id == p6.pk
    assert QuotaRule.objects.filter(campaign=campaign, kind="weekly", count=3).exists()
    assert Event.objects.filter(action="care_campaign.create").count() == 1


def test_new_campaign_with_the_window_backwards_is_refused(world):
    response = client_for(world["officer"]).post("/care/new", {
        "region": TOWNSHIP, "name": "倒置", "filing_deadline": "2026-12-20", "starts_on": "2027-02-28", "ends_on": "2026-12-21",
        "roster_categories": ["dibao"]})
    assert response.status_code == 400
    assert "联系结束日期不能早于开始日期。" in response.content.decode()
    assert not CareCampaign.objects.filter(name="倒置").exists()


def test_overview_lists_villages_with_roster_helpers_and_filing(world):
    html = client_for(world["officer"]).get(f"/care/{world['campaign'].pk}/").content.decode()
    assert text_of(html, "card-households") == "名册户数 4"
    assert text_of(html, "card-without-helper") == "未落实帮扶人户数 2"
    assert text_of(html, "card-filed").startswith("已备案村 / 有名册村 1 / 2 其中逾期备案 1 个 逾期未备案 1 个")
    village = text_of(html, f"village-{VILLAGE}")
    assert "名册 3 户" in village and "1 户未落实帮扶人" in village and "逾期备案" in village
    other = text_of(html, f"village-{OTHER_VILLAGE}")
    assert "名册 1 户" in other and "1 户未落实帮扶人" in other and "逾期未备案" in other
    assert f'id="build-{TOWNSHIP}"' in html  # the township officer builds for the whole campaign


def test_clerk_sees_only_their_village_and_builds_only_there(world):
    html = client_for(world["clerk"]).get(f"/care/{world['campaign'].pk}/").content.decode()
    assert f'id="village-{VILLAGE}"' in html and f'id="village-{OTHER_VILLAGE}"' not in html
    assert f'id="build-{VILLAGE}"' in html and f'id="build-{TOWNSHIP}"' not in html


def test_build_adds_households_with_a_roster_category(world):
    make_household(VILLAGE, members=[{"name": "低保户", "categories": ["dibao"]}])
    make_household(VILLAGE, members=[{"name": "普通户"}])
    client = client_for(world["clerk"])
    response = client.post(f"/care/{world['campaign'].pk}/build", {"region": VILLAGE}, follow=True)
    assert response.redirect_chain[-1][0] == f"/care/{world['campaign'].pk}/villages/{VILLAGE}/"
    assert "已按人员类别生成名册：新增 1 户。" in response.content.decode()
    assert RosterEntry.objects.filter(campaign=world["campaign"], household__head__name="低保户").exists()
    assert not RosterEntry.objects.filter(household__head__name="普通户").exists()


def test_build_refusals_404_outside_403_for_the_role(world):
    campaign = world["campaign"]
    assert client_for(world["clerk"]).post(f"/care/{campaign.pk}/build", {"region": OTHER_VILLAGE}).status_code == 404
    assert client_for(world["helper_user"]).post(f"/care/{campaign.pk}/build", {"region": VILLAGE}).status_code == 403
    assert client_for(world["officer"]).post(f"/care/{world['outside'].pk}/build", {}).status_code == 404
    assert client_for(world["officer"]).get(f"/care/{campaign.pk}/build").status_code == 405


def test_campaign_and_region_outside_scope_are_404(world):
    officer = client_for(world["officer"])
    assert officer.get(f"/care/{world['outside'].pk}/").status_code == 404
    assert officer.get(f"/care/{world['campaign'].pk}/?region={NANJIE_VILLAGE}").status_code == 404
    assert officer.get(f"/care/{world['campaign'].pk}/villages/{NANJIE_VILLAGE}/").status_code == 404
    assert client_for(world["clerk"]).get(f"/care/{world['campaign'].pk}/villages/{OTHER_VILLAGE}/").status_code == 404
