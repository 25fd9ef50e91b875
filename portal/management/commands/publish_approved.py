from django.core.management.base import BaseCommand

from portal.publishing import publish_due_drafts


class Command(BaseCommand):
    help = "Publish the approved changes to live pages whose publishing time has come."

    def handle(self, *args, **options):
        count = publish_due_drafts()
        self.stdout.write(f"published: {count}")
