"""The categories every deployment starts with (requirements.md B.3). Admins add local ones."""

# (code, Chinese name, English name, level, has_grade, aliases)
SEED_CATEGORIES = [
    ("dibao", "低保", "Minimum living allowance (dibao)", "household", False, "低保户、城乡低保、农村低保、城市低保"),
    ("tekun_centralized", "特困（集中供养）", "Extreme poverty, institutional care", "person", False, "集中供养、集中供养特困"),
    ("tekun_dispersed", "特困（分散供养）", "Extreme poverty, home care", "person", False, "分散供养、分散供养特困、特困供养、特困"),
    ("wubao", "五保", "Five guarantees (wubao)", "person", False, "五保户"),
    ("sanwu", "三无", "Three-nos person (no work ability, income or carer)", "person", False, "三无人员"),
    ("orphan", "孤儿", "Orphan", "person", False, ""),
    ("child_in_difficulty", "困境儿童", "Child in difficulty", "person", False, "事实无人抚养儿童"),
    ("left_behind_child", "留守儿童", "Left-behind child", "person", False, "农村留守儿童"),
    ("empty_nest_elderly", "空巢/独居老人", "Empty-nest or solitary elderly", "person", False, "空巢老人、独居老人、孤寡老人"),
    ("left_behind_elderly", "留守老人", "Left-behind elderly", "person", False, "农村留守老人"),
    ("disabled", "残疾人", "Person with disability (grade 1–4)", "person", True, "残疾、重度残疾人、一级残疾、二级残疾"),
    ("severe_mental_disorder", "重度精神障碍", "Severe mental disorder", "person", False, "重度精神障碍患者、精神病人"),
    ("entitled_group", "优抚对象", "Entitled group (veterans and martyrs' families)", "person", False, "重点优抚对象"),
    ("bereaved_parents", "失独家庭", "Family that lost its only child", "household", False, "计生特殊家庭"),
    ("unstable_poverty_exit", "脱贫不稳定户", "Unstable post-poverty household", "household", False, "脱贫不稳定"),
    ("edge_poverty", "边缘易致贫户", "Household at the edge of poverty", "household", False, "边缘易致贫、边缘户"),
    ("low_income", "低收入家庭", "Low-income family", "household", False, "低收入户、低收入人口"),
    ("disaster_affected", "受灾户", "Disaster-affected household", "household", False, "受灾、灾民"),
    ("demolition_relocated", "拆迁/躲迁户", "Household relocated by demolition", "household", False, "拆迁户、躲迁户"),
    ("homeless", "流浪乞讨", "Homeless or begging person", "person", False, "流浪乞讨人员、生活无着的流浪乞讨人员"),
]


def seed_categories(category_model) -> None:
    """Create or refresh the seed categories (used by the migration and after test flushes)."""
    for sort, (code, name, name_en, level, has_grade, aliases) in enumerate(SEED_CATEGORIES, start=1):
        category_model.objects.update_or_create(
            code=code, defaults=dict(name=name, name_en=name_en, level=level, has_grade=has_grade, aliases=aliases, sort=sort * 10)
        )
