# The rule versions each published metric was computed under (services/oversight/fact_rules.py).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0007_dashboard_root_facts"),
        ("tenants", "0005_console_task_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="FactRules",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("metric", models.CharField(max_length=64)),
                ("period", models.CharField(max_length=7)),
                ("rules", models.JSONField()),
                ("computed_at", models.DateTimeField(verbose_name="统计时间")),
                (
                    "institution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="fact_rules", to="tenants.institution"
                    ),
                ),
            ],
            options={
                "verbose_name": "统计依据",
                "verbose_name_plural": "统计依据",
                "constraints": [
                    models.UniqueConstraint(fields=("institution", "metric", "period"), name="fact_rules_once")
                ],
            },
        ),
    ]
