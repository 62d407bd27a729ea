"""Factories that know regions and roles: `make_member(role, region_code)` is the usual start."""

from __future__ import annotations

import factory
import pyotp

from warmwinter.accounts.models import Membership, User
from warmwinter.regions.codes import level_of, normalize, parent_code
from warmwinter.regions.models import Region

PASSWORD = "Correct-Horse-42"

# A small real tree: 贵州省 > 安顺市 > 西秀区 > 东关街道 / 南街街道 > villages; and 平坝区 next door.
TREE = {
    "520000000000": "贵州省",
    "520400000000": "安顺市",
    "520402000000": "西秀区",
    "520402005000": "东关街道",
    "520402005001": "金钟社区居民委员会",
    "520402005002": "东关社区居民委员会",
    "520402001000": "南街街道",
    "520402001001": "塔东社区居民委员会",
    "520403000000": "平坝区",
    "520403100000": "夏云镇",
    "520403100200": "夏云村委会",
}


def region(code: str, name: str | None = None) -> Region:
    """The region with this code, creating it and any missing ancestors."""
    code = normalize(code)
    existing = Region.objects.filter(code=code).first()
    if existing:
        return existing
    parent = parent_code(code)
    parent_region = region(parent) if parent else None
    return Region.objects.create(code=code, name=name or TREE.get(code, f"区划{code}"), level=level_of(code), parent=parent_region)


def build_tree() -> dict[str, Region]:
    return {code: region(code, name) for code, name in TREE.items()}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def finish(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_member(role: str, region_code: str, *, user: User | None = None, totp: bool = True, **user_fields) -> User:
    """A user holding `role` at `region_code`; county-level users get a confirmed TOTP secret."""
    place = region(region_code)
    user = user or UserFactory(**user_fields)
    Membership.objects.create(user=user, region=place, role=role)
    if totp and user.needs_second_factor() and not user.totp_confirmed:
        user.totp_secret, user.totp_confirmed = pyotp.random_base32(), True
        user.save(update_fields=["totp_secret", "totp_confirmed"])
    return user


def otp_now(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).now()
