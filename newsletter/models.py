import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from newsletter.addresses import address_key


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_condition(self, condition):
        """The topic offered on a condition's page, ticked in advance."""
        return self.filter(condition=condition).order_by("order").first()


class Topic(models.Model):
    name = models.CharField(
        max_length=100, help_text='Completes "I would like to learn more about ...".'
    )
    slug = models.SlugField(max_length=100, unique=True)
    condition = models.ForeignKey(
        "conditions.Condition", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="newsletter_topics",
        help_text="This topic is ticked in advance on that condition's page.",
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

    def clean(self):
        # Two topics of one name (or addresses differing only in capitals) would show as
        # two identical boxes on the signup form.
        others = Topic.objects.exclude(pk=self.pk)
        errors = {}
        if self.name and others.filter(name__iexact=self.name.strip()).exists():
            errors["name"] = "Another topic has this name: subscribers could not tell them apart."
        # (The same address exactly is refused as not unique.)
        if self.slug and others.filter(slug__iexact=self.slug).exclude(slug=self.slug).exists():
            errors["slug"] = "Another topic has this address, in other capitals."
        if errors:
            raise ValidationError(errors)


class Subscriber(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False,
        help_text="Names the subscriber in emailed links, which never show the row number.",
    )
    email = models.EmailField(max_length=254)
    email_key = models.CharField(
        max_length=254, unique=True, editable=False,
        help_text="The address as compared: one per mailbox, however it was typed.",
    )
    state = models.CharField(max_length=20, choices=State, default=State.PENDING)
    topics = models.ManyToManyField(Topic, blank=True, related_name="subscribers")
    created_at = models.DateTimeField(default=timezone.now)
    requested_at = models.DateTimeField(
        "last signup request", default=timezone.now,
        help_text="Unconfirmed signups are deleted a while after this.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    page_content = False  # shown on no public page: a signup leaves the page cache alone

    class Meta:
        ordering = ["email"]
        permissions = [("export_subscriber", "Can export subscribers as CSV")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email_key = address_key(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_key"}
        super().save(*args, **kwargs)


class Consent(models.Model):
    """What a person agreed to when they asked for the newsletter, kept as evidence."""

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False,
        help_text="Names the signup in its confirmation link, which never shows the row number.",
    )
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

    page_content = False

    class Meta:
        ordering = ["-given_at", "-pk"]
        get_latest_by = ["given_at", "pk"]

    def __str__(self):
        # In the portal's time zone, as the admin shows every other time.
        return f"Consent of {timezone.localtime(self.given_at):%Y-%m-%d %H:%M}"
