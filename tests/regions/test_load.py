"""`warmwinter regions load`: the shipped national table down to townships."""

import io
import time

from django.core.management import call_command

from warmwinter.audit.models import Event
from warmwinter.regions.codes import Level
from warmwinter.regions.models import Region
from warmwinter.regions.services import regions_load

# The 25 townships (8 街道, 10 镇, 7 乡) of 西秀区 in the Ministry of Civil Affairs table of 2025.
XIXIU_TOWNSHIPS = {
    "520402001000": "南街街道", "520402002000": "东街街道", "520402003000": "西街街道", "520402004000": "北街街道",
    "520402005000": "东关街道", "520402006000": "华西街道", "520402007000": "西航街道", "520402010000": "新安街道",
    "520402100000": "宋旗镇", "520402101000": "幺铺镇", "520402102000": "宁谷镇", "520402103000": "龙宫镇",
    "520402104000": "双堡镇", "520402105000": "大西桥镇", "520402106000": "七眼桥镇", "520402107000": "蔡官镇",
    "520402108000": "轿子山镇", "520402109000": "旧州镇", "520402200000": "新场布依族苗族乡",
    "520402201000": "岩腊苗族布依族乡", "520402202000": "鸡场布依族苗族乡", "520402203000": "杨武布依族苗族乡",
    "520402204000": "东屯乡", "520402205000": "黄腊布依族苗族乡", "520402206000": "刘官乡",
}


def test_load_one_county_with_its_ancestors(db):
    result = regions_load(root_code="520402000000")
    xixiu = Region.objects.get(code="520402000000")
    assert (xixiu.name, xixiu.level, xixiu.parent_id) == ("西秀区", Level.COUNTY, "520400000000")
    assert Region.objects.get(code="520400000000").name == "安顺市"
    assert Region.objects.get(code="520000000000").parent is None
    townships = dict(xixiu.children.values_list("code", "name"))
    assert len(townships) == 25
    assert townships == XIXIU_TOWNSHIPS
    assert townships["520402005000"] == "东关街道"
    assert Region.objects.get(code="520402005000").level == Level.TOWNSHIP
    assert result.created == Region.objects.count() == 28  # 贵州省, 安顺市, 西秀区 and 25 townships
    assert not Region.objects.filter(code__startswith="520403").exists()  # 平坝区 next door is not loaded


def test_load_records_one_audit_event(db):
    regions_load(root_code="520402000000")
    event = Event.objects.get()
    assert (event.action, event.actor_name, event.region_code) == ("region.load", "system", "520402000000")
    assert event.changes["created"] == [None, 28]


def test_loading_twice_creates_nothing(db):
    regions_load(root_code="520402000000")
    before = (Region.objects.count(), Event.objects.count())
    again = regions_load(root_code="520402000000")
    assert (again.created, again.renamed, again.unchanged) == (0, 0, 28)
    assert (Region.objects.count(), Event.objects.count()) == before


def test_load_keeps_a_local_rename_of_nothing_else(db):
    """A township renamed locally is set back to the national name; the rest stays."""
    regions_load(root_code="520402000000")
    Region.objects.filter(code="520402005000").update(name="东关")
    again = regions_load(root_code="520402000000")
    assert (again.created, again.renamed) == (0, 1)
    assert Region.objects.get(code="520402005000").name == "东关街道"


def test_root_with_a_significant_trailing_zero_loads_only_that_county(db):
    """鹿泉区 130110: its subtree is 130110..., not 13011... (栾城区 130111 is a neighbour)."""
    regions_load(root_code="130110000000")
    counties = set(Region.objects.filter(level=Level.COUNTY).values_list("name", flat=True))
    assert counties == {"鹿泉区"}
    assert Region.objects.filter(parent_id="130110000000").count() == 12
    assert not Region.objects.filter(code__startswith="130111").exists()


def test_root_province_with_a_trailing_zero_loads_only_that_province(db):
    regions_load(root_code="500000000000")  # 重庆市
    assert set(Region.objects.filter(level=Level.PROVINCE).values_list("name", flat=True)) == {"重庆市"}
    assert not Region.objects.exclude(code__startswith="50").exists()


def test_command_with_root(db):
    out = io.StringIO()
    call_command("regions", "load", "--root", "520402", stdout=out)
    assert out.getvalue() == "created 28, renamed 0, unchanged 0\n"
    out = io.StringIO()
    call_command("regions", "load", "--root", "520402", stdout=out)
    assert out.getvalue() == "created 0, renamed 0, unchanged 28\n"


def test_full_national_load(db):
    started = time.monotonic()
    result = regions_load()
    elapsed = time.monotonic() - started
    assert result.created == Region.objects.count() == 41934
    assert Region.objects.filter(level=Level.TOWNSHIP).count() == 38723
    # Every region but the provinces hangs off a region that exists.
    assert not Region.objects.filter(parent__isnull=True).exclude(level=Level.PROVINCE).exists()
    assert Region.objects.get(code="520402005000").parent_id == "520402000000"
    assert elapsed < 60, f"national load took {elapsed:.1f}s"
