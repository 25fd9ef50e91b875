import re

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import get_resolver, reverse
from django.utils import timezone

from portal.markdown import render_markdown


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Publishable.Status.PUBLISHED, publish_at__lte=timezone.now())


class DerivedOnSave(models.Model):
    """Fields computed from others (rendered Markdown, normalised ages) whenever the object is
    saved, also by save(update_fields=...), so they never go stale."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        values = self.derived_values()
        for name, value in values.items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *values}
        super().save(*args, **kwargs)

    def derived_values(self):
        return {}


class Publishable(models.Model):
    """Draft/published status with a publication time: the public sees only what is live."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish from",
        default=timezone.now,
        help_text="Published content appears from this time on.",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_live(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()


RESERVED_PAGE_SLUGS = [
    "conditions", "trials", "care", "support", "newsletter", "privacy", "search", "admin",
    "static", "media", "healthz", "sitemap.xml", "robots.txt",
]


def reserved_page_slugs():
    """Slugs a page may not take: the portal's own paths, now and as the URLconf grows."""
    reserved = set(RESERVED_PAGE_SLUGS)
    for pattern in get_resolver().url_patterns:
        first = str(pattern.pattern).lstrip("^").split("/", 1)[0]
        if first and re.fullmatch(r"[\w.-]+", first):
            reserved.add(first.lower())
    return reserved


class MarkdownBody(DerivedOnSave):
    """A Markdown body, rendered and sanitised once, when saved.

    The body follows the page's h1 directly, so its ### headings become h2, and so on down.
    """

    body = models.TextField(
        blank=True,
        help_text="Markdown: paragraphs, lists, **bold**, links; a line starting with ### is a "
                  "heading, #### a heading below it.",
    )
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True

    def derived_values(self):
        html = render_markdown(self.body)
        return {"body_html": re.sub(r"<(/?)h([345])>",
                                    lambda tag: f"<{tag[1]}h{int(tag[2]) - 1}>", html)}


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
        return reverse("page-detail", kwargs={"slug": self.slug})

    def clean(self):
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
        return reverse("privacy-version", kwargs={"version": self.version})

    def clean(self):
        same_day = PrivacyNotice.objects.filter(effective_date=self.effective_date)
        if self.effective_date and same_day.exclude(pk=self.pk).exists():
            raise ValidationError({
                "effective_date": "Another version takes effect on this date. "
                                  "Please choose a different date or change that version."
            })


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_condition(self, condition):
        """The topic offered on a condition's page: linked to it, or else sharing its slug."""
        linked = models.Q(condition=condition)
        same_slug = models.Q(condition__isnull=True, slug=condition.slug)
        return self.filter(linked | same_slug).order_by(
            models.F("condition").asc(nulls_last=True), "order"
        ).first()


class Topic(models.Model):
    name = models.CharField(
        max_length=100, help_text='Completes "I would like to learn more about ...".'
    )
    slug = models.SlugField(max_length=100, unique=True)
    condition = models.ForeignKey(
        "conditions.Condition", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="newsletter_topics",
        help_text="This topic is ticked in advance on that condition's page. Without a "
                  "condition, a topic with the same slug as a condition is used.",
    )
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(
        "offered", default=True, help_text="Untick to stop offering this topic on the forms."
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Subscriber(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(max_length=254)
    state = models.CharField(max_length=20, choices=State, default=State.PENDING)
    topics = models.ManyToManyField(Topic, blank=True, related_name="subscribers")
    created_at = models.DateTimeField(default=timezone.now)
    requested_at = models.DateTimeField(
        "last signup request", default=timezone.now,
        help_text="Unconfirmed signups are deleted a while after this.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_subscriber_email_any_case"),
        ]
        permissions = [("export_subscriber", "Can export subscribers as CSV")]

    def __str__(self):
        return self.email


class Consent(models.Model):
    """What a person agreed to when they asked for the newsletter, kept as evidence."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    given_at = models.DateTimeField(default=timezone.now)
    wording = models.TextField(help_text="The consent statement exactly as the form showed it.")
    privacy_version = models.CharField(
        "privacy notice version", max_length=40, blank=True,
        help_text="The version in force when the form was sent; empty if there was none.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    topic_names = models.TextField(
        "topics chosen", blank=True, help_text="The topics' names when consent was given."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField("browser", max_length=300, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        get_latest_by = ["given_at", "pk"]

    def __str__(self):
        return f"Consent of {self.given_at:%Y-%m-%d %H:%M}"


reversion.register(Page)
reversion.register(PrivacyNotice)
