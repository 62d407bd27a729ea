"""Admin pages: users and memberships inside the admin's own county; the region switcher."""

import re

import pytest
from tests.factories import make_member
from warmwinter.accounts import services
from warmwinter.accounts.models import Membership, User
from warmwinter.accounts.scoping import NOT_FOUND
from warmwinter.audit.models import Event

NEW_PASSWORD = "Winter-Coal-5521"


@pytest.fixture
def admin(tree, client):
    user = make_member("admin", "520402000000", username="xixiu-admin")
    client.force_login(user)
    return user


@pytest.fixture
def pingba_user(tree):
    return make_member("village_clerk", "520403100200", username="pingba-clerk")


def create(client, **fields):
    data = {"username": "newclerk", "display_name": "新协理", "password": NEW_PASSWORD, "role": "village_clerk", "region": "520402005001"}
    return client.post("/accounts/users/new/", {**data, **fields})


def messages_of(response) -> list[str]:
    """The messages shown on the page the admin lands on (the redirect is followed, so they are consumed)."""
    assert response.redirect_chain, "expected a redirect back to the user page"
    shown = [str(m) for m in response.context["messages"]]
    for message in shown:
        assert message in response.content.decode()
    return shown


def test_admin_creates_a_user_in_a_village_of_the_county(client, admin):
    response = create(client)
    user = User.objects.get(username="newclerk")
    assert response.status_code == 302 and response["Location"] == f"/accounts/users/{user.pk}/"
    assert list(user.memberships.values_list("region_id", "role")) == [("520402005001", "village_clerk")]
    assert user.check_password(NEW_PASSWORD)
    event = Event.objects.get(action="user.create")
    assert (event.actor_name, event.role, event.region_code) == ("xixiu-admin", "admin", "520402005001")


def test_admin_cannot_create_a_user_in_the_next_county(client, admin):
    before = (User.objects.count(), Membership.objects.count(), Event.objects.count())
    response = create(client, region="520403100200")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(NOT_FOUND)]
    assert (User.objects.count(), Membership.objects.count(), Event.objects.count()) == before
    assert not User.objects.filter(username="newclerk").exists()


@pytest.mark.parametrize("fields, field, message", [
    ({"region": "520402005099"}, "region", services.UNKNOWN_REGION % {"code": "520402005099"}),
    ({"role": "auditor"}, "role", services.ROLE_BELOW_COUNTY),
    ({"username": "XIXIU-ADMIN"}, "username", services.USERNAME_TAKEN),
])
def test_create_form_errors(client, admin, fields, field, message):
    users = User.objects.count()
    response = create(client, **fields)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [str(message)]
    assert User.objects.count() == users


def test_non_admin_gets_404_on_admin_pages(client, tree):
    client.force_login(make_member("township_officer", "520402005000"))
    assert client.get("/accounts/users/").status_code == 404
    assert client.get("/accounts/users/new/").status_code == 404
    assert create(client).status_code == 404
    assert not User.objects.filter(username="newclerk").exists()


def test_user_list_shows_own_scope_only(client, admin, pingba_user):
    make_member("helper", "520402001001", username="nanjie-helper")
    response = client.get("/accounts/users/")
    listed = {u.username for u in response.context["page"]}
    assert listed == {"xixiu-admin", "nanjie-helper"}
    content = response.content.decode()
    assert "nanjie-helper" in content and "pingba-clerk" not in content


def test_user_list_search(client, admin):
    make_member("helper", "520402001001", username="nanjie-helper", display_name="黄帮扶")
    assert [u.username for u in client.get("/accounts/users/", {"q": "黄"}).context["page"]] == ["nanjie-helper"]


def test_user_of_another_county_is_404(client, admin, pingba_user):
    assert client.get(f"/accounts/users/{pingba_user.pk}/").status_code == 404
    response = client.post(f"/accounts/users/{pingba_user.pk}/memberships/", {"role": "helper", "region": "520402005001"})
    assert response.status_code == 404
    assert client.post(f"/accounts/users/{pingba_user.pk}/active/", {"active": "0"}).status_code == 404
    pingba_user.refresh_from_db()
    assert pingba_user.is_active
    assert pingba_user.memberships.count() == 1
    assert client.get("/accounts/users/999999/").status_code == 404


