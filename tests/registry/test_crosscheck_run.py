"""Cross-checking the registry with an outside list (信息比对): matching, idempotency, bad cells."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, PINGBA_VILLAGE, VILLAGE, id_number, make_person
from warmwinter.audit.models import Event
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.registry.crosscheck import read_list
from warmwinter.registry.models import CrosscheckFlag
from warmwinter.registry.services_dedupe import crosscheck_run

pytestmark = pytest.mark.django_db


def _csv(*lines: str, encoding="utf-8") -> bytes:
    return "\n".join(lines).encode(encoding)


def _xlsx(*rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def people(tree):
    return {
        "dead": make_person(name="王老汉", id_number=id_number(birth_date=date(1935, 2, 3))),
        "alive": make_person(name="李大娘", id_number=id_number(birth_date=date(1940, 7, 8))),
        "nanjie": make_person(name="赵大爷", region_code=NANJIE_VILLAGE, id_number=id_number(birth_date=date(1938, 1, 1))),
        "pingba": make_person(name="周奶奶", region_code=PINGBA_VILLAGE, id_number=id_number(birth_date=date(1936, 6, 6), region6="520403")),
    }


def _death_list(people, *extra) -> bytes:
    stranger = id_number(birth_date=date(1930, 1, 1))
    return _xlsx(
        ("西秀区2025年11月死亡人员名单",),  # a title row above the header
        ("序号", "姓名", "公民身份号码", "死亡日期"),
        (1, "王老汉", people["dead"].id_number(), date(2025, 11, 2)),
        (2, "赵大爷", people["nanjie"].id_number().lower(), "2025年10月30日"),
        (3, "孙某", stranger, "2025-11-05"),
        *extra,
    )


def test_deceased_list_flags_the_right_persons(people):
    result = crosscheck_run(actor=None, kind="deceased", file_name="死亡名单.xlsx", content=_death_list(people), source="县公安局 2025-11")

    assert (result.rows, result.matched, result.unmatched, result.flagged) == (3, 2, 1, 2)
    flags = {f.person.name: f for f in CrosscheckFlag.objects.select_related("person")}
    assert set(flags) == {"王老汉", "赵大爷"}
    assert flags["王老汉"].detail == "2025-11-02"
    assert flags["赵大爷"].detail == "2025-10-30"
    assert (flags["王老汉"].kind, flags["王老汉"].source, flags["王老汉"].region_id, flags["王老汉"].status) == ("deceased", "县公安局 2025-11", VILLAGE, "open")
    people["dead"].refresh_from_db()
    assert people["dead"].alive  # nothing changes on the person until someone reviews


def test_running_the_same_list_twice_adds_nothing(people):
    crosscheck_run(actor=None, kind="deceased", file_name="死亡名单.xlsx", content=_death_list(people), source="公安")
    again = crosscheck_run(actor=None, kind="deceased", file_name="死亡名单.xlsx", content=_death_list(people), source="公安")

    assert (again.matched, again.flagged, again.already) == (2, 0, 2)
    assert CrosscheckFlag.objects.count() == 2
    assert Event.objects.filter(action="crosscheck.run").count() == 2


def test_one_audit_event_per_run_with_the_counts(people):
    crosscheck_run(actor=None, kind="deceased", file_name="死亡名单.xlsx", content=_death_list(people))

    [event] = Event.objects.filter(action="crosscheck.run")
    assert event.changes["matched"] == [None, 2]
    assert event.changes["unmatched"] == [None, 1]
    assert event.changes["source"] == [None, "死亡名单.xlsx"]  # the file name when no source is given


def test_a_bad_id_cell_is_reported_by_row_and_column_and_nothing_is_written(people):
    content = _death_list(people, (4, "钱某", "520402193001011235", "2025-11-06"), (5, "吴某", "", "2025-11-07"))

    with pytest.raises(DomainError) as caught:
        crosscheck_run(actor=None, kind="deceased", file_name="死亡名单.xlsx", content=content)

    assert str(caught.value.message) == "比对名单有 2 处错误，未进行比对。请改正后重新上传。"
    assert caught.value.errors == [
        "第 6 行，C 列（公民身份号码）：身份证号校验位错误（应为 9）",
        "第 7 行，C 列（公民身份号码）：身份证号为空",
    ]
    assert not CrosscheckFlag.objects.exists()
    assert not Event.objects.filter(action="crosscheck.run").exists()


def test_an_unreadable_death_date_is_a_cell_error(people):
    content = _csv("姓名,身份证号,死亡日期", f"王老汉,{people['dead'].id_number()},去年冬天")

    with pytest.raises(DomainError) as caught:
        crosscheck_run(actor=None, kind="deceased", file_name="list.csv", content=content)

    assert caught.value.errors == ["第 2 行，C 列（死亡日期）：死亡日期“去年冬天”无法识别（请写成 2024-01-31 或 20240131）"]
    assert not CrosscheckFlag.objects.exists()


def test_a_list_without_an_id_column_is_rejected(people):
    with pytest.raises(DomainError, match="没有找到身份证号列"):
        crosscheck_run(actor=None, kind="vehicle_owner", file_name="cars.csv", content=_csv("姓名,车牌号", "王老汉,贵G12345"))


def test_gbk_csv_of_vehicle_owners_with_a_name_mismatch_note(people):
    content = _csv("姓名,身份证号码,车牌号", f"李大妈,{people['alive'].id_number()},贵G12345", ",,", "填表人：张三,,", encoding="gbk")

    result = crosscheck_run(actor=None, kind="vehicle_owner", file_name="cars.csv", content=content, source="车管所")

    assert (result.rows, result.matched, result.flagged) == (1, 1, 1)
    assert CrosscheckFlag.objects.get().detail == "贵G12345（名单姓名：李大妈）"


def test_someone_already_recorded_as_deceased_is_not_flagged(people):
    people["dead"].alive, people["dead"].death_date = False, date(2025, 11, 2)
    people["dead"].save()

    result = crosscheck_run(actor=None, kind="deceased", file_name="死亡名单.xlsx", content=_death_list(people))

    assert (result.matched, result.flagged, result.already) == (2, 1, 1)
    assert list(CrosscheckFlag.objects.values_list("person__name", flat=True)) == ["赵大爷"]


def test_an_officer_compares_only_their_own_region(people):
    officer = make_member("township_officer", "520402005")

    result = crosscheck_run(actor=officer, kind="deceased", file_name="死亡名单.xlsx", content=_death_list(people), region_code="520402005")

    assert (result.matched, result.unmatched) == (1, 2)  # 赵大爷 lives in 南街街道
    assert list(CrosscheckFlag.objects.values_list("person__name", flat=True)) == ["王老汉"]
    [event] = Event.objects.filter(action="crosscheck.run")
    assert (event.actor, event.role, event.region_code) == (officer, "township_officer", "520402005000")


def test_an_officer_cannot_compare_outside_their_scope(people):
    officer = make_member("township_officer", "520402005")
    with pytest.raises(NotFound):
        crosscheck_run(actor=officer, kind="deceased", file_name="x.xlsx", content=_death_list(people), region_code="520402001")
    assert not CrosscheckFlag.objects.exists()


def test_header_aliases_spaces_and_footers(tree):
    number = id_number(birth_date=date(1960, 1, 1))
    spaced = f"{number[:6]} {number[6:14]} {number[14:-1]}{number[-1].lower()}"
    content = _csv("财政供养人员名单", "序号,姓 名,身份证号 ,工作单位", f"1,张三,{spaced},县一中", "2,,,", "合计,1 人,,", "填表人：李四,,,")

    outside = read_list("list.csv", content, kind="public_servant")

    assert outside.errors == []
    [row] = outside.rows
    assert (row.row, row.name, row.id_number, row.detail) == (3, "张三", number.upper(), "县一中")


def test_command_prints_counts_and_reports_bad_cells(people, tmp_path, capsys):
    good = tmp_path / "死亡名单.xlsx"
    good.write_bytes(_death_list(people))
    call_command("crosscheck", str(good), "--kind", "deceased", "--source", "县公安局")
    out = capsys.readouterr().out
    assert "3 ID numbers in the list: 2 matched, 1 unmatched; 2 new flags for review" in out

    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("姓名,身份证号", "某某,52040219300101123"))
    with pytest.raises(CommandError) as caught:
        call_command("crosscheck", str(bad), "--kind", "public_servant")
    assert "第 2 行，B 列（身份证号）：身份证号应为 18 位（现为 17 位）" in str(caught.value)
    assert CrosscheckFlag.objects.count() == 2
