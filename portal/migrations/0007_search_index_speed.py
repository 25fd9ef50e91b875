from django.db import migrations, models

# A GIN index with "fastupdate" (PostgreSQL's default) first appends new entries to an
# unsorted pending list that every search reads in full until VACUUM merges it. The search
# index is written only when content is saved, and read on every search: after a bulk
# rebuild, 11,000 pending documents made each search several times slower. Without the
# list, each write updates the index at once.
INDEXES = ["portal_searchdoc_vector_gin", "portal_searchdoc_fuzzy_trgm"]


def without_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
            # Setting it does not merge what is already pending.
            schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"ALTER INDEX {name} RESET (fastupdate)")


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0006_review_step_discarded"),
    ]

    operations = [
        migrations.RunPython(without_pending_list, with_pending_list),
        migrations.AlterField(
            model_name="searchdocument",
            name="publish_at",
            field=models.DateTimeField(),
        ),
    ]
