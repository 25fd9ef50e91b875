"""Pages and privacy notice versions for the tests of every app."""

import datetime

from django.utils import timezone

from pages.models import Page, PrivacyNotice

PUBLISHED_AT = datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC)


def make_page(**kw):
    defaults = {
        "title": "About us",
        "slug": "about",
        "summary": "Who we are.",
        "body": "### Our team\n\nWe care for children with cancer.",
        "status": Page.Status.PUBLISHED,
        "publish_at": timezone.now() - datetime.timedelta(days=1),
    }
    return Page.objects.create(**{**defaults, **kw})


def make_notice(version, effective_date, **kw):
    defaults = {"body": f"### Version {version}\n\nWhat we keep.",
                "status": PrivacyNotice.Status.PUBLISHED,
                "publish_at": PUBLISHED_AT}
    return PrivacyNotice.objects.create(
        version=version, effective_date=effective_date, **{**defaults, **kw}
    )
