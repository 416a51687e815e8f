"""An organizational life meeting's per-person record is part of its minutes: once they are
finalized it is refused UPDATE, DELETE and INSERT in the database, like the attendance rows
(0002_d_minutes), the service refusing first with a message (life_notes.py).

Both tables hang off the meeting, so one guard serves them, told in the trigger's argument what
it protects; the attendance's trigger moves onto it (the message is the same)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION orglife_meeting_part_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND orglife_meeting_finalized(TG_TABLE_SCHEMA, OLD.meeting_id) THEN
        IF TG_OP = 'UPDATE' AND orglife_only_nulled_refs(to_jsonb(OLD), to_jsonb(NEW)) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '会议纪要已定稿，%不能修改或删除（% 被拒绝）', TG_ARGV[0], TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP <> 'DELETE' AND orglife_meeting_finalized(TG_TABLE_SCHEMA, NEW.meeting_id) THEN
        RAISE EXCEPTION '会议纪要已定稿，不能再添加%（% 被拒绝）', TG_ARGV[0], TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER orglife_attendee_immutable ON orglife_attendee;
DROP FUNCTION orglife_attendee_guard();
CREATE TRIGGER orglife_attendee_immutable BEFORE INSERT OR UPDATE OR DELETE ON orglife_attendee
    FOR EACH ROW EXECUTE FUNCTION orglife_meeting_part_guard('出席记录');
CREATE TRIGGER orglife_lifemeetingnote_immutable BEFORE INSERT OR UPDATE OR DELETE ON orglife_lifemeetingnote
    FOR EACH ROW EXECUTE FUNCTION orglife_meeting_part_guard('批评与自我批评记录');
"""

# The attendance keeps the shared guard (0002_d_minutes's reverse drops it with the others).
BACKWARD = """
DROP TRIGGER IF EXISTS orglife_lifemeetingnote_immutable ON orglife_lifemeetingnote;
"""


class Migration(migrations.Migration):
    dependencies = [("orglife", "0006_a_cancel_reason")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
