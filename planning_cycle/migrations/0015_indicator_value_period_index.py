from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("planning_cycle", "0014_calendar"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="indicatorvalue",
            index=models.Index(
                condition=models.Q(("current", True)),
                fields=["body", "year", "period", "kind"],
                name="indicator_value_period_idx",
            ),
        ),
    ]
