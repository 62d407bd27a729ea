from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "warmwinter.alerts"
    label = "alerts"
    verbose_name = "气象预警"

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.utils.translation import gettext_lazy as _

        from warmwinter.audit.actions import register_action_labels

        post_migrate.connect(_seed_rules, sender=self)
        register_action_labels({
            "alert.record": _("录入气象预警"),
            "alert.end": _("预警结束"),
            "alert_rule.update": _("修改预警响应规则"),
        })


def _seed_rules(sender, **kwargs):
    from warmwinter.alerts.services import seed_rules

    seed_rules()
