from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "warmwinter.care"
    label = "care"
    verbose_name = "帮扶联系"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from warmwinter.alerts import signals
        from warmwinter.audit.actions import register_action_labels

        signals.alert_activated.connect(_issue_duties, dispatch_uid="care.issue_duties")
        signals.alert_ended.connect(_end_duties, dispatch_uid="care.end_duties")
        register_action_labels({
            "care_campaign.create": _("发起帮扶联系工作"),
            "roster.build": _("生成重点关注对象名册"),
            "roster.add": _("纳入重点关注对象"),
            "roster.remove": _("移出重点关注对象"),
            "helper.register": _("登记帮扶责任人"),
            "helper.assign": _("安排帮扶责任人"),
            "contact_form.file": _("帮扶责任联系表备案"),
            "quota_rule.set": _("设置联系频次规则"),
            "contact.record": _("记录帮扶联系"),
            "care.export": _("导出帮扶联系情况"),
            "care.week_close": _("周达标结算"),
        })


def _issue_duties(sender, alert, **kwargs):
    from warmwinter.care.services_contacts import duties_issue

    duties_issue(alert=alert)


def _end_duties(sender, alert, **kwargs):
    from warmwinter.care.services_contacts import duties_end

    duties_end(alert=alert)
