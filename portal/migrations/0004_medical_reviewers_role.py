from django.db import migrations

# A literal name, not portal.roles: a migration must not change if that module does.
ROLE = "Medical reviewers"


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_review_workflow")]

    operations = [migrations.RunPython(create_role, remove_role)]
