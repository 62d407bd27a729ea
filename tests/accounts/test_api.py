"""POST /api/v1/auth/token and bearer tokens on /api/v1/me."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_member, otp_now
from warmwinter.accounts.authentication import LOGIN_INVALID, LOGIN_LOCKED, OTP_INVALID, OTP_NOT_ENROLLED, OTP_REQUIRED
from warmwinter.accounts.models import ApiToken, hash_token
from warmwinter.accounts.tokens import TOKEN_DAYS, TOKEN_INVALID


def token_request(**body):
    return APIClient().post("/api/v1/auth/token", body, format="json")


def me(token: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api.get("/api/v1/me")


@pytest.fixture
def clerk(tree):
    return make_member("village_clerk", "520402005001", username="yang", display_name="杨协理")


def test_token_works_as_bearer(clerk):
    response = token_request(username="yang", password=PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["expires_in_days"] == TOKEN_DAYS
    mine = me(body["token"])
    assert mine.status_code == 200
    assert mine.json() == {"username": "yang", "display_name": "杨协理", "memberships": [{
        "id": clerk.memberships.get().pk, "region": "520402005001", "region_name": "金钟社区居民委员会",
        "role": "village_clerk", "role_name": "村协理员"}]}


def test_only_the_hash_of_the_token_is_stored(clerk):
    raw = token_request(username="yang", password=PASSWORD).json()["token"]
    stored = ApiToken.objects.get(user=clerk)
    assert stored.key_hash == hash_token(raw) != raw


def test_wrong_password_is_401_with_a_chinese_message(clerk):
    response = token_request(username="yang", password="wrong")
    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误。"}
    assert response.json()["detail"] == str(LOGIN_INVALID)
    assert not ApiToken.objects.exists()


def test_wrong_passwords_on_the_api_lock_too(clerk):
    for _ in range(5):
        token_request(username="yang", password="wrong")
    response = token_request(username="yang", password=PASSWORD)
    assert response.status_code == 401
    assert response.json()["detail"] == str(LOGIN_LOCKED % {"minutes": 15})


def test_missing_fields_are_400(clerk):
    response = token_request(username="yang")
    assert response.status_code == 400
    assert "password" in response.json()


@pytest.fixture
def county(tree):
    return make_member("county_officer", "520402000000", username="wang")


def test_county_user_needs_otp(county):
    response = token_request(username="wang", password=PASSWORD)
    assert response.status_code == 401
    assert response.json() == {"detail": str(OTP_REQUIRED), "field": "otp"}
    assert not ApiToken.objects.exists()


def test_county_user_with_wrong_otp(county):
    response = token_request(username="wang", password=PASSWORD, otp="12345")
    assert response.status_code == 401
    assert response.json()["detail"] == str(OTP_INVALID)


def test_county_user_with_otp_gets_a_token_once_per_code(county):
    code = otp_now(county)
    response = token_request(username="wang", password=PASSWORD, otp=code)
    assert response.status_code == 200
    assert me(response.json()["token"]).json()["memberships"][0]["role"] == "county_officer"
    replay = token_request(username="wang", password=PASSWORD, otp=code)
    assert replay.status_code == 401
    assert replay.json()["detail"] == str(OTP_INVALID)


def test_county_user_without_enrolment_cannot_get_a_token(tree):
    make_member("county_officer", "520402000000", username="new", totp=False)
    response = token_request(username="new", password=PASSWORD, otp="123456")
    assert response.status_code == 401
    assert response.json()["detail"] == str(OTP_NOT_ENROLLED)


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer", "Bearer a b"])
def test_bad_bearer_token_is_401(clerk, header):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": str(TOKEN_INVALID)}


def test_expired_token_is_401(clerk):
    raw = token_request(username="yang", password=PASSWORD).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert me(raw).status_code == 401


def test_token_of_a_locked_or_disabled_user_stops_working(clerk):
    raw = token_request(username="yang", password=PASSWORD).json()["token"]
    type(clerk).objects.filter(pk=clerk.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    assert me(raw).status_code == 401
    type(clerk).objects.filter(pk=clerk.pk).update(locked_until=None, is_active=False)
    assert me(raw).status_code == 401


def test_no_credentials_is_401(clerk):
    assert APIClient().get("/api/v1/me").status_code == 401


def test_bearer_token_is_scoped_like_the_pages(clerk):
    raw = token_request(username="yang", password=PASSWORD).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/regions/520402005001").status_code == 200
    assert api.get("/api/v1/regions/520402005002").status_code == 404
