from import_export import fields, resources

from peer.models import PeerPerson

COLUMNS = {"serial": "序号", "head_name": "户主姓名", "name": "姓名", "relation": "与户主关系", "gender": "性别",
           "id_number": "身份证号码", "birth_date": "出生日期", "phone": "联系电话", "address": "家庭住址",
           "township": "乡镇", "village": "村（社区）", "category": "人员类别", "grade": "残疾等级"}


class PeerResource(resources.ModelResource):
    """Rows matched by ID number (like ours), otherwise django-import-export's defaults."""

    serial = fields.Field(attribute="serial", column_name=COLUMNS["serial"])
    head_name = fields.Field(attribute="head_name", column_name=COLUMNS["head_name"])
    name = fields.Field(attribute="name", column_name=COLUMNS["name"])
    relation = fields.Field(attribute="relation", column_name=COLUMNS["relation"])
    gender = fields.Field(attribute="gender", column_name=COLUMNS["gender"])
    id_number = fields.Field(attribute="id_number", column_name=COLUMNS["id_number"])
    birth_date = fields.Field(attribute="birth_date", column_name=COLUMNS["birth_date"])
    phone = fields.Field(attribute="phone", column_name=COLUMNS["phone"])
    address = fields.Field(attribute="address", column_name=COLUMNS["address"])
    township = fields.Field(attribute="township", column_name=COLUMNS["township"])
    village = fields.Field(attribute="village", column_name=COLUMNS["village"])
    category = fields.Field(attribute="category", column_name=COLUMNS["category"])
    grade = fields.Field(attribute="grade", column_name=COLUMNS["grade"])

    class Meta:
        model = PeerPerson
        import_id_fields = ("id_number",)
        fields = tuple(COLUMNS)
