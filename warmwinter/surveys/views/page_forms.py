"""Forms of the survey pages other than the answers themselves (surveys/forms.py has AnswerForm)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from warmwinter.regions.codes import normalize
from warmwinter.surveys.models import SurveyTemplate

# Thresholds templates let a round override (schema.py `params`), named for the form.
PARAM_LABELS = {
    "coal_days_min": _("存煤至少可用天数（天）"),
    "coal_stock_days_min": _("存煤至少可用天数（天）"),
}
NUMBER_NEEDED = _("请填数字")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _region_field(choices, label, *, required: bool = True) -> forms.Field:
    if choices is None:  # too many for a select: type the code
        return forms.CharField(label=label, required=required, max_length=12,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": _("区划代码")}))
    return forms.ChoiceField(label=label, choices=choices, required=required)


class RegionCodeMixin:
    def clean_region(self) -> str:
        value = self.cleaned_data.get("region") or ""
        try:
            return normalize(value)
        except ValueError:
            raise forms.ValidationError(_("请填写正确的区划代码。")) from None


class RoundForm(RegionCodeMixin, forms.Form):
    """A new round: template, region, window, optional deadline with a time, template thresholds."""

    template = forms.ModelChoiceField(label=_("摸排表模板"), queryset=SurveyTemplate.objects.none(), empty_label=None)
    name = forms.CharField(label=_("名称"), max_length=100, required=False, help_text=_("不填则用模板名称"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    report_deadline = forms.DateTimeField(
        label=_("报送截止时间"), required=False, help_text=_("选填，如“11月8日12:00前报送”；不填则以结束日期为准"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        templates = list(SurveyTemplate.objects.filter(active=True).order_by("code", "-version"))
        self.fields["template"].queryset = SurveyTemplate.objects.filter(active=True).order_by("code", "-version")
        self.fields["region"] = _region_field(regions, _("摸排范围"))
        self.order_fields(["template", "region", "name", "starts_on", "ends_on", "report_deadline"])
        # One box per threshold any template has; the page shows those of the chosen template.
        self.param_templates: dict[str, list[int]] = {}
        defaults: dict[str, set] = {}
        for template in templates:
            for name, default in (template.params or {}).items():
                self.param_templates.setdefault(name, []).append(template.pk)
                defaults.setdefault(name, set()).add(str(default))
        for name, pks in self.param_templates.items():
            values = defaults[name]
            self.fields[f"param_{name}"] = forms.CharField(
                label=PARAM_LABELS.get(name, name), required=False,
                help_text=(_("不填则用模板默认值 %(value)s") % {"value": next(iter(values))} if len(values) == 1
                           else _("不填则用模板默认值")),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "data-templates": " ".join(str(pk) for pk in pks)}),
            )

    def param_fields(self):
        return [self[f"param_{name}"] for name in self.param_templates]

    def clean(self):
        data = super().clean()
        template = data.get("template")
        data["params"] = {}
        if template is None:
            return data
        for name, default in (template.params or {}).items():
            raw = (data.get(f"param_{name}") or "").strip()
            if not raw:
                continue
            if isinstance(default, bool) or not isinstance(default, int | float):
                data["params"][name] = raw
                continue
            try:
                number = Decimal(raw)
            except InvalidOperation:
                self.add_error(f"param_{name}", NUMBER_NEEDED)
                continue
            data["params"][name] = int(number) if number == number.to_integral_value() else float(number)
        return data


class SheetForm(forms.Form):
    """What goes with the answers: who was seen, notes, inspectors, and the double-tap guard."""

    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    persons = forms.MultipleChoiceField(label=_("见到的家庭成员"), required=False, widget=forms.CheckboxSelectMultiple)
    inspectors = forms.CharField(label=_("检查人员"), max_length=200, required=False)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members: list[tuple[str, str]] | None = None, premises: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["persons"]
        else:
            self.fields["persons"].choices = members
        if not premises:
            del self.fields["inspectors"]


DEFAULT_SECTIONS = [("situation", _("现状")), ("problems", _("问题")), ("measures", _("对策")), ("suggestions", _("建议"))]


class UnitReportForm(RegionCodeMixin, forms.Form):
    """The unit's situation report: 现状、问题、对策 (required), 建议."""

    situation = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    suggestions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units: list[tuple[str, str]], labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = forms.ChoiceField(label=_("报送单位"), choices=units)
        self.order_fields(["region", "situation", "problems", "measures", "suggestions"])
        for key, label in labels.items():
            self.fields[key].label = label


class SpotCheckForm(RegionCodeMixin, forms.Form):
    size = forms.IntegerField(label=_("抽查户数（处数）"), min_value=1, max_value=1000,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = _region_field(regions, _("抽查范围"))
        self.order_fields(["region", "size"])


class AssignmentForm(forms.Form):
    """Give a village, or some of its households, to a surveyor."""

    surveyor = forms.ChoiceField(label=_("摸排人"))
    households = forms.MultipleChoiceField(label=_("指定家庭（不选则整村）"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, surveyors: list[tuple[str, str]], households: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["surveyor"].choices = [("", "—")] + surveyors
        self.fields["households"].choices = households
