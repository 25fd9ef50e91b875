"""Deployment checks of our own (Django system checks), run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from portal.conf import DEVELOPMENT_SECRET_KEY


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_published_one(app_configs, **kwargs):
    if settings.SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        return [Warning(
            "DJANGO_SECRET_KEY is the development key published with the code.",
            hint="Set DJANGO_SECRET_KEY to a long random value kept secret "
                 "(python -c 'import secrets; print(secrets.token_urlsafe(50))').",
            id="portal.W001",
        )]
    return []


@register(Tags.caches, deploy=True)
def check_shared_cache_in_production(app_configs, **kwargs):
    if not settings.DEBUG and not settings.REDIS_URL:
        return [Warning(
            "REDIS_URL is not set: rate limits, login throttling and the page cache live in "
            "each process's memory and do not hold across workers.",
            hint="Set REDIS_URL to the Redis server shared by every worker.",
            id="portal.W002",
        )]
    return []
