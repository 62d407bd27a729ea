"""A realistic ledger for the demo county, written the way village clerks write theirs.

Deterministic (seeded), so `warmwinter demo` run twice produces the same file and the import
changes nothing the second time.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from warmwinter.registry.idnumbers import with_check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢宋唐韩冯邓曹彭曾田萧潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
GIVEN = "文华明国建平志伟芳秀英兰玉红梅丽军强勇杰涛斌超刚海波云霞燕娟琴敏静婷雪飞鹏宇浩俊德福贵荣昌祥寿春秋冬梅桂珍凤翠花"
RELATIONS_CHILD = ["长子", "次子", "长女", "次女", "子", "女"]
CATEGORY_CHOICES = [
    ("低保", None, 30), ("特困（分散供养）", None, 6), ("残疾人", "grade", 10), ("留守老人", None, 8),
    ("空巢/独居老人", None, 6), ("留守儿童", None, 5), ("脱贫不稳定户", None, 4), ("受灾户", None, 3),
]
HOUSING = ["安全", "安全", "安全", "老旧", "危房"]
HEATING = ["燃煤炉", "燃煤炉", "电取暖", "柴草/生物质", "煤改电", "无取暖设施"]
HEADER = ["序号", "户主姓名", "姓名", "与户主关系", "性别", "身份证号码", "出生日期", "人员类别", "残疾等级",
          "联系电话", "乡镇（街道）", "村（社区）", "家庭住址", "住房状况", "取暖方式", "备注"]


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _id(rng: random.Random, county: str, born: date, male: bool, serial: set[str]) -> str:
    while True:
        order = rng.randrange(0, 99) * 10 + (rng.choice((1, 3, 5, 7, 9)) if male else rng.choice((0, 2, 4, 6, 8)))
        number = with_check_digit(f"{county}{born:%Y%m%d}{order:03d}")
        if number not in serial:
            serial.add(number)
            return number


def demo_rows(villages: list[tuple[str, str, str]], *, households_per_village: int = 12, seed: int = 520402) -> list[list]:
    """Rows of a 台账 sheet: one row per person, households grouped under their head.

    `villages` holds (code, name, township name): village names repeat within a county.
    """
    rng = random.Random(seed)
    used: set[str] = set()
    rows, serial = [], 0
    for village_code, village_name, township_name in villages:
        for h in range(households_per_village):
            serial += 1
            surname = rng.choice(SURNAMES)
            head_male = rng.random() < 0.8
            head_born = date(rng.randint(1935, 1980), 1, 1) + timedelta(days=rng.randrange(365))
            head = _name(rng, surname)
            address = f"{village_name.replace('居民委员会', '').replace('村民委员会', '')}{rng.randint(1, 9)}组{rng.randint(1, 60)}号"
            housing, heating = rng.choice(HOUSING), rng.choice(HEATING)
            members = [(head, "户主", head_male, head_born)]
            if rng.random() < 0.7:
                members.append((_name(rng), "配偶", not head_male, head_born + timedelta(days=rng.randint(-1500, 1500))))
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                born = head_born + timedelta(days=rng.randint(20 * 365, 32 * 365))
                if born > date(2024, 1, 1):
                    continue
                male = rng.random() < 0.5
                members.append((_name(rng, surname), rng.choice(RELATIONS_CHILD[:4]) if rng.random() < 0.5 else ("子" if male else "女"), male, born))
            phone = f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}"
            for index, (name, relation, male, born) in enumerate(members):
                if relation in ("长子", "次子"):
                    male = True
                elif relation in ("长女", "次女"):
                    male = False
                category, grade = "", ""
                if index == 0 or rng.random() < 0.15:
                    label, needs_grade, weight = rng.choice(CATEGORY_CHOICES)
                    if rng.randrange(100) < weight * 2:
                        category = label
                        grade = rng.randint(1, 4) if needs_grade else ""
                rows.append([
                    serial, head, name, relation, "男" if male else "女", _id(rng, village_code[:6], born, male, used),
                    born.isoformat(), category, grade, phone if index == 0 else "", township_name, village_name, address, housing, heating, "",
                ])
    _add_double_registration(rows, rng, used)
    return rows


def _add_double_registration(rows: list[list], rng: random.Random, used: set[str]) -> None:
    """Real ledgers hold people registered twice: the first head of the first village moved in
    with a child in the last village, and was registered there again with a mistyped ID
    number. Same name and birth date in one county, so de-duplication proposes the pair."""
    if len(rows) < 2:
        return
    first, last = rows[0], rows[-1]
    born = date.fromisoformat(first[6])
    copy = list(last)
    copy[2], copy[3], copy[4], copy[6], copy[7], copy[8], copy[9] = first[2], "父母", first[4], first[6], "", "", ""
    copy[5] = _id(rng, last[5][:6], born, first[4] == "男", used)
    copy[15] = "与子女同住"
    rows.append(copy)


def write_demo_ledger(path: Path, *, title: str, villages: list[tuple[str, str, str]], households_per_village: int = 12) -> Path:
    """The ledger as an .xlsx the way clerks make them: a title row, a unit row, the head's name
    and the 序号 merged down over each household's rows."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    rows = demo_rows(villages, households_per_village=households_per_village)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["填报单位：西秀区民政局", "", "", "", "", "", "", "", "", "", "", "", f"填报日期：{date(2026, 11, 20):%Y年%m月%d日}"])
    sheet.append(HEADER)
    start = 4
    for row in rows:
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=6).number_format = "@"
    # merge 序号 and 户主姓名 down over each household, as clerks do
    row_index, current = start, None
    group_start = start
    for offset, row in enumerate(rows + [[None]]):
        key = row[0]
        if key != current:
            if current is not None and row_index - 1 > group_start:
                for column in (1, 2):
                    sheet.merge_cells(start_row=group_start, start_column=column, end_row=row_index - 1, end_column=column)
            current, group_start = key, row_index
        row_index += 1
    for column, width in zip("ABCDEFGHIJKLMNOP", (6, 10, 10, 10, 6, 22, 12, 16, 8, 14, 12, 22, 24, 10, 12, 10)):
        sheet.column_dimensions[column].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
