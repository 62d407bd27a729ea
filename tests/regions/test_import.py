"""`warmwinter regions import FILE`: add or rename townships and villages; any error rejects the file whole."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from warmwinter.audit.models import Event
from warmwinter.core.tabular import UNSUPPORTED_FILE
from warmwinter.regions import services
from warmwinter.regions.models import Region


def write_csv(tmp_path, rows, *, encoding="utf-8", name="villages.csv"):
    path = tmp_path / name
    path.write_bytes("\n".join(",".join(r) for r in rows).encode(encoding) + b"\n")
    return path


def write_xlsx(tmp_path, rows, *, name="villages.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    path = tmp_path / name
    book.save(path)
    return path


def run_import(path) -> str:
    out = io.StringIO()
    call_command("regions", "import", str(path), stdout=out)
    return out.getvalue()


def row_error(row, column, message) -> str:
    return str(services.ROW_ERROR % {"row": row, "column": column, "message": message})


def rejected(path, *lines) -> str:
    """The import fails with exactly these row errors, and nothing at all is written."""
    regions_before = list(Region.objects.order_by("code").values_list("code", "name"))
    events_before = Event.objects.count()
    with pytest.raises(CommandError) as caught:
        run_import(path)
    message = str(caught.value)
    if lines:
        assert message.splitlines() == [str(services.IMPORT_REJECTED % {"count": len(lines)}), *lines]
    assert list(Region.objects.order_by("code").values_list("code", "name")) == regions_before
    assert Event.objects.count() == events_before
    return message


GOOD = [("code", "name"), ("520402005003", "新村社区居民委员会"), ("520402005001", "金钟社区")]


def test_csv_adds_a_village_and_renames_another(tree, tmp_path):
    assert run_import(write_csv(tmp_path, GOOD)) == "created 1, renamed 1, unchanged 0\n"
    new = Region.objects.get(code="520402005003")
    assert (new.name, new.parent_id, new.level) == ("新村社区居民委员会", "520402005000", 5)
    assert Region.objects.get(code="520402005001").name == "金钟社区"


def test_import_is_audited_with_before_and_after(tree, tmp_path):
    run_import(write_csv(tmp_path, GOOD))
    event = Event.objects.get(action="region.import")
    assert event.actor_name == "system"
    assert event.region_code == "520402000000"
    assert event.object_id == "villages.csv"
    assert event.changes == {"520402005001": ["金钟社区居民委员会", "金钟社区"], "520402005003": [None, "新村社区居民委员会"]}


def test_importing_the_same_file_again_changes_nothing(tree, tmp_path):
    path = write_csv(tmp_path, GOOD)
    run_import(path)
    events = Event.objects.count()
    assert run_import(path) == "created 0, renamed 0, unchanged 2\n"
    assert Event.objects.count() == events


def test_gbk_csv_with_chinese_headers(tree, tmp_path):
    rows = [("区划代码", "名称"), ("520402005004", "瓦窑社区居民委员会")]
    path = write_csv(tmp_path, rows, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert run_import(path) == "created 1, renamed 0, unchanged 0\n"
    assert Region.objects.get(code="520402005004").name == "瓦窑社区居民委员会"


def test_utf8_csv_with_bom_and_spaces(tree, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffcode,name\n 5204 0200 5005 , 　塔山村委会　\n".encode("utf-8"))
    run_import(path)
    assert Region.objects.get(code="520402005005").name == "塔山村委会"


def test_a_new_township_and_its_villages_in_one_file(tree, tmp_path):
    rows = [("code", "name"), ("520402002001", "东街社区居民委员会"), ("520402002000", "东街街道")]
    assert run_import(write_csv(tmp_path, rows)) == "created 2, renamed 0, unchanged 0\n"
    assert Region.objects.get(code="520402002001").parent.name == "东街街道"


def test_xlsx_with_numeric_code_cells(tree, tmp_path):
    rows = [("区划代码", "名称"), (520402005006, "新华村委会"), ("520402001002", "南华社区居民委员会"), (None, None)]
    assert run_import(write_xlsx(tmp_path, rows)) == "created 2, renamed 0, unchanged 0\n"
    assert set(Region.objects.filter(code__in=["520402005006", "520402001002"]).values_list("name", flat=True)) == {
        "新华村委会", "南华社区居民委员会"}


def test_xlsx_errors_name_row_and_column(tree, tmp_path):
    rows = [("code", "name"), (520402005006, "新华村委会"), (52040200500, "少一位")]
    rejected(write_xlsx(tmp_path, rows), row_error(3, "code", services.BAD_CODE))


@pytest.mark.parametrize("code", ["52040200500", "5204020050011", "52040200500X", "", "000000000001"])
def test_code_not_twelve_digits(tree, tmp_path, code):
    rows = [*GOOD, (code, "坏代码村")]
    rejected(write_csv(tmp_path, rows), row_error(4, "code", services.BAD_CODE))


@pytest.mark.parametrize("code, level", [("520403000000", "县"), ("520400000000", "市"), ("520000000000", "省")])
def test_code_above_township_level(tree, tmp_path, code, level):
    rows = [*GOOD, (code, "某区")]
    rejected(write_csv(tmp_path, rows), row_error(4, "code", services.BAD_LEVEL % {"level": level}))


def test_missing_parent(tree, tmp_path):
    rows = [*GOOD, ("520402009001", "无主村")]
    rejected(write_csv(tmp_path, rows), row_error(4, "code", services.NO_PARENT % {"parent": "520402009000"}))


def test_township_whose_county_is_missing(tree, tmp_path):
    rows = [("code", "name"), ("520422001000", "定南街道")]  # 普定县 is not loaded
    rejected(write_csv(tmp_path, rows), row_error(2, "code", services.NO_PARENT % {"parent": "520422000000"}))


def test_empty_name(tree, tmp_path):
    rows = [*GOOD, ("520402005007", "")]
    rejected(write_csv(tmp_path, rows), row_error(4, "name", services.EMPTY_NAME))


def test_name_too_long(tree, tmp_path):
    rows = [*GOOD, ("520402005007", "长" * 101)]
    rejected(write_csv(tmp_path, rows), row_error(4, "name", services.LONG_NAME))


def test_duplicate_code(tree, tmp_path):
    rows = [*GOOD, ("520402005003", "又一个新村")]
    rejected(write_csv(tmp_path, rows), row_error(4, "code", services.DUPLICATE_CODE % {"row": 2}))


def test_every_error_is_listed(tree, tmp_path):
    rows = [("code", "name"), ("123", ""), ("520402005003", "新村"), ("520402009001", "无主村")]
    rejected(write_csv(tmp_path, rows),
             row_error(2, "code", services.BAD_CODE), row_error(2, "name", services.EMPTY_NAME),
             row_error(4, "code", services.NO_PARENT % {"parent": "520402009000"}))


@pytest.mark.parametrize("rows", [
    [("520402005003", "新村社区居民委员会")],  # data but no header
    [("代码号", "村名"), ("520402005003", "新村社区居民委员会")],  # unknown headers
    [("code", "村名"), ("520402005003", "新村社区居民委员会")],
    [],
])
def test_missing_header(tree, tmp_path, rows):
    path = write_csv(tmp_path, rows) if rows else tmp_path / "empty.csv"
    if not rows:
        path.write_bytes(b"")
    assert rejected(path) == str(services.MISSING_COLUMNS)


def test_unsupported_file_type(tree, tmp_path):
    path = tmp_path / "villages.txt"
    path.write_text("code,name\n520402005003,新村\n", encoding="utf-8")
    assert rejected(path) == str(UNSUPPORTED_FILE % {"name": "villages.txt"})


def test_missing_file(tree, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        run_import(tmp_path / "nope.csv")


def test_import_by_a_county_officer_stays_in_scope(tree):
    """Through the service with an actor: rows outside the actor's county are refused."""
    from tests.factories import make_member
    from warmwinter.core.errors import DomainError

    officer = make_member("county_officer", "520402000000")
    content = "code,name\n520402005003,新村\n520403100201,平坝新村\n".encode()
    with pytest.raises(DomainError) as caught:
        services.regions_import(actor=officer, name="mixed.csv", content=content)
    assert caught.value.errors == [row_error(3, "code", services.OUTSIDE_SCOPE)]
    assert not Region.objects.filter(code="520402005003").exists()

    services.regions_import(actor=officer, name="mine.csv", content=content.split(b"\n520403")[0])
    event = Event.objects.get(action="region.import")
    assert (event.actor_name, event.role) == (officer.username, "county_officer")
