from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "warmwinter.hazards"
    label = "hazards"
    verbose_name = "问题清单"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from warmwinter.audit.actions import register_action_labels
        from warmwinter.hazards.workflow import TRANSITIONS

        labels = {
            "hazard.report": _("登记问题"),
            "hazard.update": _("修改问题"),
            "premises.register": _("登记场所"),
            "premises.update": _("修改场所"),
            "premises.inspect": _("场所检查"),
            "hazard.export": _("导出问题清单"),
        }
        labels.update({f"hazard.{t.name}": t.label for t in TRANSITIONS.values()})
        register_action_labels(labels)
