"""`warmwinter users add NAME --role ROLE --region CODE [--password P]`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from warmwinter import settings as production_settings
from warmwinter.accounts import services
from warmwinter.accounts.models import Membership, User
from warmwinter.audit.models import Event

PASSWORD = "Frost-Lantern-73"


def users_add(*args) -> str:
    out = io.StringIO()
    call_command("users", "add", *args, stdout=out)
    return out.getvalue()


def test_add_creates_user_membership_and_event(tree):
    out = users_add("li", "--role", "village_clerk", "--region", "520402005001", "--password", PASSWORD, "--display-name", "李协理")
    assert out == "created user li (village_clerk @ 520402005001)\n"
    user = User.objects.get(username="li")
    assert user.display_name == "李协理"
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.region_id, membership.role, membership.active) == ("520402005001", "village_clerk", True)
    event = Event.objects.get(action="user.create")
    assert (event.actor_name, event.region_code, event.object_id) == ("system", "520402005001", str(user.pk))
    assert event.changes == {"username": [None, "li"], "membership": [None, "520402005001:village_clerk"]}


def test_short_region_code_is_accepted(tree):
    users_add("wang", "--role", "county_officer", "--region", "520402", "--password", PASSWORD)
    assert Membership.objects.get(user__username="wang").region_id == "520402000000"


def test_without_password_the_user_cannot_sign_in_yet(tree):
    users_add("zhao", "--role", "helper", "--region", "520402005001")
    assert not User.objects.get(username="zhao").has_usable_password()


def test_production_hasher_is_argon2(tree):
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        users_add("argon", "--role", "helper", "--region", "520402005001", "--password", PASSWORD)
        user = User.objects.get(username="argon")
        assert user.password.startswith("argon2$argon2id$")
        assert user.check_password(PASSWORD)


def nothing_written(call):
    before = (User.objects.count(), Membership.objects.count(), Event.objects.count())
    with pytest.raises(CommandError) as caught:
        call()
    assert (User.objects.count(), Membership.objects.count(), Event.objects.count()) == before
    return str(caught.value)


def test_unknown_role(tree):
    message = nothing_written(lambda: users_add("li", "--role", "mayor", "--region", "520402005001"))
    assert "invalid choice: 'mayor'" in message


@pytest.mark.parametrize("region", ["520402005099", "abc", "5204020050011"])
def test_unknown_region(tree, region):
    message = nothing_written(lambda: users_add("li", "--role", "village_clerk", "--region", region))
    assert message == str(services.UNKNOWN_REGION % {"code": region.ljust(12, "0") if region.isdigit() and len(region) <= 12 else region})


def test_county_role_below_county_level(tree):
    message = nothing_written(lambda: users_add("li", "--role", "auditor", "--region", "520402005001"))
    assert message == str(services.ROLE_BELOW_COUNTY)


def test_username_taken_case_insensitively(tree):
    users_add("li", "--role", "helper", "--region", "520402005001")
    assert nothing_written(lambda: users_add("LI", "--role", "helper", "--region", "520402005002")) == str(services.USERNAME_TAKEN)


def test_weak_password_is_refused(tree):
    message = nothing_written(lambda: users_add("li", "--role", "helper", "--region", "520402005001", "--password", "12345678"))
    assert "密码" in message or "password" in message.lower()


def test_missing_role_argument(tree):
    nothing_written(lambda: users_add("li", "--region", "520402005001"))
