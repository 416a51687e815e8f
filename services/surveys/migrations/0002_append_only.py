from django.db import migrations

# Submitted answers are append-only in the database itself, whoever connects (like the ledger of
# dues 0002 and the audit log): an answer, a participation, a named response or a comment is never
# updated or deleted. The ballots waiting for their batch (surveys_pendingballot) are not final:
# the batch writer deletes them once written.
TABLES = ("surveys_answer", "surveys_participation", "surveys_response", "surveys_sectioncomment")

FORWARD = """
CREATE FUNCTION surveys_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '已提交的答卷只能追加，不能修改或删除（% 被拒绝）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
""" + "".join(
    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION surveys_append_only();\n"
    for table in TABLES
)

REVERSE = "".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS surveys_append_only();"
)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
