"""The shipped classification, provision and inspection policies: one row each, with the domain's
defaults (the field defaults of rmdesk.risk.models), for the bank to see and change."""

from django.db import migrations


def install(apps, schema_editor):
    for name in ("ClassificationPolicy", "ProvisionPolicy", "InspectionPolicy"):
        model = apps.get_model("risk", name)
        if not model.objects.exists():
            model.objects.create()


class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0001_loan_risk_record_and_policies"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
