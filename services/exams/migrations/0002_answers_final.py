from django.db import migrations

# Answers are final in the database itself, whoever connects (as the dues ledger's 0002): an
# answer is written only while its attempt is started and its deadline (plus two seconds for an
# answer in flight) has not passed; once the attempt is submitted what was given never changes,
# a marked answer's marks never change, and no answer of a submitted attempt is deleted.
# Created per schema; the function reads the attempt in the schema of the table that fired.
FORWARD = """
CREATE FUNCTION exams_answer_final() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    attempt_status text;
    attempt_deadline timestamptz;
BEGIN
    EXECUTE format('SELECT status, deadline_at FROM %I.exams_attempt WHERE id = $1', TG_TABLE_SCHEMA)
        INTO attempt_status, attempt_deadline USING (CASE WHEN TG_OP = 'DELETE' THEN OLD.attempt_id ELSE NEW.attempt_id END);
    IF TG_OP = 'DELETE' THEN
        IF attempt_status IN ('submitted', 'marked') THEN
            RAISE EXCEPTION '已交卷的答案不能删除' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.given IS DISTINCT FROM OLD.given THEN
        IF attempt_status IS DISTINCT FROM 'started' OR attempt_deadline + interval '2 seconds' < now() THEN
            RAISE EXCEPTION '答题已结束，答案不能再保存或修改（% 被拒绝）', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.marked_at IS NOT NULL AND (
        NEW.points IS DISTINCT FROM OLD.points OR NEW.correct IS DISTINCT FROM OLD.correct
        OR NEW.marked_at IS DISTINCT FROM OLD.marked_at OR NEW.note IS DISTINCT FROM OLD.note
    ) THEN
        RAISE EXCEPTION '已评阅的答案不能修改' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER exams_answer_final BEFORE INSERT OR UPDATE OR DELETE ON exams_answer
    FOR EACH ROW EXECUTE FUNCTION exams_answer_final();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS exams_answer_final ON exams_answer;
DROP FUNCTION IF EXISTS exams_answer_final();
"""


class Migration(migrations.Migration):
    dependencies = [("exams", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
