from django.db import migrations

# An accepted ideological report is final in the database itself, whoever connects (like the dues
# ledger's 0002): its row is never updated or deleted, its attachments are never added, changed
# or removed, and no note is added to it; a note is never changed or deleted at all. A change that
# only empties a reference (ON DELETE SET NULL of a removed account) goes through.
# Created per schema; the functions read the report in the schema of the table that fired.
FORWARD = """
CREATE FUNCTION thought_reports_only_nulled_refs(old_row jsonb, new_row jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
    SELECT NOT EXISTS (
        SELECT 1 FROM jsonb_each(new_row) AS n(key, value)
        WHERE n.value IS DISTINCT FROM old_row -> n.key
          AND NOT ((n.key LIKE '%\\_by\\_id' OR n.key = 'author_id') AND n.value = 'null'::jsonb)
    )
$$;

CREATE FUNCTION thought_reports_report_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'accepted' THEN
        IF TG_OP = 'UPDATE' AND thought_reports_only_nulled_refs(to_jsonb(OLD), to_jsonb(NEW)) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '已通过的思想汇报不能修改或删除（% 被拒绝）', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION thought_reports_part_final() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    report_status text;
    report bigint;
BEGIN
    IF TG_OP = 'UPDATE' AND thought_reports_only_nulled_refs(to_jsonb(OLD), to_jsonb(NEW)) THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'thought_reports_note' AND TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION '思想汇报的审阅意见不能修改或删除（% 被拒绝）', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        report := OLD.report_id;
    ELSE
        report := NEW.report_id;
    END IF;
    EXECUTE format('SELECT status FROM %I.thought_reports_report WHERE id = $1', TG_TABLE_SCHEMA)
        INTO report_status USING report;
    IF report_status = 'accepted' THEN
        RAISE EXCEPTION '已通过的思想汇报不能修改，附件和审阅意见亦不能增删（% 被拒绝）', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER thought_reports_report_final BEFORE UPDATE OR DELETE ON thought_reports_report
    FOR EACH ROW EXECUTE FUNCTION thought_reports_report_final();
CREATE TRIGGER thought_reports_attachment_final BEFORE INSERT OR UPDATE OR DELETE ON thought_reports_attachment
    FOR EACH ROW EXECUTE FUNCTION thought_reports_part_final();
CREATE TRIGGER thought_reports_note_final BEFORE INSERT OR UPDATE OR DELETE ON thought_reports_note
    FOR EACH ROW EXECUTE FUNCTION thought_reports_part_final();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS thought_reports_note_final ON thought_reports_note;
DROP TRIGGER IF EXISTS thought_reports_attachment_final ON thought_reports_attachment;
DROP TRIGGER IF EXISTS thought_reports_report_final ON thought_reports_report;
DROP FUNCTION IF EXISTS thought_reports_part_final();
DROP FUNCTION IF EXISTS thought_reports_report_final();
DROP FUNCTION IF EXISTS thought_reports_only_nulled_refs(jsonb, jsonb);
"""


class Migration(migrations.Migration):
    dependencies = [("thought_reports", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
