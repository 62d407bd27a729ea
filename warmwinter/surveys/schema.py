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

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from warmwinter.hazards.choices import HazardCategory
from warmwinter.surveys.choices import QuestionType

OPS = {"eq", "ne", "in", "lt", "lte", "gt", "gte", "yes", "no", "includes"}
# Which question types each op can test (eq/ne/in also take a choice's option values).
OP_TYPES = {"yes": {QuestionType.YESNO}, "no": {QuestionType.YESNO}, "includes": {QuestionType.MULTI},
            **{op: {QuestionType.NUMBER} for op in ("lt", "lte", "gt", "gte")},
            **{op: {QuestionType.CHOICE, QuestionType.NUMBER, QuestionType.TEXT} for op in ("eq", "ne", "in")}}
SEVERITIES = {"general", "major"}
# Between the picks of a multi-choice cell in the 摸底表: 煤炉、电暖器 / 煤炉，电暖器 / 煤炉;电暖器
MULTI_SEPARATORS = re.compile(r"([,，、;；\n])")
RATE_KEYS = ("leaflet_given", "education_given")
TRUE_WORDS = {"是", "有", "已", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "无", "没有", "未", "n", "no", "false", "0", "×", "✗"}


def text(item: dict, field: str = "label") -> str:
    """The item's label (or title) in the reader's language."""
    if (get_language() or "").startswith("en") and item.get(f"{field}_en"):
        return item[f"{field}_en"]
    return item.get(field, "")


def _question_problems(q: dict, columns: set) -> list[str]:
    key, problems = q.get("key"), []
    if q.get("type") not in QuestionType.values:
        problems.append(f"{key}: unknown type {q.get('type')!r}")
    if q.get("type") in (QuestionType.CHOICE, QuestionType.MULTI) and not q.get("options"):
        problems.append(f"{key}: a choice question needs options")
    if not q.get("label") or not q.get("label_en"):
        problems.append(f"{key}: label and label_en are both required")
    spellings: set[str] = set()
    for option in q.get("options", []):
        if not option.get("value") or not option.get("label") or not option.get("label_en"):
            problems.append(f"{key}: option {option.get('value')!r} needs value, label and label_en")
        # Each spelling (value or label, any language) must name one option, or an Excel cell is ambiguous.
        own = {str(option.get(f, "")).strip().lower() for f in ("value", "label", "label_en")} - {""}
        for spelling in sorted(own & spellings):
            problems.append(f"{key}: option spelling {spelling!r} is used twice")
        spellings |= own
    column = q.get("column")
    if column and column in columns:
        problems.append(f"{key}: column {column!r} is used twice")
    columns.add(column)
    return problems


def _rule_problems(rule: dict, by_key: dict, params: dict) -> list[str]:
    name, when, problems = rule.get("key"), rule.get("when", {}), []
    q = by_key.get(when.get("q"))
    if q is None:
        problems.append(f"rule {name}: unknown question {when.get('q')!r}")
    if when.get("op") not in OPS:
        problems.append(f"rule {name}: unknown op {when.get('op')!r}")
    elif q is not None and q.get("type") not in OP_TYPES[when["op"]]:
        problems.append(f"rule {name}: op {when['op']!r} cannot test a {q.get('type')} question")
    if "param" in when and when["param"] not in params:
        problems.append(f"rule {name}: unknown param {when['param']!r}")
    if when.get("op") == "in" and not isinstance(when.get("value"), list):
        problems.append(f"rule {name}: op 'in' needs a list value")
    if q is not None and q.get("options") and when.get("op") in ("eq", "ne", "in", "includes"):
        values = {o.get("value") for o in q["options"]}
        wanted = when.get("value") if isinstance(when.get("value"), list) else [when.get("value")]
        for value in wanted:
            if value not in values:
                problems.append(f"rule {name}: {value!r} is not an option of {q['key']}")
    if not rule.get("title") or not rule.get("title_en") or not rule.get("category"):
        problems.append(f"rule {name}: title, title_en and category are required")
    elif rule["category"] not in HazardCategory.values:
        problems.append(f"rule {name}: unknown category {rule['category']!r}")
    if rule.get("severity", "general") not in SEVERITIES:
        problems.append(f"rule {name}: unknown severity {rule['severity']!r}")
    return problems


def template_problems(questions: list[dict], rules: list[dict], params: dict) -> list[str]:
    """Everything wrong with a template definition (empty when it is sound)."""
    problems, by_key, columns = [], {}, set()
    for q in questions:
        key = q.get("key")
        if not key or key in by_key:
            problems.append(f"question key missing or repeated: {key!r}")
        by_key[key] = q
        problems += _question_problems(q, columns)
    rule_keys = set()
    for rule in rules:
        if not rule.get("key") or rule["key"] in rule_keys:
            problems.append(f"rule key missing or repeated: {rule.get('key')!r}")
        rule_keys.add(rule.get("key"))
        problems += _rule_problems(rule, by_key, params)
    return problems


def _option_values(q: dict) -> dict[str, str]:
    """Accepted spellings (value, Chinese label, English label) → value."""
    found = {}
    for option in q.get("options", []):
        for spelling in (option["value"], option.get("label", ""), option.get("label_en", "")):
            if spelling:
                found[str(spelling).strip().lower()] = option["value"]
    return found


def _split_multi(raw: str, options: dict[str, str]) -> list[str]:
    """The picks in one multi-choice cell. Separators split it, except inside an option's own label
    (P6's "低保、特困、孤儿、贫困户基本生活" is one pick): the longest run of pieces that spells an option wins."""
    parts = MULTI_SEPARATORS.split(raw)  # piece, separator, piece, separator, ..., piece
    pieces, items, i = (len(parts) + 1) // 2, [], 0
    while i < pieces:
        j = next((j for j in range(pieces - 1, i, -1) if "".join(parts[2 * i:2 * j + 1]).strip().lower() in options), i)
        items.append("".join(parts[2 * i:2 * j + 1]))
        i = j + 1
    return items


def _yes_no(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):  # an Excel cell holding 1 or 0.0
        return value == 1
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
        if not number.is_finite():
            raise ValueError(_("请填数字"))
        if number < Decimal(str(q.get("min", 0))):
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
        options = _option_values(q)
        items = value if isinstance(value, list) else _split_multi(str(value), options)
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
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def clean_answers(questions: list[dict], answers: dict) -> tuple[dict, list[tuple[str, str]]]:
    """(clean answers, [(question key, message)]). Unknown keys are errors, not silently dropped."""
    clean, errors = {}, []
    by_key = {q["key"]: q for q in questions}
    for key in answers:
        if key not in by_key:
            errors.append((key, _("没有这道题：%(key)s") % {"key": key}))
    for q in questions:
        try:
            value = None if _blank(answers.get(q["key"])) else clean_answer(q, answers[q["key"]])
        except ValueError as exc:
            errors.append((q["key"], f"{text(q)}：{exc}"))
            continue
        if not _blank(value):
            clean[q["key"]] = value
        elif q.get("required") and q["type"] != QuestionType.PHOTO:  # blank, or only separators ("、")
            errors.append((q["key"], _("%(label)s：必填") % {"label": text(q)}))
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
