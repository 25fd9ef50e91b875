import datetime
import re

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import get_resolver, reverse
from django.utils import timezone

from portal.models import MarkdownBody, Publishable, PublishableQuerySet

RESERVED_PAGE_SLUGS = [
    "conditions", "trials", "care", "support", "newsletter", "privacy", "search", "admin",
    "static", "media", "healthz", "sitemap.xml", "robots.txt",
]


def reserved_page_slugs():
    """Slugs a page may not take: the portal's own paths, now and as the URLconf grows."""
    reserved = set(RESERVED_PAGE_SLUGS)
    patterns = list(get_resolver().url_patterns)
    while patterns:
        pattern = patterns.pop()
        first = str(pattern.pattern).lstrip("^").split("/", 1)[0]
        if not first and hasattr(pattern, "url_patterns"):
            patterns.extend(pattern.url_patterns)  # an include() at the root: look inside
        elif first and re.fullmatch(r"[\w.-]+", first):
            reserved.add(first.lower())
    return reserved


class Page(Publishable, MarkdownBody):
    class Placement(models.TextChoices):
        HEADER = "header", "Header navigation"
        FOOTER = "footer", "Footer"
        NONE = "none", "Not linked from every page"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100, unique=True, help_text="The page's address: /slug/, e.g. /about/."
    )
    summary = models.TextField(blank=True, help_text="One or two sentences shown under the title.")
    placement = models.CharField(max_length=10, choices=Placement, default=Placement.NONE)
    order = models.PositiveIntegerField(
        default=0, help_text="Links in the header or footer are listed from low to high."
    )
    meta_description = models.CharField(
        max_length=300, blank=True, help_text="For search engines; the summary is used if empty."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:page-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()  # publishing times
        if self.slug and self.slug.lower() in reserved_page_slugs():
            raise ValidationError({
                "slug": f"/{self.slug}/ is already used by the portal itself. "
                        "Please choose another address for this page."
            })


class PrivacyNoticeQuerySet(PublishableQuerySet):
    def effective(self, on=None):
        """Published versions whose effective date has come, newest first."""
        on = on or timezone.localdate()
        return self.published().filter(effective_date__lte=on).order_by("-effective_date", "-pk")

    def in_force(self, on=None):
        return self.effective(on).first()

    def next_change(self, now):
        """The local midnight a published version next takes effect (for the page cache)."""
        today = timezone.localdate(now)
        upcoming = self.published().filter(effective_date__gt=today).order_by("effective_date")
        day = upcoming.values_list("effective_date", flat=True).first()
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class PrivacyNotice(Publishable, MarkdownBody):
    version = models.SlugField(
        max_length=40, unique=True,
        help_text="A short label for this version, used in its address, e.g. 2025-01.",
    )
    effective_date = models.DateField(
        help_text="The notice is in force from this date until a newer version takes effect."
    )
    changes = models.CharField(
        "what changed", max_length=300, blank=True,
        help_text="In one sentence, what is new since the previous version.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PrivacyNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date"]
        verbose_name = "privacy notice version"

    def __str__(self):
        return f"Privacy notice {self.version}"

    def get_absolute_url(self):
        return reverse("pages:privacy-version", kwargs={"version": self.version})

    # What a version says and when it applies: fixed once it has taken effect, as families
    # have agreed to it (newsletter signups record the version in force). Its publishing
    # too: withdrawn or moved later, it would no longer look like a version that took
    # effect, and could be rewritten.
    WORDING = ("version", "effective_date", "changes", "body", "status", "publish_at",
               "unpublish_at")

    @property
    def has_taken_effect(self):
        """Published and its effective date come: in force now, or earlier."""
        return self.is_live and self.effective_date <= timezone.localdate()

    def clean(self):
        super().clean()  # publishing times
        stored = PrivacyNotice.objects.filter(pk=self.pk).first() if self.pk else None
        if stored is not None and stored.has_taken_effect:
            changed = [name for name in self.WORDING
                       if getattr(self, name) != getattr(stored, name)]
            if changed:
                date = stored.effective_date
                message = (f"Version {stored.version} has been in force since {date:%B} "
                           f"{date.day}, {date.year}: families agreed to it as it is. Add a "
                           "new version with the change instead.")
                raise ValidationError(dict.fromkeys(changed, message))
        same_day = PrivacyNotice.objects.filter(effective_date=self.effective_date)
        if self.effective_date and same_day.exclude(pk=self.pk).exists():
            raise ValidationError({
                "effective_date": "Another version takes effect on this date. "
                                  "Please choose a different date or change that version."
            })


reversion.register(Page)
reversion.register(PrivacyNotice)
