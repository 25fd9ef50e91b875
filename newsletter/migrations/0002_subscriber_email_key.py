from django.db import migrations, models


def fill_email_keys(apps, schema_editor):
    from newsletter.addresses import address_key

    Subscriber = apps.get_model("newsletter", "Subscriber")
    for subscriber in Subscriber.objects.only("pk", "email").iterator():
        Subscriber.objects.filter(pk=subscriber.pk).update(
            email_key=address_key(subscriber.email)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("newsletter", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="subscriber",
            name="unique_subscriber_email_any_case",
        ),
        migrations.AddField(
            model_name="subscriber",
            name="email_key",
            field=models.CharField(default="", editable=False, max_length=254),
            preserve_default=False,
        ),
        migrations.RunPython(fill_email_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscriber",
            name="email_key",
            field=models.CharField(
                editable=False, max_length=254, unique=True,
                help_text="The address as compared: one per mailbox, however it was typed.",
            ),
        ),
    ]
