"""visible_to / scope_q / membership_for: region prefix scoping, default deny."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import UserFactory, make_member
from warmwinter.accounts.scoping import NOT_ALLOWED, NOT_FOUND, can, membership_for, prefixes_for, scope_q
from warmwinter.accounts.selectors import users_visible_to
from warmwinter.audit import services as audit
from warmwinter.audit.models import Event
from warmwinter.core.errors import Forbidden, NotFound
from warmwinter.regions.models import Region

DONGGUAN_SUBTREE = ["520402005000", "520402005001", "520402005002"]


def visible(user) -> list[str]:
    return list(Region.objects.visible_to(user).order_by("code").values_list("code", flat=True))


def test_no_membership_sees_nothing(tree):
    user = UserFactory()
    assert scope_q(user, "region.view", "code") is None
    assert visible(user) == []
    assert not can(user, "region.view")


def test_anonymous_sees_nothing(tree):
    assert visible(AnonymousUser()) == []
    with pytest.raises(NotFound):
        membership_for(AnonymousUser(), action="region.view", region_code="520402005001")


def test_inactive_membership_or_user_sees_nothing(tree):
    officer = make_member("township_officer", "520402005000")
    officer.memberships.update(active=False)
    assert visible(officer) == []
    other = make_member("township_officer", "520402005000")
    other.is_active = False
    other.save()
    assert visible(other) == []


def test_township_officer_sees_only_own_subtree(tree):
    officer = make_member("township_officer", "520402005000")
    assert visible(officer) == DONGGUAN_SUBTREE


def test_village_clerk_sees_only_own_village(tree):
    assert visible(make_member("village_clerk", "520402005001")) == ["520402005001"]


def test_county_officer_sees_whole_county_but_not_next_door(tree):
    codes = visible(make_member("county_officer", "520402000000"))
    assert "520402001001" in codes and "520402005002" in codes and "520402000000" in codes
    assert not [c for c in codes if not c.startswith("520402")]


def test_two_memberships_see_both(tree):
    user = make_member("village_clerk", "520402005001")
    make_member("village_clerk", "520402001001", user=user)
    assert visible(user) == ["520402001001", "520402005001"]


def test_role_without_the_action_adds_no_scope(tree):
    """Visible regions come from memberships whose role allows the action."""
    clerk = make_member("village_clerk", "520402005001")
    assert scope_q(clerk, "audit.view", "region_code") is None
    audit.record(actor=None, action="x", region_code="520402005001")
    assert not Event.objects.visible_to(clerk).exists()


def test_nested_memberships_collapse_to_the_widest(tree):
    user = make_member("admin", "520402000000")
    make_member("admin", "520402005000", user=user)
    assert prefixes_for(user, "user.view") == ["520402"]


def test_membership_for_outside_is_not_found(tree):
    officer = make_member("township_officer", "520402005000")
    for code in ("520402001001", "520402000000", "520403100200", "999999999999"):
        with pytest.raises(NotFound) as caught:
            membership_for(officer, action="region.view", region_code=code)
        assert caught.value.message == NOT_FOUND


def test_membership_for_role_lacking_the_action_is_forbidden(tree):
    clerk = make_member("village_clerk", "520402005001")
    with pytest.raises(Forbidden) as caught:
        membership_for(clerk, action="user.manage", region_code="520402005001")
    assert caught.value.message == NOT_ALLOWED
    assert caught.value.status_code == 403


def test_membership_for_picks_the_most_specific(tree):
    user = make_member("admin", "520402000000")
    make_member("admin", "520402005000", user=user)
    assert membership_for(user, action="user.manage", region_code="520402005001").region_id == "520402005000"
    assert membership_for(user, action="user.manage", region_code="520402001001").region_id == "520402000000"


def test_membership_for_picks_the_role_that_allows_the_action(tree):
    user = make_member("village_clerk", "520402005001")
    make_member("township_officer", "520402005000", user=user)
    assert membership_for(user, action="management_area.manage", region_code="520402005001").role == "township_officer"


def test_unknown_action_is_a_programming_error(tree):
    officer = make_member("township_officer", "520402005000")
    with pytest.raises(KeyError, match="unknown action"):
        can(officer, "household.teleport")


def test_users_visible_to_an_admin(tree):
    admin = make_member("admin", "520402005000")
    mine = make_member("village_clerk", "520402005001")
    theirs = make_member("village_clerk", "520402001001")
    pingba = make_member("county_officer", "520403000000")
    visible_users = set(users_visible_to(admin))
    assert mine in visible_users and admin in visible_users
    assert theirs not in visible_users and pingba not in visible_users
