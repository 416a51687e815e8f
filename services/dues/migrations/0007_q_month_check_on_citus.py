from django.db import migrations

# The per-statement check that nothing is booked into a closed month (0006) joined its
# transition table with dues_month in one query. On Citus the trigger runs on the worker, where
# dues_month is a distributed table and Citus's planner cannot join it with a transition table
# ("unrecognized RTE kind"). The same check in two steps: the months booked (the transition
# table alone), then how many of them are open (dues_month alone); same message, same outcome.
FORWARD = """
CREATE OR REPLACE FUNCTION dues_booked_months_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    booked bigint[];
    closed boolean;
BEGIN
    SELECT array_agg(DISTINCT booked_id) FILTER (WHERE booked_id IS NOT NULL), bool_or(booked_id IS NULL)
        INTO booked, closed FROM inserted_entries;
    IF NOT coalesce(closed, false) AND booked IS NOT NULL THEN
        EXECUTE format(
            'SELECT count(*) <> $2 FROM %I.dues_month WHERE id = ANY($1) AND status = ''open''', TG_TABLE_SCHEMA
        ) INTO closed USING booked, cardinality(booked);
    END IF;
    IF closed THEN
        RAISE EXCEPTION '该月党费已结账，不能再记账；更正请记在收缴中的月份（% 被拒绝）', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION dues_booked_months_open() RETURNS trigger LANGUAGE plpgsql AS $$
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
$$
"""


class Migration(migrations.Migration):
    dependencies = [("dues", "0006_a_month_check_per_statement")]

    operations = [migrations.RunSQL([FORWARD], [BACKWARD])]
