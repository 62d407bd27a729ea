"""Resident ID numbers (公民身份号码, GB 11643): cleaning, checking, and what they tell.

The check digit and the birth date are checked (python-stdnum's helpers). The region part is
deliberately NOT checked against today's division table: elderly people's numbers carry
codes of counties that have since been merged or renamed, and they are real.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")
ID_BAD_LENGTH = _("身份证号应为 18 位（现为 %(length)s 位）")
ID_BAD_CHARS = _("身份证号只能由数字和末位 X 组成")
ID_BAD_DATE = _("身份证号中的出生日期 %(text)s 不存在")
ID_FUTURE_DATE = _("身份证号中的出生日期晚于今天")
ID_BAD_CHECK = _("身份证号校验位错误（应为 %(expected)s）")
ID_LOST_DIGITS = _("身份证号在 Excel 中被存成了数字，末几位已丢失（%(text)s）：请把该列设为文本后重新填写")

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    gender: str  # "M" / "F" from the 17th digit


class IdNumberError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def clean(raw) -> str:
    """Strip spaces, full-width digits and a lowercase x; keep anything else for the error."""
    text = str(raw if raw is not None else "").translate(FULL_WIDTH)
    return re.sub(r"[\s\u3000'’‘]", "", text).upper()


def parse(raw, *, today: date | None = None) -> IdInfo:
    """Validate and explain one ID number, or raise IdNumberError with a Chinese message."""
    text = clean(raw)
    # Excel keeps 15 significant digits: an ID typed into a number cell has lost its tail for
    # good (shown as 5.20402E+17 or ending in 000). Say so rather than "bad check digit".
    if (isinstance(raw, (int, float)) and not isinstance(raw, bool)) or _SCIENTIFIC.match(text):
        raise IdNumberError(ID_LOST_DIGITS % {"text": text})
    if text.endswith(".0") and text[:-2].isdigit():
        raise IdNumberError(ID_LOST_DIGITS % {"text": text})
    if len(text) != 18:
        raise IdNumberError(ID_BAD_LENGTH % {"length": len(text)})
    if not (text[:17].isdigit() and (text[17].isdigit() or text[17] == "X")):
        raise IdNumberError(ID_BAD_CHARS)
    try:
        birth = ric.get_birth_date(text)
    except Exception:
        raise IdNumberError(ID_BAD_DATE % {"text": text[6:14]}) from None
    if birth > (today or date.today()):
        raise IdNumberError(ID_FUTURE_DATE)
    expected = ric.calc_check_digit(text)
    if text[17] != expected:
        raise IdNumberError(ID_BAD_CHECK % {"expected": expected})
    return IdInfo(number=text, birth_date=birth, gender="M" if int(text[16]) % 2 else "F")


def mask(number: str) -> str:
    """5204**********123X: enough to tell two people apart on a list, not enough to use."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def with_check_digit(first17: str) -> str:
    """A valid number from its first 17 digits (tests, demo and benchmark data)."""
    return first17 + ric.calc_check_digit(first17 + "0")  # stdnum reads the first 17 of 18
