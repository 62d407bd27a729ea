"""The shipped survey templates (surveys/seed/*.json): sound, loaded by migrate, and each rule finds
exactly its problem — and nothing on a household or premises without problems."""

import pytest

from tests.factories import make_member
from tests.registry.factories import VILLAGE, make_household
from tests.surveys.factories import make_premises, make_round
from warmwinter.core.errors import DomainError
from warmwinter.hazards.choices import HazardCategory
from warmwinter.surveys import services
from warmwinter.surveys.forms import AnswerForm
from warmwinter.surveys.imports.columns import Vocabulary
from warmwinter.surveys.models import SurveyTemplate
from warmwinter.surveys.schema import clean_answers, findings, template_problems
from warmwinter.surveys.seed import seed_templates, shipped_templates

SHIPPED = {t["code"]: t for t in shipped_templates()}

# code → (plan, subject), as the plans name them.
EXPECTED = {
    "p4-heating-survey": ("P4", "household"),
    "p6-visit-checklist": ("P6", "household"),
    "p7-needs-hazards": ("P7", "household"),
    "p9-relocated-households": ("P9", "household"),
    "p10-premises-fire": ("P10+P7", "premises"),
}

# Answers as typed in the 摸底表 that find nothing, one set per template (keys are question keys).
GOOD = {
    "p4-heating-survey": {"residents": "3", "support_group": "特困户", "heating_method": "燃煤", "heating_equipment": "煤炉、火炕",
                          "equipment_condition": "完好", "co_ventilation": "是", "coal_stock_tons": "2.5", "coal_days": "30",
                          "coal_to_electricity": "否", "coal_to_gas": "否", "central_heating": "否", "problems": "无"},
    "p6-visit-checklist": {"co_publicity": "是", "co_ventilation": "是", "co_alarm": "否", "housing": "老旧", "heating_method": "电取暖",
                           "cold_supplies_enough": "是", "water_ok": "是", "wiring_ok": "是", "temporary_assistance": ""},
    "p7-needs-hazards": {"special_groups": "老弱病残、重度残疾人", "food_ok": "是", "water_ok": "是", "clothing_ok": "是", "heating_ok": "是",
                         "medical_ok": "是", "urgent_hardship": "否", "suffocation_risk": "否", "poisoning_risk": "否", "fire_risk": "否",
                         "warned_on_spot": "是", "leaflet_given": "是", "education_given": "是"},
    "p9-relocated-households": {"relocation": "躲迁", "heating_ok": "是", "heating_equipment_ok": "是", "appliance_explained": "是",
                                "fire_hazard": "否", "water_ok": "是", "wiring_ok": "是", "disinfected": "是", "hardship_group": "低保、鳏寡孤独",
                                "hardship_help_needed": "否", "living_conditions": "一般", "state_of_mind": "有顾虑"},
    "p10-premises-fire": {"fire_equipment_ok": "是", "maintenance_ok": "是", "exits_clear": "是", "daily_checks_ok": "是",
                          "flammable_decoration": "否", "multi_use": "否", "wiring_damaged": "否", "night_or_extreme_weather": "是"},
}

