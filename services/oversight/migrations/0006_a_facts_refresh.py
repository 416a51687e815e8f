from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0005_unit_fact_depth"),
        ("tenants", "0005_console_task_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="FactsRefresh",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("since_year", models.PositiveSmallIntegerField()),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                (
                    "institution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenants.institution"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["institution", "id"], name="facts_refresh_institution")],
            },
        ),
    ]
