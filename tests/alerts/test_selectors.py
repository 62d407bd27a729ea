"""Who sees which warning (an area covering their scope or inside it), in force first, the banner, patrols."""

from datetime import timedelta

import pytest

from tests.alerts.helpers import COUNTY, DONGGUAN, JINZHONG, NANJIE, PINGBA, freeze, local
from tests.care.factories import make_alert
from tests.factories import make_member
from warmwinter.alerts import selectors
from warmwinter.alerts.choices import AlertState
from warmwinter.alerts.services import AlertInput, alert_cancel, alert_record
from warmwinter.core.errors import Forbidden, NotFound

pytestmark = pytest.mark.django_db
NOW = local(29, 12)


@pytest.fixture
def alerts(tree, monkeypatch):
    """Five warnings around 2026-11-29 noon: over the county, a township, a village, next door, and one over."""
    freeze(monkeypatch, NOW)
    return {
        "county": make_alert([COUNTY], onset=local(29, 8), hours=48, headline="西秀区寒潮蓝色预警", colour=1),
        "nanjie": make_alert([NANJIE], onset=local(29, 10), hours=24, headline="南街街道大风黄色预警", event="gale"),
        "village": make_alert([JINZHONG], onset=local(29, 11), hours=24, headline="金钟社区道路结冰橙色预警", event="road_icing", colour=3),
        "pingba": make_alert([PINGBA], onset=local(29, 9), hours=24, headline="平坝区暴雪预警", event="blizzard"),
        "past": make_alert([DONGGUAN], onset=local(27, 8), hours=24, headline="东关街道低温预警（已过期）", event="low_temperature",
                           state=AlertState.EXPIRED),
    }


def headlines(queryset) -> list[str]:
    return [a.headline for a in queryset]


def test_a_village_clerk_sees_warnings_over_the_county_and_the_village(alerts):
    clerk = make_member("village_clerk", JINZHONG)
    assert headlines(selectors.alerts_for(clerk)) == ["金钟社区道路结冰橙色预警", "西秀区寒潮蓝色预警", "东关街道低温预警（已过期）"]


def test_a_township_officer_sees_its_villages_but_not_the_next_township(alerts):
    officer = make_member("township_officer", DONGGUAN)
    assert set(headlines(selectors.alerts_for(officer))) == {"金钟社区道路结冰橙色预警", "西秀区寒潮蓝色预警", "东关街道低温预警（已过期）"}


def test_a_county_officer_sees_the_whole_county_not_next_door(alerts):
    officer = make_member("county_officer", COUNTY)
    shown = headlines(selectors.alerts_for(officer))
    assert shown[:3] == ["金钟社区道路结冰橙色预警", "南街街道大风黄色预警", "西秀区寒潮蓝色预警"]  # in force, newest onset first
    assert shown[3:] == ["东关街道低温预警（已过期）"]
    assert headlines(selectors.alerts_for(officer, state="in_force", region=NANJIE)) == ["南街街道大风黄色预警", "西秀区寒潮蓝色预警"]
    assert headlines(selectors.alerts_for(officer, state=AlertState.EXPIRED)) == ["东关街道低温预警（已过期）"]


def test_not_yet_in_force_comes_after_those_in_force(alerts):
    officer = make_member("county_officer", COUNTY)
    make_alert([COUNTY], onset=local(30, 8), hours=24, headline="明日寒潮预警")
    shown = headlines(selectors.alerts_for(officer))
    assert shown.index("明日寒潮预警") == 3  # after the three in force, newest of the rest
    assert "明日寒潮预警" not in headlines(selectors.alerts_for(officer, state="in_force"))


def test_no_membership_sees_nothing(alerts):
    from tests.factories import UserFactory

    assert list(selectors.alerts_for(UserFactory())) == []


def test_access_alert_is_404_outside(alerts):
    officer = make_member("township_officer", DONGGUAN)
    assert selectors.access_alert(officer, alerts["county"].pk) == alerts["county"]
    with pytest.raises(NotFound):
        selectors.access_alert(officer, alerts["nanjie"].pk)
    with pytest.raises(NotFound):
        selectors.access_alert(officer, 987654)