# (template, rule) → (the change to GOOD that trips it alone, category, severity), from the plans and the brief.
TRIPS = {
    ("p4-heating-survey", "no_heating"): ({"heating_method": "无取暖措施"}, "heating_missing", "general"),
    ("p4-heating-survey", "coal_low"): ({"coal_days": "29"}, "coal_low", "general"),
    ("p4-heating-survey", "equipment_faulty"): ({"equipment_condition": "损坏不能使用"}, "heating_equipment", "general"),
    ("p4-heating-survey", "co_ventilation"): ({"co_ventilation": "否"}, "co_risk", "general"),
    ("p6-visit-checklist", "co_ventilation"): ({"co_ventilation": "否"}, "co_risk", "general"),
    ("p6-visit-checklist", "house_dangerous"): ({"housing": "危房"}, "house_danger", "major"),
    ("p6-visit-checklist", "house_leaking"): ({"housing": "漏雨漏风"}, "house_danger", "general"),
    ("p6-visit-checklist", "no_heating"): ({"heating_method": "无取暖设施"}, "heating_missing", "general"),
    ("p6-visit-checklist", "cold_supplies"): ({"cold_supplies_enough": "否"}, "cold_supplies", "general"),
    ("p6-visit-checklist", "water"): ({"water_ok": "否"}, "water", "general"),
    ("p6-visit-checklist", "wiring"): ({"wiring_ok": "否"}, "wiring", "general"),
    ("p6-visit-checklist", "assistance_emergency"): ({"temporary_assistance": "突发事件、意外事故、重大疾病致临时困难"}, "hardship", "general"),
    ("p6-visit-checklist", "assistance_basic"): ({"temporary_assistance": "低保、特困、孤儿、贫困户基本生活"}, "hardship", "general"),
    ("p6-visit-checklist", "assistance_warm"): ({"temporary_assistance": "重度残疾、留守病残老人、困境儿童温暖过冬"}, "hardship", "general"),
    ("p6-visit-checklist", "assistance_homeless"): ({"temporary_assistance": "流浪乞讨人员街面巡查救助"}, "hardship", "general"),
    ("p7-needs-hazards", "food"): ({"food_ok": "否"}, "food", "general"),
    ("p7-needs-hazards", "water"): ({"water_ok": "否"}, "water", "general"),
    ("p7-needs-hazards", "clothing"): ({"clothing_ok": "否"}, "cold_supplies", "general"),
    ("p7-needs-hazards", "heating"): ({"heating_ok": "否"}, "heating_missing", "general"),
    ("p7-needs-hazards", "medical"): ({"medical_ok": "否"}, "medical", "major"),
    ("p7-needs-hazards", "urgent_hardship"): ({"urgent_hardship": "是"}, "hardship", "general"),
    ("p7-needs-hazards", "suffocation"): ({"suffocation_risk": "是"}, "co_risk", "general"),
    ("p7-needs-hazards", "poisoning"): ({"poisoning_risk": "是"}, "co_risk", "general"),
    ("p7-needs-hazards", "fire"): ({"fire_risk": "是"}, "fire_risk", "general"),
    ("p9-relocated-households", "heating"): ({"heating_ok": "否"}, "heating_missing", "general"),
    ("p9-relocated-households", "heating_equipment"): ({"heating_equipment_ok": "否"}, "heating_equipment", "general"),
    ("p9-relocated-households", "fire"): ({"fire_hazard": "是"}, "fire_risk", "general"),
    ("p9-relocated-households", "water"): ({"water_ok": "否"}, "water", "general"),
    ("p9-relocated-households", "wiring"): ({"wiring_ok": "否"}, "wiring", "general"),
    ("p9-relocated-households", "epidemic"): ({"disinfected": "否"}, "epidemic", "general"),
    ("p9-relocated-households", "hardship"): ({"hardship_help_needed": "是"}, "hardship", "general"),
    ("p9-relocated-households", "living"): ({"living_conditions": "困难"}, "hardship", "general"),
    ("p9-relocated-households", "mood"): ({"state_of_mind": "不稳定"}, "mood", "general"),
    ("p10-premises-fire", "fire_equipment"): ({"fire_equipment_ok": "否"}, "fire_equipment", "general"),
    ("p10-premises-fire", "maintenance"): ({"maintenance_ok": "否"}, "maintenance", "general"),
    ("p10-premises-fire", "evacuation_blocked"): ({"exits_clear": "否"}, "evacuation_blocked", "major"),
    ("p10-premises-fire", "daily_checks"): ({"daily_checks_ok": "否"}, "daily_checks", "general"),
    ("p10-premises-fire", "flammable_decoration"): ({"flammable_decoration": "是"}, "flammable_decoration", "general"),
    ("p10-premises-fire", "multi_use"): ({"multi_use": "是"}, "multi_use", "major"),
    ("p10-premises-fire", "wiring"): ({"wiring_damaged": "是"}, "wiring", "general"),
}


def found(code: str, answers: dict, params: dict | None = None) -> list[tuple[str, str, str]]:
    data = SHIPPED[code]
    clean, errors = clean_answers(data["questions"], answers)
    assert errors == []
    return [(f.rule, f.category, f.severity) for f in findings(data["rules"], clean, params if params is not None else data["params"])]


# --- the files ----------------------------------------------------------------------------------


