# The columns an import read for each field (imports/aliases.py), shown on the job's preview.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0004_import_job_lease'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='columns',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
