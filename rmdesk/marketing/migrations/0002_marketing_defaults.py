"""The domain's default service levels and product packages, as data the bank can change."""

from django.db import migrations


def install(apps, schema_editor):
    from rmdesk.marketing.defaults import install_marketing_defaults

    install_marketing_defaults(apps.get_model("marketing", "ServiceLevelSetting"), apps.get_model("marketing", "ProductPackage"))


class Migration(migrations.Migration):
    dependencies = [("marketing", "0001_marketing_records_and_snapshots")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
