"""surveys.schema: how answers typed in the 摸底表 (or sent by the API) are read, which messages bad
answers get, what a broken template is told, and when a rule finds a problem."""

import pytest

from warmwinter.surveys.schema import clean_answers, findings, template_problems
from warmwinter.surveys.seed import shipped_templates

SHIPPED = {t["code"]: t for t in shipped_templates()}
P4 = SHIPPED["p4-heating-survey"]
P6 = SHIPPED["p6-visit-checklist"]

# The P4 answers every required question needs (Excel spellings).
P4_REQUIRED = {"常住人数": "3", "脱贫户/特困户": "否", "取暖方式": "燃煤", "煤改电": "否", "煤改气": "否", "集中供暖": "否"}


def p4(**answers) -> tuple[dict, list]:
    """clean_answers on the P4 form: the required answers plus these (by question key)."""
    keys = {q["column"]: q["key"] for q in P4["questions"]}
    return clean_answers(P4["questions"], {**{keys[c]: v for c, v in P4_REQUIRED.items()}, **answers})


def p4_value(key: str, raw):
    clean, errors = p4(**{key: raw})
    assert errors == []
    return clean[key]


def p4_error(key: str, raw) -> str:
    _clean, errors = p4(**{key: raw})
    assert [k for k, _m in errors] == [key]
    return errors[0][1]


# --- accepted spellings -------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["是", "有", "已", "Y", "yes", "TRUE", "1", "√", " 是 ", True, 1, 1.0])
def test_yes_spellings(raw):
    assert p4_value("coal_to_electricity", raw) is True


@pytest.mark.parametrize("raw", ["否", "无", "没有", "未", "n", "No", "false", "0", "×", False, 0, 0.0])
def test_no_spellings(raw):
    assert p4_value("coal_to_electricity", raw) is False


@pytest.mark.parametrize("raw, value", [
    ("燃煤", "coal"), ("coal", "coal"), ("Central heating", "central"), ("central HEATING ", "central"),
    ("集中供暖", "central"), ("无取暖措施", "none"), ("No heating", "none"), ("其他", "other"),
])
def test_choice_by_value_or_either_label(raw, value):
    assert p4_value("heating_method", raw) == value


@pytest.mark.parametrize("raw, values", [
    ("煤炉、电暖器", ["coal_stove", "electric_heater"]),
    ("煤炉，火炕", ["coal_stove", "kang"]),
    ("煤炉,空调；燃气壁挂炉", ["coal_stove", "air_conditioner", "gas_boiler"]),
    ("Coal stove, Heated brick bed (kang)", ["coal_stove", "kang"]),
    ("火炕、煤炉、火炕", ["kang", "coal_stove"]),  # said twice, kept once, in the order given
    ("煤炉、", ["coal_stove"]),
    (["电暖器", "air_conditioner"], ["electric_heater", "air_conditioner"]),
])
def test_multi_choice_spellings(raw, values):
    assert p4_value("heating_equipment", raw) == values


def test_multi_choice_label_that_itself_holds_separators():
    """P6's options read "低保、特困、孤儿、贫困户基本生活": the 、 inside a label does not split it."""
    q = next(q for q in P6["questions"] if q["key"] == "temporary_assistance")
    clean, errors = clean_answers([q], {"temporary_assistance": "低保、特困、孤儿、贫困户基本生活、流浪乞讨人员街面巡查救助"})
    assert errors == [] and clean == {"temporary_assistance": ["basic_living", "homeless"]}
    english = "Basic living of dibao, tekun, orphan or poor household, Street rescue of a homeless person"
    assert clean_answers([q], {"temporary_assistance": english})[0] == {"temporary_assistance": ["basic_living", "homeless"]}


@pytest.mark.parametrize("raw, value", [("30", 30), ("2.5", 2.5), (" 40 ", 40), ("30.0", 30), (12, 12)])
def test_numbers(raw, value):
    got = p4_value("coal_days", raw)
    assert got == value and type(got) is type(value)


def test_text_is_trimmed_and_blank_optional_answers_are_left_out():
    clean, errors = p4(problems="  缺煤  ", coal_days="", heating_equipment=[], equipment_condition=None)
    assert errors == []
    assert clean["problems"] == "缺煤"
    assert {"coal_days", "heating_equipment", "equipment_condition"}.isdisjoint(clean)


def test_a_multi_choice_cell_of_separators_only_is_blank():
    assert p4(heating_equipment="、，") == p4()
    required = {**next(q for q in P4["questions"] if q["key"] == "heating_equipment"), "required": True}
    assert clean_answers([required], {"heating_equipment": " 、 "}) == ({}, [("heating_equipment", "取暖设备：必填")])


