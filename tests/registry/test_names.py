"""Names as people search them: pinyin, initials, surnames read as surnames."""

from __future__ import annotations

import pytest

from warmwinter.registry.names import clean_name, initials, pinyin


def test_everyday_names():
    assert pinyin("张伟") == "zhangwei"
    assert initials("张伟") == "zw"
    assert initials("欧阳娜娜") == "oynn"


@pytest.mark.parametrize(("name", "full", "short"), [
    ("单田芳", "shantianfang", "stf"),  # not dan
    ("曾国藩", "zengguofan", "zgf"),  # not ceng
    ("解缙", "xiejin", "xj"),  # not jie
    ("仇英", "qiuying", "qy"),  # not chou
    ("区小梅", "ouxiaomei", "oxm"),  # not qu
    ("朴树", "piaoshu", "ps"),  # not pu
    ("覃海", "qinhai", "qh"),  # not tan
    ("查良镛", "zhaliangyong", "zly"),  # not cha
    ("乐嘉", "yuejia", "yj"),  # not le
])
def test_surnames_read_as_surnames(name, full, short):
    assert pinyin(name) == full
    assert initials(name) == short


def test_the_same_character_inside_a_given_name_keeps_its_everyday_reading():
    assert pinyin("张单") == "zhangdan"
    assert pinyin("李乐") == "lile"


def test_compound_surnames():
    assert pinyin("尉迟恭") == "yuchigong"
    assert initials("尉迟恭") == "ycg"


def test_stray_spaces_do_not_make_another_name():
    assert clean_name(" 张 伟\u3000") == "张伟"
    assert pinyin(clean_name("张 伟")) == "zhangwei"
    assert pinyin("") == "" and initials("") == ""