def test_one_template_per_plan_is_shipped():
    assert {code: (t["plan"], t["subject"]) for code, t in SHIPPED.items()} == EXPECTED


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_template_is_sound(code):
    data = SHIPPED[code]
    assert template_problems(data["questions"], data["rules"], data["params"]) == []
    assert data["name"] and data["name_en"] and data["version"] >= 1
    for q in data["questions"]:
        assert q["label"] and q["label_en"] and q["section"] and q["section_en"], q["key"]
        if q["type"] != "photo":
            assert q.get("column"), f"{q['key']} has no 摸底表 column"
    for r in data["rules"]:
        assert r["category"] in HazardCategory.values and r["severity"] in ("general", "major"), r["key"]


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_sections_read_in_one_run_each(code):
    """The answer page groups consecutive questions: a section split in two would show up twice."""
    sections = [q["section"] for q in SHIPPED[code]["questions"]]
    runs = [s for i, s in enumerate(sections) if i == 0 or sections[i - 1] != s]
    assert len(runs) == len(set(runs))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_import_reads_each_column_as_its_question(code):
    """No column is taken for another question or for an identification column (户主姓名, 村, 走访时间...)."""
    questions = [q for q in SHIPPED[code]["questions"] if q["type"] != "photo"]
    vocabulary = Vocabulary(questions)
    assert {q["column"]: vocabulary.name(q["column"]) for q in questions} == {q["column"]: ("question", q["key"]) for q in questions}


def test_p4_unit_report_sections_and_coal_threshold():
    p4 = SHIPPED["p4-heating-survey"]
    assert [(s["key"], s["label"], s["label_en"]) for s in p4["report_sections"]] == [
        ("situation", "现状", "Current state"), ("problems", "问题", "Problems"),
        ("measures", "对策", "Countermeasures"), ("suggestions", "建议", "Suggestions")]
    assert p4["params"] == {"coal_days_min": 30}
    columns = [q["column"] for q in p4["questions"]]
    for header in ("常住人数", "取暖方式", "取暖设备", "储煤量（吨）", "储煤可用天数", "煤改电", "煤改气", "集中供暖", "脱贫户/特困户", "存在问题"):
        assert header in columns


def test_p4_heating_methods_and_equipment():
    questions = {q["key"]: q for q in SHIPPED["p4-heating-survey"]["questions"]}
    assert [o["label"] for o in questions["heating_equipment"]["options"]] == ["煤炉", "土暖气", "电暖器", "空调", "燃气壁挂炉", "火炕", "其他"]
    assert [o["value"] for o in questions["heating_method"]["options"]] == ["coal", "electric", "gas", "central", "other", "none"]


def test_p7_rate_questions_are_required_yes_no():
    questions = {q["key"]: q for q in SHIPPED["p7-needs-hazards"]["questions"]}
    for key in ("leaflet_given", "education_given"):
        assert (questions[key]["type"], questions[key]["required"]) == ("yesno", True)


# --- rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_good_answers_find_nothing(code):
    assert found(code, GOOD[code]) == []


@pytest.mark.parametrize("code, rule", sorted(TRIPS))
def test_rule_fires_alone(code, rule):
    change, category, severity = TRIPS[(code, rule)]
    assert found(code, {**GOOD[code], **change}) == [(rule, category, severity)]


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_rule_is_tried(code):
    assert {r for c, r in TRIPS if c == code} == {r["key"] for r in SHIPPED[code]["rules"]}


def test_p4_worn_equipment_is_a_problem_too_and_problems_add_up():
    assert found("p4-heating-survey", {**GOOD["p4-heating-survey"], "equipment_condition": "Worn, needs servicing"}) == [
        ("equipment_faulty", "heating_equipment", "general")]
    everything = {**GOOD["p4-heating-survey"], "heating_method": "none", "coal_days": "0", "equipment_condition": "broken", "co_ventilation": "否"}
    assert [rule for rule, *_ in found("p4-heating-survey", everything)] == ["no_heating", "coal_low", "equipment_faulty", "co_ventilation"]


def test_p4_coal_days_not_asked_finds_nothing():
    answers = {k: v for k, v in GOOD["p4-heating-survey"].items() if k != "coal_days"}
    assert found("p4-heating-survey", {**answers, "heating_method": "电取暖"}) == []


# --- loaded by migrate --------------------------------------------------------------------------


