"""Fill the new columns of existing rows, and on PostgreSQL add trigram search of family names."""

from django.db import migrations

from referrals.matching_keys import name_key, normalise_postcode


def fill(apps, schema_editor):
    Child = apps.get_model("referrals", "Child")
    for child in Child.objects.all():
        child.postcode = normalise_postcode(child.postcode)
        child.family_name_key = name_key(child.family_name)
        child.given_name_key = name_key(child.given_names)
        child.save()
    Referral = apps.get_model("referrals", "Referral")
    for referral in Referral.objects.filter(referrer_name="").select_related("referrer"):
        referral.referrer_name = referral.referrer.full_name
        referral.referrer_job_title = referral.referrer.job_title
        referral.referrer_phone = referral.referrer.phone
        referral.referrer_email = referral.referrer.email
        referral.save()


TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS child_family_name_trgm ON referrals_child "
    "USING gin (family_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS alias_name_trgm ON referrals_childalias "
    "USING gin (name gin_trgm_ops)",
]


def trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in TRIGRAM:
            schema_editor.execute(statement)


def no_trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS child_family_name_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS alias_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_register_marf_matches")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram, no_trigram),
    ]
