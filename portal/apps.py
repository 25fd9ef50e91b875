from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models.signals import post_migrate


def feature_modules(name):
    """The `name` module (e.g. "demo", "search") of each feature app (settings.FEATURE_APPS)
    that has one, in that order. Third-party apps are never asked."""
    for app_name in settings.FEATURE_APPS:
        app_config = apps.get_app_config(app_name.rpartition(".")[2])
        module_name = f"{app_config.name}.{name}"
        if find_spec(module_name) is not None:
            yield import_module(module_name)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Site"

    def ready(self):
        from portal import cache, deploy_checks, search  # noqa: F401  (deploy_checks registers checks)
        from portal.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="portal-role-permissions")
        from django.db.models.signals import post_delete

        from portal.publishing import forget_drafts

        post_delete.connect(forget_drafts, dispatch_uid="portal-forget-drafts")
        cache.connect_signals()  # content changes empty the page cache
        search.connect_signals()  # and rewrite the search index
