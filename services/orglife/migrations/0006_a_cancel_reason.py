"""A cancelled meeting keeps why and when it was called off."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orglife", "0005_e_life_notes")]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="cancel_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="取消原因"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="取消时间"),
        ),
    ]
