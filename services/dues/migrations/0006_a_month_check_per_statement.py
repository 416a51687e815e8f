from django.db import migrations

# Opening a month inserts every bill in one statement (20,000 rows for a large institution). The
# check that nothing is booked into a closed month (0002) ran once per row, each time planning a
# dynamic query: most of the opening's time. The same check now runs once per INSERT statement
# over the rows it inserted (a transition table), with the same message; it fires after the rows
# are in, so a refused statement is rolled back as before.
FORWARD = """
DROP TRIGGER IF EXISTS dues_entry_month_open ON dues_entry;

CREATE FUNCTION dues_booked_months_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    closed boolean;
BEGIN
    EXECUTE format(
        'SELECT EXISTS (SELECT 1 FROM inserted_entries i LEFT JOIN %I.dues_month m ON m.id = i.booked_id'
        ' WHERE m.status IS DISTINCT FROM ''open'')', TG_TABLE_SCHEMA
    ) INTO closed;
    IF closed THEN
        RAISE EXCEPTION '该月党费已结账，不能再记账；更正请记在收缴中的月份（% 被拒绝）', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER dues_entry_months_open AFTER INSERT ON dues_entry
    REFERENCING NEW TABLE AS inserted_entries
    FOR EACH STATEMENT EXECUTE FUNCTION dues_booked_months_open();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS dues_entry_months_open ON dues_entry;
DROP FUNCTION IF EXISTS dues_booked_months_open();
CREATE TRIGGER dues_entry_month_open BEFORE INSERT ON dues_entry
    FOR EACH ROW EXECUTE FUNCTION dues_booked_month_open();
"""


class Migration(migrations.Migration):
    dependencies = [("dues", "0005_b_payments")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
