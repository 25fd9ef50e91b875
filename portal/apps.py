from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Site"

    def ready(self):
        from portal.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="portal-role-permissions")
