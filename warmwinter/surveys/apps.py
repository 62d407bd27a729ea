from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "warmwinter.surveys"
    label = "surveys"
    verbose_name = "摸排"

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.utils.translation import gettext_lazy as _

        post_migrate.connect(_seed_templates, sender=self)

        from warmwinter.audit.actions import register_action_labels

        register_action_labels({
            "survey_template.load": _("载入摸排表模板"),
            "survey_round.create": _("发起摸排"),
            "survey_round.update": _("修改摸排"),
            "survey_round.close": _("结束摸排"),
            "survey_assignment.set": _("分配摸排任务"),
            "survey_response.submit": _("提交摸排记录"),
            "survey_response.update": _("修改摸排记录"),
            "survey.import": _("导入摸底表"),
            "survey.export": _("导出摸排统计"),
            "unit_report.submit": _("报送摸排情况报告"),
            "spot_check.draw": _("抽取暗访样本"),
            "spot_check.record": _("记录暗访结果"),
        })


def _seed_templates(sender, using="default", **kwargs):
    """Shipped templates arrive with every migrate (new versions included); existing rows are kept."""
    from warmwinter.surveys.seed import seed_templates

    seed_templates()
