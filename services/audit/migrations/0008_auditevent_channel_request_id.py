# Two columns with a constant default: PostgreSQL adds them without rewriting the table or
# touching its rows (the append-only trigger sees no UPDATE).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_task_retried_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="channel",
            field=models.CharField(blank=True, db_default="", default="", max_length=16, verbose_name="途径"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="request_id",
            field=models.CharField(blank=True, db_default="", default="", max_length=64, verbose_name="请求编号"),
        ),
    ]
