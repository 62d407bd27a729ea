"""`warmwinter demo`: 西秀区 with villages and one user per role; running it twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from warmwinter.accounts.models import Membership, User
from warmwinter.accounts.roles import Role
from warmwinter.audit.models import Event
from warmwinter.audit.verify import chain_verify
from warmwinter.core.demo import DEMO_PASSWORD, demo_totp_secret
from warmwinter.regions.codes import Level
from warmwinter.regions.models import ManagementArea, Region


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        "regions": Region.objects.count(), "users": User.objects.count(), "memberships": Membership.objects.count(),
        "areas": ManagementArea.objects.count(), "events": Event.objects.count(),
        "names": sorted(Region.objects.values_list("name", flat=True))[:50],
    }


@pytest.fixture
def demo(db):
    return run_demo()


def test_demo_loads_xixiu_with_townships_and_villages(demo):
    xixiu = Region.objects.get(code="520402000000")
    assert xixiu.name == "西秀区"
    assert xixiu.children.count() == 25
    villages = Region.objects.filter(level=Level.VILLAGE)
    assert villages.count() == 355
    assert not villages.exclude(code__startswith="520402").exists()
    assert Region.objects.get(code="520402005001").parent.name == "东关街道"
    assert not Region.objects.filter(parent__isnull=True).exclude(level=Level.PROVINCE).exists()
    assert set(ManagementArea.objects.values_list("name", flat=True)) == {"东关第一管区", "东关第二管区"}


def test_demo_creates_one_user_per_role(demo):
    roles = list(Membership.objects.values_list("role", flat=True))
    assert sorted(roles) == sorted(r.value for r in Role)
    clerk = User.objects.get(username="clerk")
    assert clerk.check_password(DEMO_PASSWORD)
    assert clerk.memberships.get().region_id == "520402005001"
    county = User.objects.get(username="county")
    assert county.totp_confirmed and county.totp_secret == demo_totp_secret("county")
    assert not clerk.totp_confirmed


def test_demo_prints_the_logins(demo):
    assert DEMO_PASSWORD in demo
    assert demo_totp_secret("county") in demo
    for username in ("admin", "county", "township", "clerk", "auditor"):
        assert f"\n{username} " in demo


def test_running_demo_twice_changes_nothing(demo):
    before = counts()
    hashes = list(Event.objects.order_by("seq").values_list("hash", flat=True))
    second = run_demo()
    assert counts() == before
    assert list(Event.objects.order_by("seq").values_list("hash", flat=True)) == hashes
    ledger_line = [line for line in second.splitlines() if line.startswith("Demo ledger")]
    assert len(ledger_line) == 1 and "0 households and 0 persons created" in ledger_line[0]
    without_ledger = [line for line in second.splitlines() if not line.startswith("Demo ledger")]
    assert without_ledger == [line for line in demo.splitlines() if not line.startswith("Demo ledger")]
    assert chain_verify().ok


def test_demo_has_a_ledger_of_real_villages(demo):
    from warmwinter.registry.models import CategoryAssignment, Household, Person

    assert Household.objects.count() > 200
    assert Person.objects.filter(region__code__startswith="520402005").exists()  # 东关街道
    assert Person.objects.filter(region__code__startswith="520402001").exists()  # 南街街道
    assert CategoryAssignment.objects.filter(category_id="dibao").exists()
    assert not Person.objects.exclude(region__code__startswith="520402005").exclude(region__code__startswith="520402001").exists()


def test_demo_users_can_sign_in(demo, client):
    response = client.post("/accounts/login/", {"username": "clerk", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_demo_proposes_the_person_registered_twice(demo):
    from warmwinter.registry.models import DuplicateCandidate

    pair = DuplicateCandidate.objects.select_related("person_a", "person_b").get()
    assert pair.reason == "name_birth" and pair.status == "open"
    assert pair.person_a.name == pair.person_b.name and pair.person_a.birth_date == pair.person_b.birth_date
    assert pair.person_a.region_id[:9] != pair.person_b.region_id[:9]  # two townships of the county
