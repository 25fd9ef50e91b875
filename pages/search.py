"""What site search finds of the admin-editable pages and the privacy notice."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from pages.models import Page, PrivacyNotice
from portal.search import Document, Part, Searchable, html_text

SUMMARY_WORDS = 30


def page_document(page):
    return Document(title=page.title, url=page.get_absolute_url(), summary=page.summary,
                    parts=(Part("", "", html_text(page.body_html)),))


def midnight(day):
    """The local start of a day: when a version of the notice takes effect."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def privacy_document(notice):
    """A published version is found, as the privacy notice at /privacy/, from when it takes
    effect until the next published version does; None for a version that never takes
    effect (the next one begins first)."""
    later = (PrivacyNotice.objects.filter(status=PrivacyNotice.Status.PUBLISHED,
                                          effective_date__gt=notice.effective_date)
             .order_by("effective_date", "pk").first())
    live_from = max(notice.publish_at, midnight(notice.effective_date))
    ends = [notice.unpublish_at]
    if later is not None:
        ends.append(max(later.publish_at, midnight(later.effective_date)))
    live_until = min((end for end in ends if end is not None), default=None)
    if live_until is not None and live_until <= live_from:
        return None
    text = html_text(notice.body_html)
    return Document(
        title="Privacy notice", names=("Privacy policy",), url=reverse("pages:privacy"),
        summary=Truncator(text).words(SUMMARY_WORDS), parts=(Part("", "", text),),
        live_from=live_from, live_until=live_until, modified=notice.updated_at,
    )


SEARCHES = [
    Searchable(Page, "page", "Page", "Pages", page_document, suggest=False),
    Searchable(PrivacyNotice, "page", "Page", "Pages", privacy_document, suggest=False,
               together=True),
]
