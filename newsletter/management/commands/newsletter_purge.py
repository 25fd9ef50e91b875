from django.conf import settings
from django.core.management.base import BaseCommand

from newsletter.services import newsletter_purge


class Command(BaseCommand):
    help = (
        "Delete newsletter signups never confirmed and addresses unsubscribed long ago, and "
        "clear stored IP addresses and browser details, as the retention periods require. "
        "It also runs every night as a scheduled job (run_schedule)."
    )

    def handle(self, *args, **options):
        counts = newsletter_purge()
        self.stdout.write(
            f"Deleted {counts['pending']} unconfirmed signup(s) older than "
            f"{settings.NEWSLETTER_PENDING_RETENTION_DAYS} days and {counts['unsubscribed']} "
            f"address(es) unsubscribed more than {settings.NEWSLETTER_UNSUBSCRIBED_RETENTION_DAYS}"
            f" days ago; cleared the IP address and browser of {counts['network']} consent "
            f"record(s) older than {settings.NEWSLETTER_NETWORK_RETENTION_DAYS} days."
        )
