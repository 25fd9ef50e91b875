from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules():
    """Each project app's `demo` module, in INSTALLED_APPS order."""
    for app_config in apps.get_app_configs():
        if not app_config.path.startswith(str(settings.BASE_DIR)):
            continue
        module_name = f"{app_config.name}.demo"
        if find_spec(module_name) is not None:
            yield import_module(module_name)


class Command(BaseCommand):
    help = "Load the demo content. Safe to run again: it updates instead of duplicating."

    def handle(self, *args, **options):
        loaded = 0
        with transaction.atomic():
            for module in demo_modules():
                summary = module.load()
                if options["verbosity"]:
                    self.stdout.write(f"{module.__name__}: {summary}")
                loaded += 1
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Demo content is loaded.") if loaded
                              else "No app has demo content yet.")
