"""Survey templates as data: check a template, check answers against it, turn answers into findings.

A template (JSON, see surveys/seed/) has:
  questions: [{key, type, label, label_en, options?: [{value, label, label_en}], required?, section?,
               column?  (the 摸底表 column header), min?, max?}]
  rules:     [{key, when: {q, op, value? | param?}, category, severity, title, title_en}]
  params:    {name: default}  (thresholds a round may override, e.g. coal_days_min)
Rule ops: eq, ne, in, lt, lte, gt, gte, yes, no, includes (a multi-choice answer contains value).
The keys `leaflet_given` and `education_given` feed plan 7's 明白纸 and face-to-face education rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from warmwinter.surveys.choices import QuestionType

OPS = {"eq", "ne", "in", "lt", "lte", "gt", "gte", "yes", "no", "includes"}
RATE_KEYS = ("leaflet_given", "education_given")
TRUE_WORDS = {"是", "有", "已", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "无", "没有", "未", "n", "no", "false", "0", "×", "✗"}


def text(item: dict, field: str = "label") -> str:
    """The item's label (or title) in the reader's language."""
    if (get_language() or "").startswith("en") and item.get(f"{field}_en"):
        return item[f"{field}_en"]
    return item.get(field, "")


def template_problems(questions: list[dict], rules: list[dict], params: dict) -> list[str]:
    """Everything wrong with a template definition (empty when it is sound)."""
    problems, keys = [], set()
    for q in questions:
        key = q.get("key")
        if not key or key in keys:
            problems.append(f"question key missing or repeated: {key!r}")
        keys.add(key)
        if q.get("type") not in QuestionType.values:
            problems.append(f"{key}: unknown type {q.get('type')!r}")
        if q.get("type") in (QuestionType.CHOICE, QuestionType.MULTI) and not q.get("options"):
            problems.append(f"{key}: a choice question needs options")
        if not q.get("label") or not q.get("label_en"):
            problems.append(f"{key}: label and label_en are both required")
    for rule in rules:
        when = rule.get("when", {})
        if when.get("q") not in keys:
            problems.append(f"rule {rule.get('key')}: unknown question {when.get('q')!r}")
        if when.get("op") not in OPS:
            problems.append(f"rule {rule.get('key')}: unknown op {when.get('op')!r}")
        if "param" in when and when["param"] not in params:
            problems.append(f"rule {rule.get('key')}: unknown param {when['param']!r}")
        if not rule.get("title") or not rule.get("title_en") or not rule.get("category"):
            problems.append(f"rule {rule.get('key')}: title, title_en and category are required")
    return problems


def _option_values(q: dict) -> dict[str, str]:
    """Accepted spellings (value, Chinese label, English label) → value."""
    found = {}
    for option in q.get("options", []):
        for spelling in (option["value"], option.get("label", ""), option.get("label_en", "")):
            if spelling:
                found[str(spelling).strip().lower()] = option["value"]
    return found


def _yes_no(value):
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError


def clean_answer(q: dict, value):
    """The stored form of one answer, or ValueError with a message in the user's language."""
    kind = q["type"]
    if kind == QuestionType.YESNO:
        try:
            return _yes_no(value)
        except ValueError:
            raise ValueError(_("请填“是”或“否”")) from None
    if kind == QuestionType.NUMBER:
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("请填数字")) from None
        if not number.is_finite() or number < Decimal(str(q.get("min", 0))):
            raise ValueError(_("不能小于 %(min)s") % {"min": q.get("min", 0)})
        if "max" in q and number > Decimal(str(q["max"])):
            raise ValueError(_("不能大于 %(max)s") % {"max": q["max"]})
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == QuestionType.CHOICE:
        chosen = _option_values(q).get(str(value).strip().lower())
        if chosen is None:
            raise ValueError(_("不是可选项：%(value)s") % {"value": value})
        return chosen
    if kind == QuestionType.MULTI:
        items = value if isinstance(value, list) else [v for v in str(value).replace("，", ",").replace("、", ",").split(",")]
        options = _option_values(q)
        chosen = []
        for item in items:
            if str(item).strip() == "":
                continue
            picked = options.get(str(item).strip().lower())
            if picked is None:
                raise ValueError(_("不是可选项：%(value)s") % {"value": item})
            if picked not in chosen:
                chosen.append(picked)
        return chosen
    return str(value).strip()  # text, photo (a stored file's name)


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def clean_answers(questions: list[dict], answers: dict) -> tuple[dict, list[tuple[str, str]]]:
    """(clean answers, [(question key, message)]). Unknown keys are errors, not silently dropped."""
    clean, errors = {}, []
    by_key = {q["key"]: q for q in questions}
    for key in answers:
        if key not in by_key:
            errors.append((key, _("没有这道题：%(key)s") % {"key": key}))
    for q in questions:
        value = answers.get(q["key"])
        if _blank(value):
            if q.get("required") and q["type"] != QuestionType.PHOTO:
                errors.append((q["key"], _("%(label)s：必填") % {"label": text(q)}))
            continue
        try:
            clean[q["key"]] = clean_answer(q, value)
        except ValueError as exc:
            errors.append((q["key"], f"{text(q)}：{exc}"))
    return clean, errors


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    severity: str
    title: str
    title_en: str


def _matches(when: dict, answers: dict, params: dict) -> bool:
    value = answers.get(when["q"])
    if value is None:
        return False
    op = when["op"]
    target = params.get(when["param"]) if "param" in when else when.get("value")
    if op == "yes":
        return value is True
    if op == "no":
        return value is False
    if op == "eq":
        return value == target
    if op == "ne":
        return value != target
    if op == "in":
        return value in target
    if op == "includes":
        return isinstance(value, list) and target in value
    number = Decimal(str(value))
    limit = Decimal(str(target))
    return {"lt": number < limit, "lte": number <= limit, "gt": number > limit, "gte": number >= limit}[op]


def findings(rules: list[dict], answers: dict, params: dict) -> list[Finding]:
    """The rules these (clean) answers trip, in template order."""
    return [
        Finding(rule=r["key"], category=r["category"], severity=r.get("severity", "general"), title=r["title"], title_en=r["title_en"])
        for r in rules if _matches(r["when"], answers, params)
    ]
