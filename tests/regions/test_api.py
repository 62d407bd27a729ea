"""/api/v1/regions/{code} and /children: the caller's subtree, 404 outside it."""

import pytest
from rest_framework.test import APIClient

from tests.factories import make_member
from warmwinter.accounts.scoping import NOT_FOUND


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def township_officer(tree):
    return make_member("township_officer", "520402005000")


@pytest.fixture
def county_officer(tree):
    return make_member("county_officer", "520402000000")


def test_region_detail_in_scope(township_officer):
    response = api_for(township_officer).get("/api/v1/regions/520402005000")
    assert response.status_code == 200
    assert response.json() == {"code": "520402005000", "name": "东关街道", "level": 4, "level_name": "乡镇",
                               "parent": "520402000000", "management_area": None}


def test_short_code_is_padded(township_officer):
    assert api_for(township_officer).get("/api/v1/regions/520402005").json()["code"] == "520402005000"


def test_village_in_own_township(township_officer):
    body = api_for(township_officer).get("/api/v1/regions/520402005001").json()
    assert (body["name"], body["level"], body["parent"]) == ("金钟社区居民委员会", 5, "520402005000")


@pytest.mark.parametrize("code", [
    "520402001000",  # the neighbouring township
    "520402001001",  # a village there
    "520402000000",  # the officer's own county, above the membership
    "520403100200",  # another county
    "520402005099",  # does not exist
    "abc",
])
def test_region_detail_outside_scope_is_404_like_missing(township_officer, code):
    response = api_for(township_officer).get(f"/api/v1/regions/{code}")
    assert response.status_code == 404
    assert response.json() == {"detail": str(NOT_FOUND)}


def test_children_of_own_township(township_officer):
    body = api_for(township_officer).get("/api/v1/regions/520402005000/children").json()
    assert body["count"] == 2
    assert [(c["code"], c["name"]) for c in body["results"]] == [
        ("520402005001", "金钟社区居民委员会"), ("520402005002", "东关社区居民委员会")]


def test_children_of_county_for_a_county_officer(county_officer):
    body = api_for(county_officer).get("/api/v1/regions/520402/children").json()
    assert [c["name"] for c in body["results"]] == ["南街街道", "东关街道"]


@pytest.mark.parametrize("code", ["520402001000", "520402000000", "520403000000", "520402009000"])
def test_children_outside_scope_is_404(township_officer, code):
    response = api_for(township_officer).get(f"/api/v1/regions/{code}/children")
    assert response.status_code == 404
    assert response.json() == {"detail": str(NOT_FOUND)}


def test_county_officer_cannot_see_the_next_county(county_officer):
    assert api_for(county_officer).get("/api/v1/regions/520403000000").status_code == 404
    assert api_for(county_officer).get("/api/v1/regions/520403100000/children").status_code == 404


def test_user_without_membership_sees_nothing(tree):
    from tests.factories import UserFactory

    assert api_for(UserFactory()).get("/api/v1/regions/520402005000").status_code == 404


def test_inactive_membership_counts_for_nothing(township_officer):
    township_officer.memberships.update(active=False)
    assert api_for(township_officer).get("/api/v1/regions/520402005000").status_code == 404


def test_anonymous_gets_401(tree):
    assert APIClient().get("/api/v1/regions/520402005000").status_code == 401


def test_region_page_in_and_out_of_scope(client, township_officer):
    client.force_login(township_officer)
    page = client.get("/regions/520402005000/")
    assert page.status_code == 200
    assert "金钟社区居民委员会" in page.content.decode()
    assert client.get("/regions/520402001000/").status_code == 404