def test_a_full_p4_row():
    clean, errors = p4(heating_equipment="煤炉、火炕", equipment_condition="完好", co_ventilation="是",
                       coal_stock_tons="2.5", coal_days="45", problems="")
    assert errors == []
    assert clean == {"residents": 3, "support_group": "neither", "heating_method": "coal", "heating_equipment": ["coal_stove", "kang"],
                     "equipment_condition": "good", "co_ventilation": True, "coal_stock_tons": 2.5, "coal_days": 45,
                     "coal_to_electricity": False, "coal_to_gas": False, "central_heating": False}


# --- rejected input, with the exact messages ----------------------------------------------------


@pytest.mark.parametrize("key, raw, message", [
    ("coal_to_electricity", "可能", "是否煤改电：请填“是”或“否”"),
    ("coal_to_electricity", 2, "是否煤改电：请填“是”或“否”"),
    ("coal_days", "三十", "储煤可用天数：请填数字"),
    ("coal_days", "30天", "储煤可用天数：请填数字"),
    ("coal_days", "NaN", "储煤可用天数：请填数字"),
    ("coal_days", "Infinity", "储煤可用天数：请填数字"),
    ("coal_days", "-1", "储煤可用天数：不能小于 0"),
    ("coal_days", "366", "储煤可用天数：不能大于 365"),
    ("residents", "0", "常住人数：不能小于 1"),
    ("heating_method", "地暖", "取暖方式：不是可选项：地暖"),
    ("heating_method", "燃煤、电取暖", "取暖方式：不是可选项：燃煤、电取暖"),
    ("heating_equipment", "煤炉、地暖", "取暖设备：不是可选项：地暖"),
    ("heating_equipment", ["煤炉", "壁炉"], "取暖设备：不是可选项：壁炉"),
])
def test_bad_answers(key, raw, message):
    assert p4_error(key, raw) == message


def test_missing_required_answers_and_unknown_questions_are_all_listed():
    answers = {"residents": "  ", "heating_method": "燃煤", "coal_to_electricity": "否", "coal_to_gas": "否",
               "central_heating": None, "coal_days": "很多", "户主电话": "123"}
    clean, errors = clean_answers(P4["questions"], answers)
    assert errors == [
        ("户主电话", "没有这道题：户主电话"),
        ("residents", "常住人数：必填"),
        ("support_group", "是否脱贫户/特困户：必填"),
        ("coal_days", "储煤可用天数：请填数字"),
        ("central_heating", "是否集中供暖：必填"),
    ]
    assert clean == {"heating_method": "coal", "coal_to_electricity": False, "coal_to_gas": False}


# --- template checks ----------------------------------------------------------------------------


def yesno(key, column=None, **extra):
    return {"key": key, "type": "yesno", "label": key, "label_en": key, "column": column or key, **extra}


QUESTIONS = [
    yesno("ok"),
    {"key": "days", "type": "number", "label": "天数", "label_en": "Days", "column": "天数"},
    {"key": "kind", "type": "choice", "label": "类别", "label_en": "Kind", "column": "类别",
     "options": [{"value": "a", "label": "甲", "label_en": "A"}, {"value": "b", "label": "乙", "label_en": "B"}]},
    {"key": "tags", "type": "multi", "label": "标签", "label_en": "Tags", "column": "标签",
     "options": [{"value": "x", "label": "叉", "label_en": "X"}, {"value": "y", "label": "丫", "label_en": "Y"}]},
]


def rule(key, q, op, **when):
    return {"key": key, "when": {"q": q, "op": op, **when}, "category": "other", "severity": "general", "title": key, "title_en": key}


def test_a_sound_template_has_no_problems():
    rules = [rule("r1", "ok", "no"), rule("r2", "days", "lt", param="min"), rule("r3", "kind", "in", value=["a", "b"]),
             rule("r4", "tags", "includes", value="x"), rule("r5", "days", "eq", value=0)]
    assert template_problems(QUESTIONS, rules, {"min": 3}) == []