def test_lifting_a_county_wide_warning_is_for_the_county(alerts):
    township = make_member("township_officer", DONGGUAN)
    with pytest.raises(Forbidden) as caught:
        selectors.access_alert_to_cancel(township, alerts["county"].pk)
    assert caught.value.message == selectors.BEYOND_SCOPE
    assert not selectors.may_cancel(township, alerts["county"])
    assert selectors.may_cancel(township, alerts["village"])
    clerk = make_member("village_clerk", JINZHONG)
    assert not selectors.may_cancel(clerk, alerts["village"])  # clerks do not manage warnings
    county = make_member("county_officer", COUNTY)
    assert selectors.access_alert_to_cancel(county, alerts["county"].pk) == alerts["county"]


def test_in_force_most_severe_first(alerts):
    clerk = make_member("village_clerk", JINZHONG)
    assert headlines(selectors.alerts_in_force_for(clerk)) == ["金钟社区道路结冰橙色预警", "西秀区寒潮蓝色预警"]
    assert headlines(selectors.alerts_in_force_for(clerk, at=local(1, 9, month=12))) == []


def recorded(actor, identifier, areas, colour=2, hours=24, onset=None, status="Actual"):
    onset = onset or local(29, 8)
    return alert_record(actor=actor, data=AlertInput(identifier=identifier, event="cold_wave", colour=colour, onset=onset,
                                                     expires=onset + timedelta(hours=hours), area_codes=areas,
                                                     headline=f"{identifier} 预警", status=status))


def test_banner_shows_warnings_whose_rules_ask_for_one(tree, monkeypatch):
    freeze(monkeypatch, NOW)
    county = make_member("county_officer", COUNTY)
    clerk = make_member("village_clerk", JINZHONG)
    recorded(county, "cold", [DONGGUAN], colour=2)
    recorded(county, "drill", [DONGGUAN], status="Exercise")  # an exercise sets nothing in motion
    make_alert([DONGGUAN], headline="没有措施的预警")  # written straight to the table: no banner action
    assert headlines(selectors.banner_alerts_for(clerk)) == ["cold 预警"]
    nanjie_clerk = make_member("village_clerk", "520402001001")
    assert selectors.banner_alerts_for(nanjie_clerk) == []


def test_banner_ends_with_the_warning(tree, monkeypatch):
    freeze(monkeypatch, NOW)
    county = make_member("county_officer", COUNTY)
    alert = recorded(county, "cold", [COUNTY])
    clerk = make_member("village_clerk", JINZHONG)
    assert len(selectors.banner_alerts_for(clerk)) == 1
    alert_cancel(actor=county, alert=alert)
    assert selectors.banner_alerts_for(clerk) == []


def test_patrol_intensified_for_yellow_and_above(tree, monkeypatch):
    freeze(monkeypatch, NOW)
    county = make_member("county_officer", COUNTY)
    recorded(county, "blue", [NANJIE], colour=1)
    assert not selectors.patrol_intensified(NANJIE)  # the default rule: yellow and above
    yellow = recorded(county, "yellow", [DONGGUAN], colour=2, hours=24)
    assert selectors.patrol_intensified(DONGGUAN)
    assert selectors.patrol_intensified(JINZHONG)  # a village under the township
    assert selectors.patrol_intensified("520402")  # the county: part of it
    assert not selectors.patrol_intensified(NANJIE)
    assert not selectors.patrol_intensified(DONGGUAN, at=local(30, 8, 30))  # expired by then
    assert not selectors.patrol_intensified(DONGGUAN, at=local(29, 7))  # not yet
    alert_cancel(actor=county, alert=yellow)
    assert not selectors.patrol_intensified(DONGGUAN)
    assert selectors.patrol_intensified(DONGGUAN, at=NOW - timedelta(minutes=1)) is False  # started at noon (recorded late)


def test_rules_for_everyone_who_sees_warnings(tree):
    from tests.factories import UserFactory

    assert selectors.rules_for(make_member("helper", JINZHONG)).count() == 3
    assert selectors.rules_for(UserFactory()).count() == 0
    with pytest.raises(NotFound):
        selectors.access_rule(UserFactory(), selectors.rules_for(make_member("helper", JINZHONG)).first().pk)
