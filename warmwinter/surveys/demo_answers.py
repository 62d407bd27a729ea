"""Plausible answers to any survey template, for the demo county.

Works from the template's data alone (questions, rules, params), so a template added later gets
answers too: every question gets an answer that trips no rule, then the rules asked for are
tripped on purpose. A few known question keys get values that fit the household (常住人数 from the
registry, the ledger's housing and heating) and answers that hang together (no coal stock without
a coal stove).
"""

from __future__ import annotations

import random

from warmwinter.surveys import schema
from warmwinter.surveys.choices import QuestionType

# Keys whose answer the ledger already knows: question key -> Household field.
LEDGER_FIELDS = {"housing": "housing_condition", "heating_method": "heating_method"}
LEDGER_ALIASES = {"coal_to_electricity": "electric", "coal_to_gas": "gas", "coal_stove": "coal"}
# Choice answers we prefer when nothing else decides (the usual situation of a household).
USUAL = {"support_group": "neither", "living_conditions": "good", "state_of_mind": "stable",
         "equipment_condition": "good", "housing": "safe", "relocation": "demolished"}
# Chance of "yes" for yes/no questions no rule looks at.
YES_CHANCE = {"co_alarm": 0.4, "coal_to_electricity": 0.2, "coal_to_gas": 0.05, "central_heating": 0.05,
              "night_or_extreme_weather": 0.3, "leaflet_given": 0.93, "education_given": 0.9, "housing_relief_policy": 0.7}
NUMBERS = {"coal_stock_tons": (0.5, 4.0), "coal_days": (35, 150)}
NOTES = ["子女在外务工，老人独居，已留联系电话", "已叮嘱夜间关好炉门、开窗通风", "家中有病人，需常去看看",
         "已讲解电取暖器使用注意事项", "房屋年久，下次走访再看屋顶"]
EQUIPMENT = {"coal": ["coal_stove", "kang", "home_boiler"], "electric": ["electric_heater", "air_conditioner"],
             "gas": ["gas_boiler"], "other": ["other"]}


def _fires(rule: dict, key: str, value, params: dict) -> bool:
    return bool(schema.findings([rule], {key: value}, params))


def _rules_on(template, key: str) -> list[dict]:
    return [r for r in template.rules if r["when"]["q"] == key]


def _safe(template, key: str, value, params: dict) -> bool:
    return not any(_fires(r, key, value, params) for r in _rules_on(template, key))


def _number(q: dict, template, params: dict, rng: random.Random):
    low, high = NUMBERS.get(q["key"], (q.get("min", 0), min(q.get("max", 30), q.get("min", 0) + 30)))
    for _attempt in range(20):
        value = round(rng.uniform(low, high), 1) if isinstance(low, float) else rng.randint(int(low), int(high))
        if _safe(template, q["key"], value, params):
            return value
    return None


def _choice(q: dict, template, params: dict, rng: random.Random, household):
    options = [o["value"] for o in q["options"] if _safe(template, q["key"], o["value"], params)]
    field = LEDGER_FIELDS.get(q["key"])
    if household is not None and field:
        known = getattr(household, field, "")
        known = known if known in [o["value"] for o in q["options"]] else LEDGER_ALIASES.get(known)
        if known in options and rng.random() < 0.8:
            return known
    if USUAL.get(q["key"]) in options and rng.random() < 0.75:
        return USUAL[q["key"]]
    return rng.choice(options) if options else q["options"][0]["value"]


def good_answers(template, params: dict, rng: random.Random, household=None, alive: int = 0) -> dict:
    """Answers to every question that find no problem."""
    answers = {}
    for q in template.questions:
        key, kind = q["key"], q["type"]
        if kind == QuestionType.PHOTO:
            continue
        if kind == QuestionType.YESNO:
            safe = [v for v in (True, False) if _safe(template, key, v, params)]
            answers[key] = safe[0] if len(safe) == 1 else rng.random() < YES_CHANCE.get(key, 0.75)
        elif kind == QuestionType.CHOICE:
            answers[key] = _choice(q, template, params, rng, household)
        elif kind == QuestionType.NUMBER:
            value = alive if key in ("residents", "persons") and alive else _number(q, template, params, rng)
            if value is not None:
                answers[key] = value
        elif kind == QuestionType.MULTI:
            if q.get("required"):
                answers[key] = [rng.choice(q["options"])["value"]]
        elif kind == QuestionType.TEXT and (q.get("required") or rng.random() < 0.12):
            answers[key] = rng.choice(NOTES)
    return answers


def trip(template, answers: dict, rule: dict, params: dict) -> bool:
    """Change the answers so that `rule` finds its problem; False when this template cannot say so."""
    when, q = rule["when"], template.question(rule["when"]["q"])
    target = params.get(when["param"]) if "param" in when else when.get("value")
    op, key = when["op"], when["q"]
    if op in ("yes", "no"):
        value = op == "yes"
    elif op == "eq":
        value = target
    elif op == "in":
        value = target[0]
    elif op == "includes":
        value = [*answers.get(key, []), target]
    elif op == "ne":
        value = next((o["value"] for o in q.get("options", []) if o["value"] != target), None)
    else:
        value = {"lt": target - 9, "lte": target, "gt": target + 1, "gte": target}[op]
        value = max(value, q.get("min", 0))
    trial = {**answers, key: value}
    if not schema.findings([rule], trial, params) or schema.clean_answers(template.questions, trial)[1]:
        return False
    answers[key] = value
    return True


def hang_together(code: str, answers: dict, tripped: set[str], rng: random.Random) -> None:
    """Make answers of known templates consistent with each other (keys that a rule tripped stay)."""
    if code.startswith("p4"):
        if tripped & {"coal_days", "coal_stock_tons", "co_ventilation"}:
            answers["heating_method"] = "coal"
        method = answers.get("heating_method")
        if method != "coal":
            for key in ("coal_days", "coal_stock_tons", "co_ventilation"):
                answers.pop(key, None)
        if "heating_equipment" in answers or method in EQUIPMENT:
            answers["heating_equipment"] = [rng.choice(EQUIPMENT[method])] if method in EQUIPMENT else []
        if method in ("central", "none") and "equipment_condition" not in tripped:
            answers.pop("equipment_condition", None)
        for key, when in (("coal_to_gas", "gas"), ("central_heating", "central")):
            if key in answers:
                answers[key] = method == when
        if "coal_to_electricity" in answers:
            answers["coal_to_electricity"] = method == "electric" and rng.random() < 0.5
    if code.startswith("p6") and answers.get("housing") not in ("dangerous", "leaking"):
        answers.pop("housing_relief_policy", None)
    if code.startswith("p7") and "warned_on_spot" in answers:
        answers["warned_on_spot"] = bool(tripped & {"suffocation_risk", "poisoning_risk", "fire_risk"})
    if code.startswith("p9") and "hardship_help_needed" not in tripped and not answers.get("hardship_group"):
        answers.pop("hardship_help_needed", None)
