"""A Django form built from a survey template's questions, for the phone page and premises inspections.

Answers go through surveys.schema.clean_answers in the service, so the form only shapes the input:
yes/no as two radio buttons (a phone needs big targets, not a checkbox that cannot say "not asked").
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from warmwinter.surveys.choices import QuestionType
from warmwinter.surveys.schema import text

YES_NO = [("true", _("是")), ("false", _("否"))]


def _field(q: dict) -> forms.Field:
    label = text(q)
    required = bool(q.get("required")) and q["type"] != QuestionType.PHOTO
    if q["type"] == QuestionType.YESNO:
        return forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect, required=required)
    if q["type"] == QuestionType.CHOICE:
        return forms.ChoiceField(label=label, choices=[(o["value"], text(o)) for o in q["options"]], widget=forms.RadioSelect, required=required)
    if q["type"] == QuestionType.MULTI:
        return forms.MultipleChoiceField(label=label, choices=[(o["value"], text(o)) for o in q["options"]],
                                         widget=forms.CheckboxSelectMultiple, required=required)
    if q["type"] == QuestionType.NUMBER:
        return forms.DecimalField(label=label, required=required, min_value=q.get("min", 0), max_value=q.get("max"),
                                  widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    if q["type"] == QuestionType.PHOTO:
        return forms.FileField(label=label, required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    """One field per question (named `q_<key>`), grouped by section for the template to render."""

    def __init__(self, *args, template, previous: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey_template = template
        for q in template.questions:
            name = f"q_{q['key']}"
            self.fields[name] = _field(q)
            self.fields[name].section = text(q, "section")
            if previous and q["key"] in previous and q["type"] != QuestionType.PHOTO:
                value = previous[q["key"]]
                self.initial[name] = ("true" if value else "false") if isinstance(value, bool) else value

    def sections(self) -> list[tuple[str, list]]:
        grouped: list[tuple[str, list]] = []
        for name in self.fields:
            if not name.startswith("q_"):
                continue
            section = getattr(self.fields[name], "section", "")
            if not grouped or grouped[-1][0] != section:
                grouped.append((section, []))
            grouped[-1][1].append(self[name])
        return grouped

    def answers(self) -> dict:
        """The raw answers for the service (which validates them); photos are handled by the view."""
        found = {}
        for q in self.survey_template.questions:
            if q["type"] == QuestionType.PHOTO:
                continue
            value = self.cleaned_data.get(f"q_{q['key']}")
            if value in (None, "", []):
                continue
            if q["type"] == QuestionType.YESNO:
                value = value == "true"
            elif q["type"] == QuestionType.NUMBER:
                value = float(value) if value != value.to_integral_value() else int(value)
            found[q["key"]] = value
        return found

    def photo_uploads(self) -> dict:
        return {q["key"]: self.cleaned_data.get(f"q_{q['key']}") for q in self.survey_template.questions
                if q["type"] == QuestionType.PHOTO and self.cleaned_data.get(f"q_{q['key']}")}