@pytest.mark.parametrize("questions, rules, problem", [
    ([*QUESTIONS, yesno("ok", column="好")], [], "question key missing or repeated: 'ok'"),
    ([*QUESTIONS, {**yesno("x"), "type": "date"}], [], "x: unknown type 'date'"),
    ([*QUESTIONS, {**QUESTIONS[2], "key": "k2", "column": "k2", "options": []}], [], "k2: a choice question needs options"),
    ([*QUESTIONS, {**yesno("x"), "label_en": ""}], [], "x: label and label_en are both required"),
    ([*QUESTIONS, yesno("x", column="天数")], [], "x: column '天数' is used twice"),
    ([*QUESTIONS, {**QUESTIONS[2], "key": "k2", "column": "k2", "options": [{"value": "a", "label": "甲"}]}], [],
     "k2: option 'a' needs value, label and label_en"),
    ([*QUESTIONS, {**QUESTIONS[2], "key": "k2", "column": "k2",
                   "options": [{"value": "a", "label": "其他", "label_en": "Other"}, {"value": "b", "label": "其它", "label_en": "other"}]}],
     [], "k2: option spelling 'other' is used twice"),
    (QUESTIONS, [rule("r", "nope", "yes")], "rule r: unknown question 'nope'"),
    (QUESTIONS, [rule("r", "ok", "is")], "rule r: unknown op 'is'"),
    (QUESTIONS, [rule("r", "kind", "lt", value=3)], "rule r: op 'lt' cannot test a choice question"),
    (QUESTIONS, [rule("r", "days", "yes")], "rule r: op 'yes' cannot test a number question"),
    (QUESTIONS, [rule("r", "kind", "includes", value="a")], "rule r: op 'includes' cannot test a choice question"),
    (QUESTIONS, [rule("r", "days", "lt", param="days_min")], "rule r: unknown param 'days_min'"),
    (QUESTIONS, [rule("r", "kind", "in", value="a")], "rule r: op 'in' needs a list value"),
    (QUESTIONS, [rule("r", "kind", "eq", value="dangerous")], "rule r: 'dangerous' is not an option of kind"),
    (QUESTIONS, [rule("r", "tags", "includes", value="z")], "rule r: 'z' is not an option of tags"),
    (QUESTIONS, [{**rule("r", "ok", "no"), "title_en": ""}], "rule r: title, title_en and category are required"),
    (QUESTIONS, [{**rule("r", "ok", "no"), "category": "coal"}], "rule r: unknown category 'coal'"),
    (QUESTIONS, [{**rule("r", "ok", "no"), "severity": "high"}], "rule r: unknown severity 'high'"),
    (QUESTIONS, [rule("r", "ok", "no"), rule("r", "ok", "yes")], "rule key missing or repeated: 'r'"),
])
def test_template_problems(questions, rules, problem):
    assert template_problems(questions, rules, {"min": 3}) == [problem]


# --- rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize("when, answers, fires", [
    ({"op": "yes", "q": "ok"}, {"ok": True}, True),
    ({"op": "yes", "q": "ok"}, {"ok": False}, False),
    ({"op": "no", "q": "ok"}, {"ok": False}, True),
    ({"op": "no", "q": "ok"}, {}, False),  # not asked is not a problem
    ({"op": "eq", "q": "kind", "value": "a"}, {"kind": "a"}, True),
    ({"op": "eq", "q": "kind", "value": "a"}, {"kind": "b"}, False),
    ({"op": "ne", "q": "kind", "value": "a"}, {"kind": "b"}, True),
    ({"op": "ne", "q": "kind", "value": "a"}, {}, False),
    ({"op": "in", "q": "kind", "value": ["a", "b"]}, {"kind": "b"}, True),
    ({"op": "in", "q": "kind", "value": ["a"]}, {"kind": "b"}, False),
    ({"op": "includes", "q": "tags", "value": "x"}, {"tags": ["y", "x"]}, True),
    ({"op": "includes", "q": "tags", "value": "x"}, {"tags": ["y"]}, False),
    ({"op": "lt", "q": "days", "param": "min"}, {"days": 29}, True),
    ({"op": "lt", "q": "days", "param": "min"}, {"days": 30}, False),
    ({"op": "lte", "q": "days", "param": "min"}, {"days": 30}, True),
    ({"op": "gt", "q": "days", "value": 2.5}, {"days": 2.6}, True),
    ({"op": "gt", "q": "days", "value": 2.5}, {"days": 2.5}, False),
    ({"op": "gte", "q": "days", "value": 2.5}, {"days": 2.5}, True),
    ({"op": "gte", "q": "days", "value": 2.5}, {"days": 2.4}, False),
])
def test_rule_ops(when, answers, fires):
    found = findings([{**rule("r", "x", "yes"), "when": when}], answers, {"min": 30})
    assert [f.rule for f in found] == (["r"] if fires else [])


def test_findings_keep_template_order_and_carry_the_rule():
    rules = [{**rule("later", "ok", "no"), "severity": "major", "category": "wiring", "title": "线路", "title_en": "Wiring"},
             rule("sooner", "days", "lt", value=5)]
    found = findings(rules, {"days": 1, "ok": False}, {})
    assert [(f.rule, f.category, f.severity, f.title, f.title_en) for f in found] == [
        ("later", "wiring", "major", "线路", "Wiring"), ("sooner", "other", "general", "sooner", "sooner")]


def test_params_decide_the_threshold():
    coal = next(r for r in P4["rules"] if r["key"] == "coal_low")
    assert findings([coal], {"coal_days": 40}, P4["params"]) == []
    assert [f.rule for f in findings([coal], {"coal_days": 40}, {**P4["params"], "coal_days_min": 45})] == ["coal_low"]
