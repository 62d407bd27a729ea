"""Field rules for a person, shared by the forms, the API and the ledger import.

Each check returns cleaned values and a list of (field, message) so a form can show every
problem at once and an import can name row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from warmwinter.registry import idnumbers
from warmwinter.registry.choices import Gender, Relation
from warmwinter.registry.names import clean_name

NAME_REQUIRED = _("姓名不能为空")
NAME_TOO_LONG = _("姓名不能超过 50 个字")
GENDER_UNKNOWN = _("性别应为“男”或“女”")
GENDER_MISMATCH = _("性别“%(given)s”与身份证号（%(derived)s）不符")
BIRTH_UNREADABLE = _("出生日期“%(text)s”无法识别（请写成 1950-01-31 或 19500131）")
BIRTH_MISMATCH = _("出生日期 %(given)s 与身份证号中的 %(derived)s 不符")
BIRTH_OR_ID_REQUIRED = _("没有身份证号时，须填写性别和出生日期")
PHONE_INVALID = _("联系电话“%(text)s”格式不对")
RELATION_UNKNOWN = _("与户主关系“%(text)s”无法识别")
DEATH_BEFORE_BIRTH = _("死亡日期早于出生日期")

GENDER_WORDS = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE, "男性": Gender.MALE, "女性": Gender.FEMALE}
RELATION_WORDS = {
    Relation.HEAD: ("户主", "本人", "户主本人", "head"),
    Relation.SPOUSE: ("配偶", "妻", "妻子", "夫", "丈夫", "之妻", "之夫", "spouse"),
    Relation.CHILD: ("子", "女", "儿子", "女儿", "子女", "长子", "次子", "三子", "长女", "次女", "三女", "之子", "之女", "养子", "养女", "child"),
    Relation.PARENT: ("父", "母", "父亲", "母亲", "父母", "之父", "之母", "parent"),
    Relation.GRANDPARENT: ("祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "grandparent"),
    Relation.GRANDCHILD: ("孙", "孙子", "孙女", "外孙", "外孙子", "外孙女", "grandchild"),
    Relation.SIBLING: ("兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟姐妹", "sibling"),
    Relation.CHILD_IN_LAW: ("儿媳", "女婿", "媳妇", "child_in_law"),
    Relation.OTHER: ("其他", "other", "侄子", "侄女", "其他亲属"),
}
RELATION_LOOKUP = {word: relation for relation, words in RELATION_WORDS.items() for word in words}
_PHONE = re.compile(r"^[0-9+\-()（） ]{7,20}$")


@dataclass(frozen=True)
class PersonInput:
    """One person as it arrives from a form, the API or a ledger row."""

    name: str
    id_number: object = ""
    gender: str = ""
    birth_date: object = None
    relation: str = ""
    phone: str = ""
    alive: bool = True
    death_date: date | None = None
    notes: str = ""


@dataclass
class PersonClean:
    name: str
    id_number: str
    gender: str
    birth_date: date | None
    relation: str
    phone: str
    alive: bool
    death_date: date | None
    notes: str
    errors: list[tuple[str, str]] = field(default_factory=list)


def parse_date(value) -> date | None:
    """Dates as clerks type them: 1950-01-31, 1950/1/31, 1950.1.31, 19500131, 1950年1月31日, Excel dates."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse_relation(text: str) -> str | None:
    text = clean_name(text)
    if not text:
        return Relation.OTHER
    return RELATION_LOOKUP.get(text)


def check_person(data: PersonInput, *, today: date | None = None) -> PersonClean:
    errors: list[tuple[str, str]] = []
    name = clean_name(data.name)
    if not name:
        errors.append(("name", str(NAME_REQUIRED)))
    elif len(name) > 50:
        errors.append(("name", str(NAME_TOO_LONG)))

    info = None
    raw_id = data.id_number
    if raw_id not in (None, "") and idnumbers.clean(raw_id) != "":
        try:
            info = idnumbers.parse(raw_id, today=today)
        except idnumbers.IdNumberError as exc:
            errors.append(("id_number", str(exc.message)))

    gender_text = clean_name(data.gender).upper() if data.gender else ""
    gender = GENDER_WORDS.get(gender_text, GENDER_WORDS.get(clean_name(data.gender), "")) if gender_text else ""
    if gender_text and not gender:
        errors.append(("gender", str(GENDER_UNKNOWN)))
    if info and gender and gender != info.gender:
        errors.append(("gender", str(GENDER_MISMATCH % {"given": Gender(gender).label, "derived": Gender(info.gender).label})))

    birth = None
    try:
        birth = parse_date(data.birth_date)
    except (ValueError, TypeError):
        errors.append(("birth_date", str(BIRTH_UNREADABLE % {"text": data.birth_date})))
    if info and birth and birth != info.birth_date:
        errors.append(("birth_date", str(BIRTH_MISMATCH % {"given": birth.isoformat(), "derived": info.birth_date.isoformat()})))
    if info is None and not any(f == "id_number" for f, _ in errors) and (not gender or not birth):
        errors.append(("id_number", str(BIRTH_OR_ID_REQUIRED)))

    relation = parse_relation(data.relation or "")
    if relation is None:
        errors.append(("relation", str(RELATION_UNKNOWN % {"text": data.relation})))
    phone = str(data.phone or "").strip().replace("\u3000", "")
    if phone.endswith(".0") and phone[:-2].isdigit():
        phone = phone[:-2]
    if phone and not _PHONE.match(phone):
        errors.append(("phone", str(PHONE_INVALID % {"text": phone})))
    death = data.death_date
    birth_final = info.birth_date if info else birth
    if death and birth_final and death < birth_final:
        errors.append(("death_date", str(DEATH_BEFORE_BIRTH)))
    return PersonClean(
        name=name, id_number=info.number if info else "", gender=(info.gender if info else gender),
        birth_date=birth_final, relation=relation or Relation.OTHER, phone=phone,
        alive=data.alive and death is None, death_date=death, notes=str(data.notes or "").strip()[:500], errors=errors,
    )


