from django.db import migrations

from cse_framework.accounts.roles import RoleCode


def load_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code in RoleCode:
        Role.objects.get_or_create(code=code.value)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load_roles, migrations.RunPython.noop)]
