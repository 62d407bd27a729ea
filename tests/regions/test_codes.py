"""Statistical division codes: the level and the parent are read off the 12 digits."""

import pytest

from warmwinter.regions.codes import Level, in_subtree, is_valid, level_of, normalize, parent_code, prefix_of

CASES = [
    # code, level, parent, prefix
    ("520000000000", Level.PROVINCE, None, "52"),
    ("520400000000", Level.CITY, "520000000000", "5204"),
    ("520402000000", Level.COUNTY, "520400000000", "520402"),
    ("520402005000", Level.TOWNSHIP, "520402000000", "520402005"),
    ("520402005001", Level.VILLAGE, "520402005000", "520402005001"),
    ("130110000000", Level.COUNTY, "130100000000", "130110"),  # significant trailing zero
    ("500000000000", Level.PROVINCE, None, "50"),
    ("520402100200", Level.VILLAGE, "520402100000", "520402100200"),
]


@pytest.mark.parametrize("code, level, parent, prefix", CASES)
def test_level_parent_prefix(code, level, parent, prefix):
    assert level_of(code) == level
    assert parent_code(code) == parent
    assert prefix_of(code) == prefix


def test_walking_up_reaches_the_province():
    chain, code = [], "520402005001"
    while code:
        chain.append(code)
        code = parent_code(code)
    assert chain == ["520402005001", "520402005000", "520402000000", "520400000000", "520000000000"]


@pytest.mark.parametrize("raw, expected", [
    ("520402", "520402000000"),
    ("520402005", "520402005000"),
    (" 520402005001 ", "520402005001"),
    ("52", "520000000000"),
])
def test_normalize_pads_to_twelve_digits(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["", "5204O2", "5204020050011", "-520402", "52 04 02", None])
def test_normalize_refuses_what_is_not_a_code(raw):
    with pytest.raises(ValueError):
        normalize(raw)


@pytest.mark.parametrize("code, valid", [
    ("520402005001", True), ("52040200500", False), ("5204020050011", False), ("52040200500a", False), ("000000000000", False),
])
def test_is_valid(code, valid):
    assert is_valid(code) is valid


def test_subtree_is_a_prefix_match():
    assert in_subtree("520402005001", "520402000000")
    assert in_subtree("520402000000", "520402000000")
    assert not in_subtree("520403100200", "520402000000")
    assert not in_subtree("130111100000", "130110000000")  # 栾城区 is not under 鹿泉区
