"""History is append-only in the database itself on PostgreSQL: UPDATE and DELETE on
claims_claimevent raise, whoever issues them (the ORM, a bulk update, raw SQL). A claim
with history cannot be deleted either (the foreign key PROTECTs it).
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION claims_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'claim history is append-only (%% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS claims_history_append_only ON claims_claimevent;
CREATE TRIGGER claims_history_append_only BEFORE UPDATE OR DELETE ON claims_claimevent
    FOR EACH ROW EXECUTE FUNCTION claims_history_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS claims_history_append_only ON claims_claimevent;
DROP FUNCTION IF EXISTS claims_history_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_exports")]
    operations = [
        migrations.AlterField(
            model_name="claimevent",
            name="claim",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="events", to="claims.claim"
            ),
        ),
        migrations.RunPython(create, drop),
    ]
