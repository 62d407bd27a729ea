"""Signing in on the pages: lock-out after 5 wrong passwords, the TOTP step, TOTP enrolment."""

from datetime import timedelta

import pyotp
import pytest
from django.utils import timezone

from tests.factories import PASSWORD, make_member, otp_now
from warmwinter.accounts.authentication import LOGIN_INVALID, LOGIN_LOCKED, OTP_INVALID
from warmwinter.accounts.models import User
from warmwinter.audit.models import Event


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def errors(response) -> list[str]:
    return response.context["form"].non_field_errors() if response.context else []


@pytest.fixture
def clerk(tree):
    return make_member("village_clerk", "520402005001", username="yang")


def test_right_password_signs_in(client, clerk):
    response = login(client, "yang", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)


def test_wrong_password_shows_the_message(client, clerk):
    response = login(client, "yang", "wrong")
    assert response.status_code == 200
    assert errors(response) == [str(LOGIN_INVALID)]
    assert not signed_in(client)
    assert errors(login(client, "nobody", "wrong")) == [str(LOGIN_INVALID)]  # unknown user: same answer


def test_five_wrong_passwords_lock_the_account(client, clerk):
    for _ in range(4):
        assert errors(login(client, "yang", "wrong")) == [str(LOGIN_INVALID)]
    locked = str(LOGIN_LOCKED % {"minutes": 15})
    assert errors(login(client, "yang", "wrong")) == [locked]

    response = login(client, "yang", PASSWORD)  # the 6th try, with the right password
    assert errors(response) == [locked]
    assert locked in response.content.decode()
    assert not signed_in(client)

    clerk.refresh_from_db()
    assert timedelta(minutes=14) < clerk.locked_until - timezone.now() <= timedelta(minutes=15)
    event = Event.objects.get(action="user.lock")
    assert (event.actor_name, event.region_code) == ("yang", "520402005001")


def test_lock_is_lifted_after_fifteen_minutes(client, clerk):
    for _ in range(5):
        login(client, "yang", "wrong")
    clerk.refresh_from_db()
    User.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() + timedelta(minutes=1))
    assert errors(login(client, "yang", PASSWORD)) == [str(LOGIN_LOCKED % {"minutes": 1})]

    User.objects.filter(pk=clerk.pk).update(locked_until=clerk.locked_until - timedelta(minutes=15))
    response = login(client, "yang", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)
    clerk.refresh_from_db()
    assert (clerk.failed_logins, clerk.locked_until) == (0, None)


def test_a_success_resets_the_count(client, clerk):
    for _ in range(4):
        login(client, "yang", "wrong")
    assert login(client, "yang", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert errors(login(client, "yang", "wrong")) == [str(LOGIN_INVALID)]
    assert login(client, "yang", PASSWORD).status_code == 302


def test_username_is_case_insensitive_for_the_count(client, clerk):
    for name in ("yang", "YANG", "Yang", "yAng", "yanG"):
        login(client, name, "wrong")
    assert errors(login(client, "yang", PASSWORD)) == [str(LOGIN_LOCKED % {"minutes": 15})]


# --- the second factor -------------------------------------------------------------------------

@pytest.fixture
def county(tree):
    return make_member("county_officer", "520402000000", username="wang")


def wrong_code(user) -> str:
    totp = pyotp.TOTP(user.totp_secret)
    now = timezone.now()
    near = {totp.at(now + timedelta(seconds=30 * k)) for k in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in near)


def test_county_officer_must_pass_the_otp_step(client, county):
    response = login(client, "wang", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/otp/"
    assert not signed_in(client)
    assert client.get("/").status_code == 302  # not in yet

    response = client.post("/accounts/login/otp/", {"otp": otp_now(county)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)
    assert client.get("/").status_code == 200


def test_wrong_code_is_refused(client, county):
    login(client, "wang", PASSWORD)
    response = client.post("/accounts/login/otp/", {"otp": wrong_code(county)})
    assert response.status_code == 200
    assert response.context["form"].errors == {"otp": [str(OTP_INVALID)]}
    assert not signed_in(client)


def test_replayed_code_is_refused(client, county):
    code = otp_now(county)
    login(client, "wang", PASSWORD)
    assert client.post("/accounts/login/otp/", {"otp": code}).status_code == 302
    client.logout()

    login(client, "wang", PASSWORD)
    response = client.post("/accounts/login/otp/", {"otp": code})
    assert response.context["form"].errors == {"otp": [str(OTP_INVALID)]}
    assert not signed_in(client)


def test_otp_page_without_a_password_step_goes_back_to_login(client, county):
    response = client.post("/accounts/login/otp/", {"otp": otp_now(county)})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_next_survives_the_otp_step(client, county):
    client.post("/accounts/login/?next=/regions/", {"username": "wang", "password": PASSWORD, "next": "/regions/"})
    assert client.post("/accounts/login/otp/", {"otp": otp_now(county)})["Location"] == "/regions/"


def test_village_clerk_needs_no_otp(client, clerk):
    assert login(client, "yang", PASSWORD)["Location"] == "/"


# --- enrolment ----------------------------------------------------------------------------------

@pytest.fixture
def unenrolled(tree):
    return make_member("county_officer", "520402000000", username="new-county", totp=False)


@pytest.mark.parametrize("path", ["/", "/regions/", "/regions/520402000000/", "/accounts/profile/", "/accounts/users/"])
def test_unenrolled_county_user_is_sent_to_enrol_everywhere(client, unenrolled, path):
    assert login(client, "new-county", PASSWORD).status_code == 302
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/accounts/totp/"


def test_enrol_page_shows_an_svg_qr_code_and_confirms(client, unenrolled):
    login(client, "new-county", PASSWORD)
    page = client.get("/accounts/totp/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "<svg" in content
    unenrolled.refresh_from_db()
    assert unenrolled.totp_secret and not unenrolled.totp_confirmed
    assert unenrolled.totp_secret in content

    refused = client.post("/accounts/totp/", {"otp": wrong_code(unenrolled)})
    assert refused.context["form"].errors == {"otp": [str(OTP_INVALID)]}
    assert client.get("/").status_code == 302

    response = client.post("/accounts/totp/", {"otp": otp_now(unenrolled)})
    assert response.status_code == 302 and response["Location"] == "/"
    unenrolled.refresh_from_db()
    assert unenrolled.totp_confirmed
    assert client.get("/").status_code == 200
    assert Event.objects.filter(action="user.totp_enrol", actor_name="new-county").count() == 1


def test_after_enrolment_the_next_login_asks_for_the_code(client, unenrolled):
    login(client, "new-county", PASSWORD)
    client.get("/accounts/totp/")
    unenrolled.refresh_from_db()
    client.post("/accounts/totp/", {"otp": otp_now(unenrolled)})
    client.logout()
    assert login(client, "new-county", PASSWORD)["Location"] == "/accounts/login/otp/"


def test_sign_ins_are_in_the_audit_log(client, clerk, county):
    login(client, clerk.username, PASSWORD)
    client.post("/accounts/logout/")
    login(client, county.username, PASSWORD)
    client.post("/accounts/login/otp/", {"otp": otp_now(county)})
    logins = list(Event.objects.filter(action="user.login").order_by("seq").values_list("actor_name", "changes"))
    assert logins == [(clerk.username, {"channel": [None, "web"]}), (county.username, {"channel": [None, "web+otp"]})]


def test_a_wrong_password_is_no_sign_in_event(client, clerk):
    login(client, clerk.username, "wrong-password")
    assert not Event.objects.filter(action="user.login").exists()
