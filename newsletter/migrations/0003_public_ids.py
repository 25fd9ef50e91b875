import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    for name in ["Subscriber", "Consent"]:
        model = apps.get_model("newsletter", name)
        for pk in model.objects.values_list("pk", flat=True).iterator():
            model.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("newsletter", "0002_subscriber_email_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="consent",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscriber",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True,
                help_text="Names the subscriber in emailed links, which never show the row number.",
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True,
                help_text="Names the signup in its confirmation link, which never shows the row "
                          "number.",
            ),
        ),
    ]
