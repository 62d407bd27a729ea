"""Forms of the problem-list and premises pages. The rules live in hazards.services; a form only
shapes the input and shows each problem on its field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from warmwinter.hazards import workflow
from warmwinter.hazards.choices import HazardCategory, PremisesKind, Severity
from warmwinter.hazards.selectors import INSPECTION_KINDS
from warmwinter.registry.forms import MAX_REGION_OPTIONS
from warmwinter.surveys.choices import ResponseKind

DATE_WIDGET = {"type": "date"}
REGION_CODE_HELP = _("12 位区划代码，如 520402005001")
EVIDENCE_ACCEPT = "image/*,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos at once (a phone's camera roll); the service checks their type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


def region_choice_field(regions: list, *, label) -> forms.Field:
    """A select of regions (indented by level); a code box when there are too many for a select."""
    if len(regions) > MAX_REGION_OPTIONS:
        return forms.CharField(label=label, max_length=12, help_text=REGION_CODE_HELP)
    top = min((r.level for r in regions), default=0)
    return forms.ChoiceField(label=label, choices=[("", "—")] + [(r.code, "\u3000" * (r.level - top) + r.name) for r in regions])


def _date(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))


class HazardFieldsMixin(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), choices=HazardCategory.choices)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.GENERAL,
                                 help_text=_("重大问题将立即上报县级并通知有关人员。"))
    title = forms.CharField(label=_("问题描述"), max_length=200)
    description = forms.CharField(label=_("详细情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=100, required=False)
    responsible_person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    deadline = _date(_("整改期限"))


class HazardReportForm(HazardFieldsMixin):
    """A manual entry on the problem list; the region only when no household or premises is given."""

    region = forms.CharField(label=_("所属区划"))
    evidence = MultipleFileField(label=_("照片佐证"), help_text=_("可选多张照片（JPG、PNG、WEBP、HEIC）或 PDF，每个不超过 10 MB。"))

    field_order = ["region", "category", "severity", "title", "description", "responsible_unit", "responsible_person", "deadline", "evidence"]

    def __init__(self, *args, regions: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is None:
            del self.fields["region"]
        else:
            self.fields["region"] = region_choice_field(regions, label=_("所属区划"))
            if len(regions) == 1:
                self.fields["region"].initial = regions[0].code
        self.fields["deadline"].help_text = _("不填则一般问题 7 天、重大问题 3 天。")
        self.order_fields(self.field_order)


class HazardEditForm(HazardFieldsMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(hazard) -> dict:
        return {f: getattr(hazard, f) for f in ("category", "severity", "title", "description", "responsible_unit",
                                                 "responsible_person", "deadline", "version")}


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(choices=[(t.name, t.label) for t in workflow.TRANSITIONS.values()], widget=forms.HiddenInput)
    note = forms.CharField(label=_("处置说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)
    evidence = MultipleFileField(label=_("照片佐证"))


class PremisesForm(forms.Form):
    region = forms.CharField(label=_("所属区划"))
    name = forms.CharField(label=_("场所名称"), max_length=100)
    kind = forms.ChoiceField(label=_("场所类型"), choices=PremisesKind.choices)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    operator = forms.CharField(label=_("经营/管理单位"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("安全责任人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel"}))
    active = forms.BooleanField(label=_("在用"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, regions: list | None = None, premises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if premises is None:
            self.fields["region"] = region_choice_field(regions or [], label=_("所属乡镇（街道）或村（社区）"))
            if regions and len(regions) == 1:
                self.fields["region"].initial = regions[0].code
            del self.fields["active"]
            del self.fields["version"]
        else:
            del self.fields["region"]

    @staticmethod
    def initial_for(premises) -> dict:
        return {f: getattr(premises, f) for f in ("name", "kind", "address", "operator", "contact_name", "contact_phone", "active", "version")}


class InspectionForm(forms.Form):
    """Who inspected, how and when; the checklist answers come from surveys.forms.AnswerForm."""

    kind = forms.ChoiceField(label=_("检查类型"), choices=[(k.value, k.label) for k in INSPECTION_KINDS],
                             initial=ResponseKind.SELF_INSPECTION, widget=forms.RadioSelect)
    inspectors = forms.CharField(label=_("检查人员"), max_length=200, required=False,
                                 help_text=_("姓名，多人用顿号分隔；联合检查请写明单位"))
    night = forms.BooleanField(label=_("夜间检查"), required=False)
    extreme_weather = forms.BooleanField(label=_("雨雪冰冻/寒潮等极端天气期间检查"), required=False)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        if template is not None and template.question(NIGHT_QUESTION) is not None:
            del self.fields["night"]  # the checklist asks it itself
            del self.fields["extreme_weather"]


NIGHT_QUESTION = "night_or_extreme_weather"  # the shipped p10 checklist's own question
NIGHT_NOTE = _("【夜间检查】")
WEATHER_NOTE = _("【极端天气】")


def inspection_notes(*, notes: str, night: bool, extreme_weather: bool) -> str:
    """The night / extreme-weather flags (plan 7 asks for more checks then) written at the head of the notes."""
    flags = ("" if not night else str(NIGHT_NOTE)) + ("" if not extreme_weather else str(WEATHER_NOTE))
    return f"{flags}{(notes or '').strip()}"


def inspection_input(template, *, answers: dict, notes: str, night: bool, extreme_weather: bool) -> tuple[dict, str]:
    """(answers, notes) to store: the flags answer the checklist's own question when it has one, else head the notes."""
    if template.question(NIGHT_QUESTION) is None:
        return answers, inspection_notes(notes=notes, night=night, extreme_weather=extreme_weather)
    if (night or extreme_weather) and NIGHT_QUESTION not in answers:
        answers = {**answers, NIGHT_QUESTION: True}
    return answers, (notes or "").strip()
