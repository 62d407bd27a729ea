from django.db import migrations

from warmwinter.registry.categories import seed_categories


def seed(apps, schema_editor):
    seed_categories(apps.get_model("registry", "Category"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