def test_membership_add_and_deactivate(client, admin):
    clerk = make_member("village_clerk", "520402005001", username="clerk")
    response = client.post(f"/accounts/users/{clerk.pk}/memberships/", {"role": "helper", "region": "520402005002"}, follow=True)
    assert response.redirect_chain == [(f"/accounts/users/{clerk.pk}/", 302)]
    assert messages_of(response) == ["已添加任职。"]
    added = clerk.memberships.get(role="helper")
    assert (added.region_id, added.active) == ("520402005002", True)
    assert Event.objects.get(action="membership.add").changes == {"user": [None, "clerk"], "role": [None, "helper"], "active": [None, True]}

    response = client.post(f"/accounts/users/{clerk.pk}/memberships/{added.pk}/deactivate/", follow=True)
    assert messages_of(response) == ["已停用任职。"]
    added.refresh_from_db()
    assert not added.active
    assert Event.objects.get(action="membership.deactivate").changes == {"active": [True, False]}

    last = clerk.memberships.get(role="village_clerk")
    response = client.post(f"/accounts/users/{clerk.pk}/memberships/{last.pk}/deactivate/", follow=True)
    assert messages_of(response) == [str(services.LAST_MEMBERSHIP)]
    last.refresh_from_db()
    assert last.active


def test_membership_add_outside_scope_writes_nothing(client, admin):
    clerk = make_member("village_clerk", "520402005001", username="clerk")
    events = Event.objects.count()
    response = client.post(f"/accounts/users/{clerk.pk}/memberships/", {"role": "helper", "region": "520403100200"}, follow=True)
    assert messages_of(response) == [str(NOT_FOUND)]
    assert clerk.memberships.count() == 1
    assert Event.objects.count() == events


def test_duplicate_membership_is_refused(client, admin):
    clerk = make_member("village_clerk", "520402005001", username="clerk")
    response = client.post(f"/accounts/users/{clerk.pk}/memberships/", {"role": "village_clerk", "region": "520402005001"}, follow=True)
    assert messages_of(response) == [str(services.MEMBERSHIP_EXISTS)]
    assert clerk.memberships.count() == 1


def test_township_admin_cannot_touch_a_county_membership(client, tree):
    """An admin of 东关街道 sees a user who also works in 南街, but only the 东关 membership."""
    township_admin = make_member("admin", "520402005000", username="dongguan-admin")
    client.force_login(township_admin)
    both = make_member("helper", "520402005001", username="both")
    make_member("helper", "520402001001", user=both)
    elsewhere = both.memberships.get(region_id="520402001001")
    page = client.get(f"/accounts/users/{both.pk}/")
    assert [m.region_id for m in page.context["memberships"]] == ["520402005001"]
    assert client.post(f"/accounts/users/{both.pk}/memberships/{elsewhere.pk}/deactivate/").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.active


def test_disable_a_user(client, admin):
    clerk = make_member("village_clerk", "520402005001", username="clerk")
    client.post(f"/accounts/users/{clerk.pk}/active/", {"active": "0"})
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert Event.objects.get(action="user.set_active").changes == {"is_active": [True, False]}


# --- the region switcher ------------------------------------------------------------------------

def home_counts(client) -> tuple[int, int]:
    content = client.get("/").content.decode()
    townships = re.search(r'id="count-townships">(\d+)<', content).group(1)
    villages = re.search(r'id="count-villages">(\d+)<', content).group(1)
    return int(townships), int(villages)


def test_switch_region_narrows_the_home_page(client, tree):
    user = make_member("township_officer", "520402005000", username="two-hats")
    make_member("township_officer", "520402001000", user=user)
    client.force_login(user)
    assert home_counts(client) == (2, 3)

    dongguan = user.memberships.get(region_id="520402005000")
    response = client.post("/accounts/switch-region/", {"membership": dongguan.pk, "next": "/"})
    assert response.status_code == 302
    assert home_counts(client) == (1, 2)
    assert client.get("/regions/520402001000/").status_code == 404  # the other membership no longer counts

    client.post("/accounts/switch-region/", {"membership": ""})
    assert home_counts(client) == (2, 3)


def test_switch_to_someone_elses_membership_is_ignored(client, tree):
    user = make_member("township_officer", "520402005000")
    make_member("township_officer", "520402001000", user=user)
    stranger = make_member("county_officer", "520403000000")
    client.force_login(user)
    client.post("/accounts/switch-region/", {"membership": stranger.memberships.get().pk})
    assert home_counts(client) == (2, 3)
    assert client.get("/regions/520403000000/").status_code == 404
