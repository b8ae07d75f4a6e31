"""The shipped master scale, expert scorecards per customer kind and rating policy (rating/defaults.py)."""

from django.db import migrations

from rmdesk.rating.defaults import install_rating_defaults


def install(apps, schema_editor):
    install_rating_defaults(
        apps.get_model("rating", "Scorecard"), apps.get_model("rating", "MasterScaleGrade"), apps.get_model("rating", "RatingPolicy")
    )


class Migration(migrations.Migration):

    dependencies = [
        ("rating", "0001_ratings_and_scorecards"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
