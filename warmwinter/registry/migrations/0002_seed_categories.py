from django.db import migrations

from warmwinter.registry.categories import SEED_CATEGORIES


def seed(apps, schema_editor):
    Category = apps.get_model("registry", "Category")
    for sort, (code, name, name_en, level, has_grade, aliases) in enumerate(SEED_CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code, defaults=dict(name=name, name_en=name_en, level=level, has_grade=has_grade, aliases=aliases, sort=sort * 10)
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
