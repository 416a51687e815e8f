from django.db import migrations, models


class Migration(migrations.Migration):
    """Import jobs say what their file is: the roster, or a kind another capability registers."""

    dependencies = [
        ("members", "0009_appraisal_result"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="kind",
            field=models.CharField(default="roster", max_length=30),
        ),
    ]
