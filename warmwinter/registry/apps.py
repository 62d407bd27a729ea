from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "warmwinter.registry"
    label = "registry"
    verbose_name = "台账"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from warmwinter.audit.actions import register_action_labels

        register_action_labels({
            "household.register": _("登记家庭"),
            "household.update": _("修改家庭"),
            "person.register": _("登记人员"),
            "person.update": _("修改人员"),
            "person.reveal_id": _("查看完整身份证号"),
            "category.assign": _("认定人员类别"),
            "category.end": _("终止人员类别"),
            "category.create": _("新增人员类别"),
            "ledger.import": _("导入台账"),
            "ledger.export": _("导出台账"),
            "ledger.upload": _("上传台账文件"),
            "ledger.error_report": _("下载导入错误报告"),
            "duplicate.link": _("确认为同一人"),
            "duplicate.dismiss": _("排除疑似重复"),
            "crosscheck.run": _("信息比对"),
            "duplicate.find": _("查找疑似重复"),
            "crosscheck.confirm": _("确认比对疑点属实"),
            "crosscheck.dismiss": _("排除比对疑点"),
        })
