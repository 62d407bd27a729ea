from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "warmwinter.regions"
    label = "regions"
    verbose_name = "行政区划"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from warmwinter.audit.actions import register_action_labels

        register_action_labels({
            "region.load": _("载入区划表"),
            "region.import": _("导入区划"),
            "management_area.create": _("创建管区"),
        })
