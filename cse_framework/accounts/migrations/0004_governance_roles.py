from django.db import migrations, models

from cse_framework.accounts.roles import RoleCode

NEW_ROLES = ("agency_approver", "information_governance")


def load_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code in NEW_ROLES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_team_decisions_need_authorisation")]
    operations = [
        migrations.AlterField(
            model_name="role",
            name="code",
            field=models.CharField(
                choices=RoleCode.choices, max_length=40, primary_key=True, serialize=False
            ),
        ),
        migrations.RunPython(load_roles, migrations.RunPython.noop),
    ]