@pytest.mark.django_db
def test_migrate_loads_every_shipped_template():
    rows = {t.code: t for t in SurveyTemplate.objects.all()}
    assert set(EXPECTED) <= set(rows)
    for code, data in SHIPPED.items():
        row = rows[code]
        assert (row.version, row.name, row.name_en, row.plan, row.subject) == (
            data["version"], data["name"], data["name_en"], data["plan"], data["subject"])
        assert (row.questions, row.rules, row.params, row.report_sections) == (
            data["questions"], data["rules"], data["params"], data["report_sections"])


@pytest.mark.django_db
def test_seeding_again_creates_nothing_and_puts_back_a_missing_template():
    SurveyTemplate.objects.filter(code="p9-relocated-households").delete()
    assert seed_templates() == 1
    assert seed_templates() == 0
    assert SurveyTemplate.objects.filter(code="p9-relocated-households").count() == 1
    assert SurveyTemplate.objects.count() == len(SHIPPED)


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_answer_page_shows_every_section(code):
    form = AnswerForm(template=SurveyTemplate.objects.get(code=code))
    expected = list(dict.fromkeys(q["section"] for q in SHIPPED[code]["questions"]))
    assert [section for section, _fields in form.sections()] == expected


# --- through the service ------------------------------------------------------------------------


@pytest.fixture
def clerk(tree):
    return make_member("village_clerk", VILLAGE, username="clerk")


def test_round_params_override_the_template_threshold(clerk):
    stricter = make_round(template_code="p4-heating-survey", params={"coal_days_min": 45})
    default = make_round(template_code="p4-heating-survey")
    home = make_household(VILLAGE, members=["王五"])
    answers = {**GOOD["p4-heating-survey"], "coal_days": "40"}
    strict_sheet = services.response_submit(actor=clerk, round_=stricter, household=home, answers=answers)
    default_sheet = services.response_submit(actor=clerk, round_=default, household=home, answers=answers)
    assert [(h.rule, h.category) for h in strict_sheet.hazards.all()] == [("coal_low", "coal_low")]
    assert list(default_sheet.hazards.all()) == []
    services.response_submit(actor=clerk, round_=default, household=home, answers={**answers, "coal_days": "12"})
    assert [h.rule for h in default_sheet.hazards.all()] == ["coal_low"]


def test_p7_sheet_stores_the_rate_columns_and_lists_its_problems(clerk):
    round_ = make_round(template_code="p7-needs-hazards")
    home, other = make_household(VILLAGE, members=["赵六", "钱七"]), make_household(VILLAGE, members=["孙八"])
    answers = {**GOOD["p7-needs-hazards"], "education_given": "否", "medical_ok": "否", "fire_risk": "是"}
    sheet = services.response_submit(actor=clerk, round_=round_, household=home, answers=answers)
    sheet.refresh_from_db()
    assert (sheet.leaflet_given, sheet.education_given) == (True, False)
    assert sheet.answers["special_groups"] == ["elderly_sick_disabled", "severe_disability"]
    assert sorted((h.rule, h.category, h.severity) for h in sheet.hazards.all()) == [
        ("fire", "fire_risk", "general"), ("medical", "medical", "major")]
    with pytest.raises(DomainError) as refused:
        services.response_submit(actor=clerk, round_=round_, household=other,
                                 answers={k: v for k, v in GOOD["p7-needs-hazards"].items() if k != "leaflet_given"})
    assert (refused.value.message, refused.value.field) == ("“明白纸”已发放：必填", "answers.leaflet_given")
    assert not other.survey_responses.exists()


def test_p10_inspection_of_premises_lists_blocked_exits_as_major(clerk):
    shop = make_premises(VILLAGE, name="金钟超市")
    template = SurveyTemplate.objects.get(code="p10-premises-fire")
    sheet = services.response_submit(actor=clerk, template=template, premises=shop, kind="self_inspection",
                                     answers={**GOOD["p10-premises-fire"], "exits_clear": "否", "wiring_damaged": "是"})
    assert sorted((h.rule, h.severity, h.premises_id) for h in sheet.hazards.all()) == [
        ("evacuation_blocked", "major", shop.pk), ("wiring", "general", shop.pk)]
    assert (sheet.leaflet_given, sheet.education_given) == (None, None)
