from django.core.management.base import BaseCommand
from django.db import transaction

from portal import search
from portal.apps import feature_modules


class Command(BaseCommand):
    help = "Load the demo content. Safe to run again: it updates instead of duplicating."

    def handle(self, *args, **options):
        loaded = 0
        with transaction.atomic(), search.deferred(write=False):
            for module in feature_modules("demo"):
                summary = module.load()
                if options["verbosity"]:
                    self.stdout.write(f"{module.__name__}: {summary}")
                loaded += 1
        indexed = sum(search.rebuild().values())
        if options["verbosity"]:
            self.stdout.write(f"search index: {indexed} documents")
            self.stdout.write(self.style.SUCCESS("Demo content is loaded.") if loaded
                              else "No app has demo content yet.")
