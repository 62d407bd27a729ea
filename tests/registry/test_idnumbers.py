"""Resident ID numbers (GB 11643): what is accepted, what is refused with which Chinese message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import make_member
from tests.registry.factories import make_household, person_input
from warmwinter.accounts.roles import Role
from warmwinter.registry import idnumbers, services
from warmwinter.registry.idnumbers import IdNumberError, mask, parse, with_check_digit
from warmwinter.registry.validation import BIRTH_MISMATCH, GENDER_MISMATCH, PersonInput, check_person

EXAMPLE = "11010519491231002X"  # the standard's own example: a woman born 1949-12-31, check digit X


def refused(raw, **kwargs) -> str:
    with pytest.raises(IdNumberError) as caught:
        parse(raw, **kwargs)
    return str(caught.value)


def test_a_valid_number_tells_birth_date_and_gender():
    info = parse(EXAMPLE)
    assert info.number == EXAMPLE
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == "F"  # 17th digit 2 is even
    male = parse(with_check_digit("52040219500301001"))
    assert male.gender == "M" and male.birth_date == date(1950, 3, 1)


def test_wrong_check_digit_names_the_right_one():
    wrong = EXAMPLE[:17] + "5"
    assert refused(wrong) == "身份证号校验位错误（应为 X）"
    valid = with_check_digit("52040219500301001")
    bad_digit = str((int(valid[-1]) + 1) % 10) if valid[-1] != "X" else "0"
    assert refused(valid[:17] + bad_digit) == f"身份证号校验位错误（应为 {valid[-1]}）"


def test_lowercase_x_and_full_width_digits_are_accepted():
    assert parse(EXAMPLE.lower()).number == EXAMPLE
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert parse(full_width).number == EXAMPLE
    assert parse("１１０１０５１９４９１２３１００２ｘ").number == EXAMPLE
    assert parse(f" {EXAMPLE[:6]} {EXAMPLE[6:]}\u3000").number == EXAMPLE  # stray spaces, ideographic space


@pytest.mark.parametrize(("raw", "length"), [
    ("110105491231002", 15),  # first-generation 15-digit number: must be converted to 18 first
    (EXAMPLE[:17], 17),  # check digit missing
    (EXAMPLE + "1", 19),
])
def test_wrong_length_is_refused_with_the_length(raw, length):
    assert refused(raw) == f"身份证号应为 18 位（现为 {length} 位）"


def test_letters_inside_the_number_are_refused():
    assert refused("1101051949123100AX") == "身份证号只能由数字和末位 X 组成"


def test_impossible_birth_date_is_refused():
    number = with_check_digit("52040219500230001")  # 30 February 1950
    assert refused(number) == "身份证号中的出生日期 19500230 不存在"


def test_birth_date_in_the_future_is_refused():
    tomorrow = date.today() + timedelta(days=1)
    number = with_check_digit(f"520402{tomorrow:%Y%m%d}001")
    assert refused(number) == "身份证号中的出生日期晚于今天"
    assert parse(number, today=tomorrow).birth_date == tomorrow


@pytest.mark.parametrize("cell", [
    520402195003010010,  # an int read from a number cell
    5.20402195003e17,  # a float, as openpyxl returns it
    "5.20402E+17",  # shown in scientific notation, then copied as text
    "520402195003010000.0",
])
def test_number_cell_that_lost_its_digits_is_reported_as_such(cell):
    message = refused(cell)
    assert message.startswith("身份证号在 Excel 中被存成了数字，末几位已丢失")
    assert "请把该列设为文本后重新填写" in message


def test_an_elderly_person_s_number_from_a_region_code_that_no_longer_exists_is_accepted(tree):
    # 522501 was 安顺地区's code until 2000 (now 520400 安顺市): real numbers of people born before
    # then still carry it.
    number = with_check_digit("52250119400101001")
    assert parse(number).birth_date == date(1940, 1, 1)
    household = make_household()
    clerk = make_member(Role.VILLAGE_CLERK, household.region_id)
    person = services.person_register(actor=clerk, household=household, data=person_input(name="老人", id_number=number))
    assert person.id_number() == number and person.birth_date == date(1940, 1, 1)


def test_mask_keeps_the_first_four_and_last_four():
    assert mask("52040219500101123X") == "5204**********123X"
    assert mask(EXAMPLE) == "1101**********002X"
    assert mask("") == ""


def test_clean_keeps_other_characters_for_the_error():
    assert idnumbers.clean(" 11010519491231002x ") == EXAMPLE
    assert idnumbers.clean("1101-0519") == "1101-0519"


def test_gender_and_birth_date_are_cross_checked_against_the_number():
    result = check_person(PersonInput(name="王芳", id_number=EXAMPLE, gender="男", birth_date="1949-12-30"))
    assert dict(result.errors) == {
        "gender": str(GENDER_MISMATCH % {"given": "男", "derived": "女"}),
        "birth_date": str(BIRTH_MISMATCH % {"given": "1949-12-30", "derived": "1949-12-31"}),
    }
    agreeing = check_person(PersonInput(name="王芳", id_number=EXAMPLE.lower(), gender="女", birth_date="1949年12月31日"))
    assert agreeing.errors == []
    assert (agreeing.id_number, agreeing.gender, agreeing.birth_date) == (EXAMPLE, "F", date(1949, 12, 31))
