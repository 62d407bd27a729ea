"""Good ledgers in the shapes clerks make them: what lands in the registry."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.factories import make_member
from tests.registry.ledger_files import (
    CHILD_2, COL, HEAD_1, HEAD_2, HEADER, TITLE, WIFE_1, ledger_rows, registry_counts, write_csv, write_xls, write_xlsx,
)
from warmwinter.audit.models import Event
from warmwinter.audit.verify import chain_verify
from warmwinter.registry import protection
from warmwinter.registry.choices import Relation
from warmwinter.registry.ledger import LedgerResult, ledger_import
from warmwinter.registry.models import CategoryAssignment, Household, Person

COUNTY = "520402"


def person(number: str) -> Person:
    return Person.objects.select_related("household").get(id_number_hash=protection.lookup_hash(number))


def imported(path, **kwargs) -> LedgerResult:
    kwargs.setdefault("region_code", COUNTY)
    return ledger_import(actor=kwargs.pop("actor", None), file_name=kwargs.pop("name", path.name), path=path, **kwargs)


def assert_two_households():
    head1, wife1, head2, child2 = person(HEAD_1), person(WIFE_1), person(HEAD_2), person(CHILD_2)
    assert head1.household_id == wife1.household_id != head2.household_id == child2.household_id
    assert head1.household.head_id == head1.pk and head2.household.head_id == head2.pk
    assert (head1.region_id, head2.region_id) == ("520402005001", "520402005002")
    assert (wife1.relation, child2.relation) == (Relation.SPOUSE, Relation.CHILD)
    assert head1.household.address == "金钟社区2组15号" and head1.household.phone == "13800000001"
    assert wife1.name_pinyin == "lixiuying" and wife1.name_initials == "lxy"
    assert wife1.id_number() == WIFE_1 and wife1.id_number_masked == WIFE_1[:4] + "*" * 10 + WIFE_1[-4:]
    assert (child2.gender, child2.birth_date, child2.notes) == ("F", date(1995, 5, 20), "肢体残疾")


@pytest.fixture
def ledger(tree, tmp_path):
    """The ledger as an xlsx with a second title row and 户主姓名 / 家庭住址 / 序号 merged down each household."""
    rows = ledger_rows()
    rows.insert(1, ["填报单位：东关街道民政办", "", "", "", "", "", "", "", "填报日期：2025年11月"])
    for row in (rows[4], rows[6]):  # member rows: merged cells are empty but for the first
        for column in ("序号", "户主姓名", "家庭住址"):
            row[COL[column]] = None
    merges = ["A4:A5", "B4:B5", "I4:I5", "A6:A7", "B6:B7", "I6:I7"]
    return write_xlsx(tmp_path / "东关街道台账.xlsx", rows, merges)


def test_xlsx_with_two_title_rows_and_merged_head_cells(ledger):
    result = imported(ledger)
    assert result == LedgerResult(rows=4, households_created=2, households_updated=0, persons_created=4, persons_updated=0,
                                  unchanged=0, dry_run=False, categories_added=2)
    assert_two_households()
    assert person(WIFE_1).household.address == "金钟社区2组15号"  # from the merged cell


def test_categories_from_the_ledger(ledger):
    imported(ledger)
    today = date.today()
    dibao = CategoryAssignment.objects.get(person=person(HEAD_1))
    disabled = CategoryAssignment.objects.get(person=person(CHILD_2))
    assert (dibao.category_id, dibao.grade, dibao.valid_from, dibao.valid_to) == ("dibao", None, today, None)
    assert (disabled.category_id, disabled.grade, disabled.region_id) == ("disabled", 2, "520402005002")
    assert dibao.source == "台账导入：东关街道台账.xlsx"


def test_one_summary_event_with_counts_and_the_files_sha256(ledger):
    import hashlib

    imported(ledger)
    event = Event.objects.get()
    assert event.action == "ledger.import" and event.region_code == "520402000000" and event.actor_name == "system"
    assert event.changes["sha256"] == [None, hashlib.sha256(ledger.read_bytes()).hexdigest()]
    assert event.changes["persons_created"] == [None, 4] and event.changes["file"] == [None, "东关街道台账.xlsx"]
    assert chain_verify().ok


def test_importing_the_same_file_again_changes_nothing_and_writes_no_event(ledger):
    imported(ledger)
    before = registry_counts()
    versions = list(Person.objects.order_by("id").values_list("version", "updated_at"))
    again = imported(ledger)
    assert again == LedgerResult(rows=4, households_created=0, households_updated=0, persons_created=0, persons_updated=0,
                                 unchanged=4, dry_run=False, categories_added=0)
    assert registry_counts() == before
    assert list(Person.objects.order_by("id").values_list("version", "updated_at")) == versions


def test_an_updated_ledger_updates_in_place_with_one_event_per_change(ledger, tmp_path):
    imported(ledger)
    households, ids = Household.objects.count(), set(Person.objects.values_list("id", flat=True))
    rows = ledger_rows()
    rows[3][COL["联系电话"]] = "13700000000"  # 李秀英 got a phone
    rows[3][COL["人员类别"]] = "留守老人"       # and a category
    rows[4][COL["家庭住址"]] = "东关社区6号"    # 王建国's household moved house
    rows[5][COL["姓名"]] = "王芳芳"             # a corrected name
    result = imported(write_xlsx(tmp_path / "台账（更新）.xlsx", rows))
    assert result == LedgerResult(rows=4, households_created=0, households_updated=1, persons_created=0, persons_updated=2,
                                  unchanged=2, dry_run=False, categories_added=1)
    assert Household.objects.count() == households and set(Person.objects.values_list("id", flat=True)) == ids
    wife, child = person(WIFE_1), person(CHILD_2)
    assert wife.phone == "13700000000" and wife.version == 2 and child.name == "王芳芳" and child.name_pinyin == "wangfangfang"
    assert child.household.address == "东关社区6号"
    updates = {e.object_id: e for e in Event.objects.filter(action="person.update")}
    assert updates[str(wife.pk)].changes == {"phone": ["", "13700000000"], "categories": [None, "留守老人"]}
    assert updates[str(child.pk)].changes == {"name": ["王芳", "王芳芳"]}
    household = Event.objects.get(action="household.update")
    assert household.changes == {"address": ["东关社区5号", "东关社区6号"]} and household.object_id == str(child.household_id)
    assert Event.objects.filter(action="ledger.import").count() == 2
    for event in Event.objects.all():
        text = str(event.changes)
        assert all(number not in text for number in (HEAD_1, WIFE_1, HEAD_2, CHILD_2)), "never the ID number"
    assert chain_verify().ok


def test_empty_cells_never_clear_stored_values(ledger, tmp_path):
    imported(ledger)
    rows = ledger_rows()
    rows[2][COL["联系电话"]] = ""
    rows[2][COL["家庭住址"]] = ""
    rows[3][COL["家庭住址"]] = ""
    assert imported(write_xlsx(tmp_path / "台账2.xlsx", rows)).unchanged == 4
    assert person(HEAD_1).phone == "13800000001" and person(HEAD_1).household.address == "金钟社区2组15号"


def test_a_category_already_held_open_ended_is_not_added_again(ledger, tmp_path):
    imported(ledger)
    rows = ledger_rows()
    rows[2][COL["人员类别"]] = "低保户"  # an alias of 低保
    assert imported(write_xlsx(tmp_path / "台账2.xlsx", rows)).categories_added == 0
    assert CategoryAssignment.objects.filter(person=person(HEAD_1)).count() == 1


def test_dry_run_writes_nothing_but_counts(ledger):
    before = registry_counts()
    result = imported(ledger, dry_run=True)
    assert result == LedgerResult(rows=4, households_created=2, households_updated=0, persons_created=4, persons_updated=0,
                                  unchanged=0, dry_run=True, categories_added=2)
    assert registry_counts() == before


def test_dry_run_of_an_update_counts_the_changes(ledger, tmp_path):
    imported(ledger)
    before = registry_counts()
    rows = ledger_rows()
    rows[3][COL["联系电话"]] = "13700000000"
    rows.append([5, "王建国", "王小明", "孙子", "男", "", "", "", "", "东关社区", "", "", ""])
    from tests.registry.factories import id_number

    rows[-1][COL["身份证号码"]] = id_number(date(2015, 3, 3), "M")
    result = imported(write_xlsx(tmp_path / "台账2.xlsx", rows), dry_run=True)
    assert (result.persons_created, result.persons_updated, result.unchanged, result.households_created) == (1, 1, 3, 0)
    assert registry_counts() == before


def test_xls_from_excel_97_with_merged_cells(tree, tmp_path):
    rows = ledger_rows()
    rows[3][COL["户主姓名"]] = rows[5][COL["户主姓名"]] = ""
    rows[5][COL["出生日期"]] = datetime(1995, 5, 20)  # a real date cell
    path = write_xls(tmp_path / "台账.xls", rows, merges=[(2, 3, 1, 1), (4, 5, 1, 1)])
    assert imported(path).persons_created == 4
    assert_two_households()


def test_csv_in_gbk_with_a_title_row(tree, tmp_path):
    assert imported(write_csv(tmp_path / "台账.csv", ledger_rows(), encoding="gbk")).persons_created == 4
    assert_two_households()


def test_csv_in_utf8_with_bom(tree, tmp_path):
    assert imported(write_csv(tmp_path / "台账.csv", ledger_rows(), encoding="utf-8-sig")).persons_created == 4
    assert_two_households()


def test_full_width_digits_lowercase_x_and_stray_spaces(tree, tmp_path):
    from tests.registry.factories import id_number

    with_x = next(n for n in (id_number(date(1960, 1, 1), "M") for _ in range(40)) if n.endswith("X"))
    full_width = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
    rows = [["  序 号 ", "户主姓名", " 姓　名 ", "与户主关系", "性别", "身份证号码 ", "出生日期", "联系电话", "家庭住址",
             "村（社区）", "人员类别", "残疾等级", "备注"],
            [1, "", " 张　大山 ", " 户主", "男 ", " " + with_x[:6] + " " + with_x[6:].translate(full_width) + " ", "1960/1/1",
             " 138 0000 0001 ", " 金钟社区 ", "  金钟社区居民委员会 ", " 低保 ", "", ""]]
    assert imported(write_csv(tmp_path / "台账.csv", rows)).persons_created == 1
    created = person(with_x)
    assert created.name == "张大山" and created.relation == Relation.HEAD and created.region_id == "520402005001"


def test_village_by_code_and_township_telling_same_names_apart(tree, tmp_path):
    from tests.factories import region

    region("520402001009", "金钟社区居民委员会")  # the same name in 南街街道
    rows = ledger_rows()
    rows[1].insert(COL["村（社区）"], "乡镇")
    for row in rows[2:]:
        row.insert(COL["村（社区）"], "东关街道")
    rows[4][COL["村（社区）"] + 1] = rows[5][COL["村（社区）"] + 1] = "520402005002"
    assert imported(write_xlsx(tmp_path / "台账.xlsx", rows)).persons_created == 4
    assert_two_households()


def test_a_village_region_needs_no_village_column(tree, tmp_path):
    rows = [[cell for index, cell in enumerate(row) if index != COL["村（社区）"]] for row in ledger_rows()[:4]]
    result = imported(write_xlsx(tmp_path / "台账.xlsx", rows), region_code="520402005001")
    assert result.persons_created == 2 and person(WIFE_1).region_id == "520402005001"


def test_households_follow_the_head_rows_without_a_head_name_column(tree, tmp_path):
    rows = [[cell for index, cell in enumerate(row) if index != COL["户主姓名"]] for row in ledger_rows()]
    imported(write_csv(tmp_path / "台账.csv", rows))
    assert_two_households()


def test_households_by_head_name_without_a_relation_column(tree, tmp_path):
    rows = [[cell for index, cell in enumerate(row) if index != COL["与户主关系"]] for row in ledger_rows()]
    imported(write_csv(tmp_path / "台账.csv", rows))
    head1, wife1 = person(HEAD_1), person(WIFE_1)
    assert head1.household_id == wife1.household_id != person(HEAD_2).household_id
    assert head1.relation == Relation.HEAD and wife1.relation == Relation.OTHER and head1.household.head_id == head1.pk


def test_without_any_household_column_each_row_is_a_household(tree, tmp_path):
    drop = {COL["户主姓名"], COL["与户主关系"]}
    rows = [[cell for index, cell in enumerate(row) if index not in drop] for row in ledger_rows()]
    assert imported(write_csv(tmp_path / "台账.csv", rows)).households_created == 4
    assert person(WIFE_1).relation == Relation.HEAD


def test_a_person_moves_to_the_household_of_the_new_ledger(ledger, tmp_path):
    imported(ledger)
    rows = ledger_rows()
    rows[5][COL["户主姓名"]] = "王芳"  # the daughter now heads her own household
    rows[5][COL["与户主关系"]] = "户主"
    result = imported(write_xlsx(tmp_path / "分户.xlsx", rows))
    assert (result.households_created, result.persons_updated) == (1, 1)
    child = person(CHILD_2)
    assert child.household_id != person(HEAD_2).household_id and child.household.head_id == child.pk
    changes = Event.objects.get(action="person.update").changes
    assert set(changes) == {"household_id", "relation"} and changes["relation"] == ["child", "head"]


def test_repeated_header_rows_and_footer_rows_are_skipped(tree, tmp_path):
    rows = ledger_rows()
    rows.insert(4, list(HEADER))  # printed page by page
    rows.append(["填表人：杨协理", "", "", "", "", "", "", "", "审核人：刘助理员"])
    assert imported(write_xlsx(tmp_path / "台账.xlsx", rows)).persons_created == 4


def test_a_village_clerk_imports_into_their_village(tree, tmp_path):
    clerk = make_member("village_clerk", "520402005001", username="yang")
    rows = ledger_rows()[:4]
    result = imported(write_xlsx(tmp_path / "台账.xlsx", rows), actor=clerk, region_code="520402005001")
    assert result.persons_created == 2
    event = Event.objects.get()
    assert (event.actor_name, event.role, event.region_code) == ("yang", "village_clerk", "520402005001")


def test_title_only_header_above_data_in_a_second_sheet(tree, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由村协理员填写"])
    sheet = book.create_sheet("台账")
    for row in ledger_rows():
        sheet.append(row)
    book.save(tmp_path / "台账.xlsx")
    assert imported(tmp_path / "台账.xlsx").persons_created == 4
    assert TITLE[0] in ledger_rows()[0][0]


def test_numbers_where_clerks_type_them(tree, tmp_path):
    rows = ledger_rows()
    rows[2][COL["出生日期"]] = 19500301           # a date typed into a number cell
    rows[3][COL["出生日期"]] = 1952.07            # 出生年月 as a number
    rows[2][COL["联系电话"]] = 13800000001        # a phone number as a number
    rows[5][COL["人员类别"]] = "残疾人（二级）"   # the grade inside the category, as exports write it
    rows[5][COL["残疾等级"]] = ""
    assert imported(write_xlsx(tmp_path / "台账.xlsx", rows)).persons_created == 4
    assert person(HEAD_1).phone == "13800000001"
    assert CategoryAssignment.objects.get(person=person(CHILD_2)).grade == 2
