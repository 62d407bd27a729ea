"""Answers and rules in words a reader understands (option labels, 是/否, sections)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from warmwinter.hazards.choices import HazardCategory, Severity
from warmwinter.surveys.choices import QuestionType
from warmwinter.surveys.schema import text

OP_WORDS = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}


@dataclass
class AnswerRow:
    key: str
    label: str
    value: str
    answered: bool
    photo: bool = False


def _option_label(q: dict, value) -> str:
    option = next((o for o in q.get("options", []) if o["value"] == value), None)
    return text(option) if option else str(value)


def answer_text(q: dict | None, value) -> str:
    """One stored answer as text: option labels, 是/否, numbers as written."""
    if value is None or value == "" or value == []:
        return "—"
    if q is None:
        return str(value)
    if q["type"] == QuestionType.YESNO or isinstance(value, bool):
        return _("是") if value else _("否")
    if q["type"] == QuestionType.CHOICE:
        return _option_label(q, value)
    if q["type"] == QuestionType.MULTI:
        values = value if isinstance(value, list) else [value]
        return "、".join(_option_label(q, v) for v in values)
    return str(value)


def answer_sections(template, answers: dict) -> list[tuple[str, list[AnswerRow]]]:
    """The template's questions in order, grouped by section, each with its answer (— when not asked)."""
    grouped: list[tuple[str, list[AnswerRow]]] = []
    for q in template.questions:
        section = text(q, "section")
        if not grouped or grouped[-1][0] != section:
            grouped.append((section, []))
        value = answers.get(q["key"])
        photo = q["type"] == QuestionType.PHOTO
        grouped[-1][1].append(AnswerRow(key=q["key"], label=text(q), value=answer_text(q, value),
                                        answered=value not in (None, "", []), photo=photo))
    return grouped


def category_label(value: str) -> str:
    return str(HazardCategory(value).label) if value in HazardCategory.values else value


def severity_label(value: str) -> str:
    return str(Severity(value).label) if value in Severity.values else value


def rule_condition(template, rule: dict) -> str:
    """“取暖方式 = 无取暖设施”, “存煤可用天数 < 参数 coal_days_min（默认 30）” …"""
    when = rule.get("when", {})
    q = template.question(when.get("q", "")) or {"key": when.get("q"), "label": when.get("q"), "type": "text"}
    label = f"「{text(q)}」"
    op = when.get("op")
    if op == "yes":
        return _("%(q)s 为“是”") % {"q": label}
    if op == "no":
        return _("%(q)s 为“否”") % {"q": label}
    if "param" in when:
        default = template.params.get(when["param"])
        target = _("参数 %(name)s（默认 %(value)s）") % {"name": when["param"], "value": default}
    elif op == "in":
        target = "、".join(answer_text(q, v) for v in when.get("value", []))
    else:
        target = answer_text(q, when.get("value"))
    if op == "in":
        return _("%(q)s 属于 %(values)s") % {"q": label, "values": target}
    if op == "includes":
        return _("%(q)s 包含 %(value)s") % {"q": label, "value": target}
    return f"{label} {OP_WORDS.get(op, op)} {target}"


def question_rows(template) -> list[dict]:
    """The questions of a template for the read-only template page."""
    rows = []
    for q in template.questions:
        rows.append({"key": q["key"], "section": text(q, "section"), "label": text(q), "type": QuestionType(q["type"]).label
                     if q["type"] in QuestionType.values else q["type"], "required": bool(q.get("required")),
                     "options": [text(o) for o in q.get("options", [])], "column": q.get("column", ""),
                     "range": _range(q)})
    return rows


def _range(q: dict) -> str:
    if q["type"] != QuestionType.NUMBER:
        return ""
    low, high = q.get("min", 0), q.get("max")
    return f"{low} – {high}" if high is not None else f"≥ {low}"


def rule_rows(template) -> list[dict]:
    return [{"key": r["key"], "title": text(r, "title"), "condition": rule_condition(template, r),
             "category": category_label(r.get("category", "")), "severity": r.get("severity", "general"),
             "severity_label": severity_label(r.get("severity", "general"))} for r in template.rules]
