"""管区: villages grouped under a township."""

import pytest

from tests.factories import make_member
from warmwinter.accounts.scoping import NOT_ALLOWED, NOT_FOUND
from warmwinter.audit.models import Event
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.regions import services
from warmwinter.regions.models import ManagementArea, Region

DONGGUAN, JINZHONG, DONGGUAN_SQ, TADONG = "520402005000", "520402005001", "520402005002", "520402001001"


def test_township_officer_creates_an_area(tree):
    officer = make_member("township_officer", DONGGUAN)
    area = services.management_area_create(actor=officer, township_code=DONGGUAN, name=" 东关第一管区 ", village_codes=[JINZHONG])
    assert (area.name, area.township_id) == ("东关第一管区", DONGGUAN)
    assert Region.objects.get(code=JINZHONG).management_area == area
    assert Region.objects.get(code=DONGGUAN_SQ).management_area is None
    event = Event.objects.get(action="management_area.create")
    assert (event.actor_name, event.role, event.region_code) == (officer.username, "township_officer", DONGGUAN)
    assert event.changes == {"name": [None, "东关第一管区"], "villages": [None, [JINZHONG]]}


def test_area_name_is_unique_per_township(tree):
    services.management_area_create(actor=None, township_code=DONGGUAN, name="一管区", village_codes=[])
    with pytest.raises(DomainError) as caught:
        services.management_area_create(actor=None, township_code=DONGGUAN, name="一管区", village_codes=[])
    assert caught.value.message == services.AREA_NAME_TAKEN
    # The same name under another township is fine.
    services.management_area_create(actor=None, township_code="520402001000", name="一管区", village_codes=[])
    assert ManagementArea.objects.count() == 2


@pytest.mark.parametrize("code", [JINZHONG, "520402000000", "520402099000"])
def test_only_under_an_existing_township(tree, code):
    with pytest.raises(DomainError) as caught:
        services.management_area_create(actor=None, township_code=code, name="管区", village_codes=[])
    assert caught.value.message == services.NOT_A_TOWNSHIP


def test_empty_name(tree):
    with pytest.raises(DomainError) as caught:
        services.management_area_create(actor=None, township_code=DONGGUAN, name="  ", village_codes=[])
    assert caught.value.message == services.EMPTY_NAME


def test_village_of_another_township_rejects_the_whole_area(tree):
    events = Event.objects.count()
    with pytest.raises(DomainError) as caught:
        services.management_area_create(actor=None, township_code=DONGGUAN, name="混合管区", village_codes=[JINZHONG, TADONG])
    assert caught.value.message == services.VILLAGE_NOT_IN_TOWNSHIP % {"name": "塔东社区居民委员会"}
    assert not ManagementArea.objects.exists()
    assert Region.objects.get(code=JINZHONG).management_area is None
    assert Event.objects.count() == events


def test_officer_of_another_township_gets_not_found(tree):
    other = make_member("township_officer", "520402001000")
    with pytest.raises(NotFound) as caught:
        services.management_area_create(actor=other, township_code=DONGGUAN, name="越界管区", village_codes=[])
    assert caught.value.message == NOT_FOUND
    assert not ManagementArea.objects.exists()


def test_role_without_the_action_is_forbidden(tree):
    """A clerk holding a township-level membership sees the township but may not make areas."""
    clerk = make_member("village_clerk", DONGGUAN)
    with pytest.raises(Forbidden) as caught:
        services.management_area_create(actor=clerk, township_code=DONGGUAN, name="管区", village_codes=[])
    assert caught.value.message == NOT_ALLOWED
    assert not ManagementArea.objects.exists()


def test_village_clerk_does_not_see_the_township(tree):
    clerk = make_member("village_clerk", JINZHONG)
    with pytest.raises(NotFound):
        services.management_area_create(actor=clerk, township_code=DONGGUAN, name="管区", village_codes=[])


def test_area_shows_in_the_region_api(tree):
    from rest_framework.test import APIClient

    officer = make_member("township_officer", DONGGUAN)
    services.management_area_create(actor=officer, township_code=DONGGUAN, name="东关第一管区", village_codes=[JINZHONG])
    api = APIClient()
    api.force_authenticate(officer)
    children = {c["code"]: c["management_area"] for c in api.get(f"/api/v1/regions/{DONGGUAN}/children").json()["results"]}
    assert children == {JINZHONG: "东关第一管区", DONGGUAN_SQ: None}
