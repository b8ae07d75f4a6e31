"""The shipped credit policy and placeholder net capital (credit/defaults.py)."""

from django.db import migrations

from rmdesk.credit.defaults import install_credit_defaults


def install(apps, schema_editor):
    install_credit_defaults(apps.get_model("credit", "CreditPolicySetting"), apps.get_model("credit", "NetCapital"))


class Migration(migrations.Migration):

    dependencies = [
        ("credit", "0003_credit_lifecycle"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
