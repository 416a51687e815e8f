from django.db import migrations

# The ledger is append-only in the database itself, whoever connects (like the audit log's 0002
# and finalized minutes): an entry or a use line is never updated or deleted, an entry is never
# booked into a closed month, and a closed month (or a closed year) never reopens. A change that
# only empties a reference (ON DELETE SET NULL of a removed account) goes through.
# Created per schema; the functions read the month in the schema of the table that fired.
FORWARD = """
CREATE FUNCTION dues_only_nulled_refs(old_row jsonb, new_row jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
    SELECT NOT EXISTS (
        SELECT 1 FROM jsonb_each(new_row) AS n(key, value)
        WHERE n.value IS DISTINCT FROM old_row -> n.key
          AND NOT (n.key LIKE '%\\_by\\_id' AND n.value = 'null'::jsonb)
    )
$$;

CREATE FUNCTION dues_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND dues_only_nulled_refs(to_jsonb(OLD), to_jsonb(NEW)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '党费账目只能追加，不能修改或删除；如需更正，请记一笔冲正（% 被拒绝）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION dues_booked_month_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    month_status text;
BEGIN
    EXECUTE format('SELECT status FROM %I.dues_month WHERE id = $1', TG_TABLE_SCHEMA)
        INTO month_status USING NEW.booked_id;
    IF month_status IS DISTINCT FROM 'open' THEN
        RAISE EXCEPTION '该月党费已结账，不能再记账；更正请记在收缴中的月份（% 被拒绝）', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION dues_month_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'closed' THEN
            RAISE EXCEPTION '已结账的党费月份不能删除' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'closed' AND NEW.status <> 'closed' THEN
        RAISE EXCEPTION '已结账的党费月份不能重新打开' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.year_closed AND NOT NEW.year_closed THEN
        RAISE EXCEPTION '已结账的党费年度不能重新打开' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER dues_entry_append_only BEFORE UPDATE OR DELETE ON dues_entry
    FOR EACH ROW EXECUTE FUNCTION dues_append_only();
CREATE TRIGGER dues_entry_month_open BEFORE INSERT ON dues_entry
    FOR EACH ROW EXECUTE FUNCTION dues_booked_month_open();
CREATE TRIGGER dues_useentry_append_only BEFORE UPDATE OR DELETE ON dues_useentry
    FOR EACH ROW EXECUTE FUNCTION dues_append_only();
CREATE TRIGGER dues_month_guard BEFORE UPDATE OR DELETE ON dues_month
    FOR EACH ROW EXECUTE FUNCTION dues_month_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS dues_month_guard ON dues_month;
DROP TRIGGER IF EXISTS dues_useentry_append_only ON dues_useentry;
DROP TRIGGER IF EXISTS dues_entry_month_open ON dues_entry;
DROP TRIGGER IF EXISTS dues_entry_append_only ON dues_entry;
DROP FUNCTION IF EXISTS dues_month_guard();
DROP FUNCTION IF EXISTS dues_booked_month_open();
DROP FUNCTION IF EXISTS dues_append_only();
DROP FUNCTION IF EXISTS dues_only_nulled_refs(jsonb, jsonb);
"""


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
