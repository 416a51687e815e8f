"""Retention purges, and an index for the viewer's actor filter.

The audit table stays append-only (0002): UPDATE, TRUNCATE and a plain DELETE still raise. The
one exception is ``audit_purge_before(cutoff)``, created per schema (the public one and each
institution's, like the trigger): it runs with the transaction-local setting
``audit.purging = on`` — a function-level SET, restored when the function returns, so the
setting never outlives the purge in the caller's transaction — and the trigger lets a DELETE
through only under that setting. Both the function and the trigger also refuse rows younger
than 180 days, the legal minimum (网络安全法 第二十一条: network logs kept no less than six
months), so even a session that sets the flag by hand cannot delete recent rows.

The function is SECURITY DEFINER with a fixed search_path (its own schema), as PostgreSQL
advises for such functions. The template schema's copy is renamed with the template when an
institution is provisioned from it (tenants/provisioning.py replaces the schema name).

Reversible: the reverse drops the function and restores 0002's trigger function.

The actor index serves the viewer's actor filter (newest first).
"""

from django.db import migrations, models

# Kept literal here (a migration is frozen history); services/audit/management/commands/
# audit_purge.py has the same minimum and a test checks the two agree.
MIN_RETENTION = "180 days"

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('audit.purging', true) = 'on'
           AND OLD.occurred_at < now() - interval '%(min)s' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
""" % {"min": MIN_RETENTION}

PURGE_FUNCTION = """
DO $do$
BEGIN
    EXECUTE format($sql$
CREATE FUNCTION %%1$I.audit_purge_before(cutoff timestamptz) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = %%1$I, pg_temp
    SET audit.purging = 'on'
AS $fn$
DECLARE
    removed bigint;
BEGIN
    IF cutoff > now() - interval '%(min)s' THEN
        RAISE EXCEPTION 'audit rows are kept at least %(min)s (cutoff %%%% refused)', cutoff
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM audit_auditevent WHERE occurred_at < cutoff;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END;
$fn$
$sql$, current_schema());
END
$do$
""" % {"min": MIN_RETENTION}

DROP_PURGE_FUNCTION = """
DO $do$
BEGIN
    EXECUTE format('DROP FUNCTION IF EXISTS %I.audit_purge_before(timestamptz)', current_schema());
END
$do$
"""

ORIGINAL_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_more_events")]
    operations = [
        migrations.RunSQL([TRIGGER_FUNCTION, PURGE_FUNCTION], [DROP_PURGE_FUNCTION, ORIGINAL_TRIGGER_FUNCTION]),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor_username", "-occurred_at"], name="audit_actor_idx"),
        ),
    ]
