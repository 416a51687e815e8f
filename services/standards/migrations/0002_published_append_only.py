from django.db import migrations

# A published indicator system never changes, and a review step is never rewritten, whoever connects (like the dues ledger's 0002 and
# finalized minutes): its row is never updated back or deleted, and its nodes are never added,
# updated or deleted. The only change let through empties a user reference (ON DELETE SET NULL
# of a removed account). Created per schema; the node guard reads the system in the schema of the
# table that fired.
FORWARD = """
CREATE FUNCTION standards_only_nulled_refs(old_row jsonb, new_row jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
    SELECT NOT EXISTS (
        SELECT 1 FROM jsonb_each(new_row) AS n(key, value)
        WHERE n.value IS DISTINCT FROM old_row -> n.key
          AND NOT (n.key LIKE '%\\_by\\_id' AND n.value = 'null'::jsonb)
          AND NOT (n.key = 'based_on_id' AND n.value = 'null'::jsonb)
    )
$$;

CREATE FUNCTION standards_system_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'published' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' AND standards_only_nulled_refs(to_jsonb(OLD), to_jsonb(NEW)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '已发布的指标体系不能修改或删除；请在其基础上新建版本（% 被拒绝）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION standards_node_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    system_status text;
    system_id bigint;
BEGIN
    system_id := CASE WHEN TG_OP = 'INSERT' THEN NEW.system_id ELSE OLD.system_id END;
    EXECUTE format('SELECT status FROM %I.standards_indicatorsystem WHERE id = $1', TG_TABLE_SCHEMA)
        INTO system_status USING system_id;
    IF system_status = 'published' THEN
        RAISE EXCEPTION '已发布的指标体系不能修改或删除；请在其基础上新建版本（% 被拒绝）', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.system_id <> OLD.system_id THEN
        RAISE EXCEPTION '指标不能移到另一个指标体系' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;

-- A review step is the record of who decided what: append-only.
CREATE FUNCTION standards_step_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND standards_only_nulled_refs(to_jsonb(OLD), to_jsonb(NEW)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '审核记录只能追加，不能修改或删除（% 被拒绝）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER standards_step_append_only BEFORE UPDATE OR DELETE ON standards_reviewstep
    FOR EACH ROW EXECUTE FUNCTION standards_step_append_only();
CREATE TRIGGER standards_system_guard BEFORE UPDATE OR DELETE ON standards_indicatorsystem
    FOR EACH ROW EXECUTE FUNCTION standards_system_guard();
CREATE TRIGGER standards_node_guard BEFORE INSERT OR UPDATE OR DELETE ON standards_indicatornode
    FOR EACH ROW EXECUTE FUNCTION standards_node_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS standards_step_append_only ON standards_reviewstep;
DROP FUNCTION IF EXISTS standards_step_append_only();
DROP TRIGGER IF EXISTS standards_node_guard ON standards_indicatornode;
DROP TRIGGER IF EXISTS standards_system_guard ON standards_indicatorsystem;
DROP FUNCTION IF EXISTS standards_node_guard();
DROP FUNCTION IF EXISTS standards_system_guard();
DROP FUNCTION IF EXISTS standards_only_nulled_refs(jsonb, jsonb);
"""


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
