from django.db import migrations


class Migration(migrations.Migration):
    """Joins the month check per statement (0003_a) and the disclosure's reduction note (0003_d)."""

    dependencies = [
        ("dues", "0003_a_month_check_per_statement"),
        ("dues", "0003_d_disclosure_reduction_note"),
    ]

    operations: list[migrations.operations.base.Operation] = []
