from django.core.management.base import BaseCommand

from portal import search
from portal.cache import content_changed


class Command(BaseCommand):
    help = "Write the site search index again from the published content."

    def handle(self, *args, **options):
        counts = search.rebuild()
        content_changed()  # cached search pages show the documents as now written
        if options["verbosity"]:
            for kind, count in counts.items():
                self.stdout.write(f"{kind}: {count}")
            self.stdout.write(self.style.SUCCESS(f"{sum(counts.values())} documents indexed."))
