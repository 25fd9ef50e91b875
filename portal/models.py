import re
import uuid

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from portal.markdown import render_markdown


class CurrentTime(models.Expression):
    """The current time, read each time the query is compiled, that is each time it runs.

    A filter on it stays right however long before running its queryset was built, so the
    busiest pages can build theirs once (portal.querysets.built_once); a test that moves
    the clock moves it too."""

    output_field = models.DateTimeField()

    def as_sql(self, compiler, connection):
        return "%s", [self.output_field.get_db_prep_value(timezone.now(), connection)]


def within_schedule(at):
    """Rows whose publishing times hold the moment `at`: from publish_at, and until
    unpublish_at when there is one."""
    return models.Q(publish_at__lte=at) & (
        models.Q(unpublish_at__isnull=True) | models.Q(unpublish_at__gt=at))


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(within_schedule(CurrentTime()), status=Publishable.Status.PUBLISHED)


class DerivedOnSave(models.Model):
    """Fields computed from others whenever the object is saved, also by
    save(update_fields=...), so they never go stale.

    A model names its Markdown fields in `markdown_fields` ({source field: HTML field}); each
    is rendered and sanitised on save. Other computed values come from `derived_values()`."""

    markdown_fields = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        values = {html_field: self.markdown_html(source)
                  for source, html_field in self.markdown_fields.items()}
        values.update(self.derived_values())
        for name, value in values.items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *values}
        super().save(*args, **kwargs)

    def markdown_html(self, source):
        """The sanitised HTML of one of the markdown_fields."""
        return render_markdown(getattr(self, source))

    def derived_values(self):
        return {}


class Publishable(models.Model):
    """Draft/published status with a publication time: the public sees only what is live."""

    # Whether its changes are published by a medical reviewer's approval (condition pages
    # and stories), not by its editors (portal.review_admin.ReviewedAdminMixin).
    medical_review = False

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish from",
        default=timezone.now,
        help_text="Published content appears from this time on.",
    )
    unpublish_at = models.DateTimeField(
        "unpublish from", null=True, blank=True,
        help_text="Leave empty to keep it public; otherwise it disappears at this time.",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    # Addresses are lower case: a slug typed with capitals is kept in lower case, before the
    # check for an address already taken ("Neuroblastoma" is refused beside "neuroblastoma"),
    # so that an address typed in other capitals can only lead to one page.
    def save(self, *args, **kwargs):
        self.lower_slug()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.unpublish_at and self.publish_at and self.unpublish_at <= self.publish_at:
            raise ValidationError({"unpublish_at": "Unpublishing must come after publishing."})

    def clean_fields(self, exclude=None):
        self.lower_slug()
        super().clean_fields(exclude=exclude)

    def lower_slug(self):
        slug = getattr(self, "slug", None)
        if isinstance(slug, str):
            self.slug = slug.lower()

    @property
    def is_live(self):
        now = timezone.now()
        return (self.status == self.Status.PUBLISHED and self.publish_at <= now
                and (self.unpublish_at is None or self.unpublish_at > now))

    @property
    def publication_state(self):
        """Draft, Scheduled, Live or Expired, from the status and the two times."""
        now = timezone.now()
        if self.status != self.Status.PUBLISHED:
            return "Draft"
        if self.unpublish_at is not None and self.unpublish_at <= now:
            return "Expired"
        return "Scheduled" if self.publish_at > now else "Live"


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

    markdown_fields = {"body": "body_html"}

    class Meta:
        abstract = True

    def markdown_html(self, source):
        html = super().markdown_html(source)
        return re.sub(r"<(/?)h([345])>", lambda tag: f"<{tag[1]}h{int(tag[2]) - 1}>", html)


class ScheduledJob(models.Model):
    """When a recurring job (portal.schedule) was last queued, and which task ran it."""

    name = models.CharField(max_length=100, unique=True)
    last_queued_at = models.DateTimeField(null=True, blank=True)
    last_result_id = models.CharField("last task", max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def last_result(self):
        """The queue's record of the last run (None when tasks ran at once, as in tests)."""
        from django_tasks_db.models import DBTaskResult

        if not self.last_result_id:
            return None
        try:
            uuid.UUID(self.last_result_id)
        except ValueError:  # run by another backend (at once): never in the queue
            return None
        return DBTaskResult.objects.filter(id=self.last_result_id).first()

    def last_run_failed(self):
        result = self.last_result()
        return result is not None and result.status == "FAILED"


class ReviewerProfile(models.Model):
    """How a medical reviewer is named on the pages they approve."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    display_name = models.CharField(max_length=200, help_text="For example: Dr Ana Ruiz.")
    credentials = models.CharField(
        max_length=200, blank=True, help_text="For example: MD, Pediatric Oncology."
    )

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return f"{self.display_name}, {self.credentials}" if self.credentials else (
            self.display_name
        )


class Draft(models.Model):
    """An item's work in progress: the pending change of a live item (its content as
    serialized data, applied when published) and where the item is in review."""

    class State(models.TextChoices):
        EDITING = "editing", "Draft"
        IN_REVIEW = "in_review", "In review"
        SENT_BACK = "sent_back", "Sent back"
        APPROVED = "approved", "Approved, scheduled"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    item = GenericForeignKey("content_type", "object_id")
    item_name = models.CharField(max_length=300)
    data = models.JSONField(
        null=True, blank=True,
        help_text="The changed content of a live item; empty when changes are saved in place.",
    )
    state = models.CharField(max_length=20, choices=State, default=State.EDITING)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="drafts",
    )
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When an approved change goes live."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_draft_per_item")
        ]
        verbose_name = "item in review"
        verbose_name_plural = "review queue"
        permissions = [
            ("approve_draft", "Can approve and publish condition pages and stories"),
        ]

    def __str__(self):
        return f"{self.item_name} ({self.get_state_display()})"


class ReviewStep(models.Model):
    """One step of an item's review, kept for its history."""

    class Action(models.TextChoices):
        SAVED = "saved", "Saved a draft"
        SUBMITTED = "submitted", "Submitted for review"
        SENT_BACK = "sent_back", "Sent back"
        APPROVED = "approved", "Approved and published"
        SCHEDULED = "scheduled", "Approved, to publish later"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded the draft"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    item = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=20, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} by {self.user} on {self.created_at:%Y-%m-%d}"


class SearchDocumentQuerySet(models.QuerySet):
    def live(self, at=None):
        """Documents the public may find now: scheduled ones join when their time comes and
        leave when their unpublish time passes."""
        return self.filter(within_schedule(at or CurrentTime()))


class SearchDocument(models.Model):
    """What site search reads for one published object, written when the object (or one of
    its parts) is saved. Feature apps describe their documents in their `search` modules.

    Weights: A = title, other names and identifiers; B = summary; C = the headings of the
    body's parts; D = body text. The body's parts (sections, parking, transit...) are kept
    with their anchors for deep links. On PostgreSQL `search_vector` (A to D) finds the
    matches and `head_vector` (A to C) ranks them."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=30, db_index=True)
    title = models.CharField(max_length=500)
    names = models.TextField(blank=True, help_text="The title and other names, one per line.")
    code = models.CharField(max_length=30, blank=True, db_index=True,
                            help_text="An identifier that leads straight to the page.")
    summary = models.TextField(blank=True)
    headings = models.TextField(
        blank=True, help_text="The headings of the body's parts, one per line: a page with a "
                              "part headed by the words ranks above one that only mentions "
                              "them.")
    body = models.TextField(blank=True)
    parts = models.JSONField(default=list, blank=True,
                             help_text="[[anchor, heading, text], ...] of the body.")
    url = models.CharField(max_length=500)
    boost = models.FloatField(default=0)
    # Not indexed: nearly every document is live, so an index would never narrow a search,
    # and a prepared search statement's plan would combine it with the text indexes.
    publish_at = models.DateTimeField()
    unpublish_at = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(null=True, blank=True)
    badge = models.CharField(
        max_length=60, blank=True,
        help_text="A short status shown with the result, e.g. a trial's “Open to new "
                  "patients”.")
    badge_style = models.CharField(max_length=20, blank=True,
                                   help_text="The badge's look: a status group, e.g. “open”.")
    fuzzy_names = models.TextField(
        blank=True, help_text="The names that tolerate misspellings (trigram-indexed); empty "
                              "for kinds with very many documents, such as trials.")
    search_vector = SearchVectorField(null=True, editable=False)
    head_vector = SearchVectorField(
        null=True, editable=False,
        help_text="Names, summary and headings only: small, so ranking thousands of matches "
                  "stays fast.")
    indexed_at = models.DateTimeField(auto_now=True)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"],
                                    name="unique_search_document"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class SearchWord(models.Model):
    """One word of the live search documents, from which "Did you mean" picks the
    corrections of a misspelt search ("parkng" -> "parking"). Words are added as documents
    are written or go live, and written again each night from the live documents
    (portal.search.keep_words, rebuild_words)."""

    word = models.CharField(max_length=40, unique=True)

    def __str__(self):
        return self.word


class SearchPromotion(models.Model):
    """A page editors offer above the results of a search, for words the pages do not hold
    as families type them ("prognosis" -> the outlook part of a condition page). Shown only
    while the page is live; at most three for one search (portal.search.promoted)."""

    page_content = True  # shown on the search page: a change renders it afresh

    query = models.CharField(
        "search", max_length=100,
        help_text="The words families type, e.g. “prognosis”. Capitals, punctuation, word "
                  "order, common words such as “what is the” and endings such as -s make no "
                  "difference: “What is the prognosis?” is the same search.")
    url = models.CharField(
        "page address", max_length=500,
        help_text="The address of a published page of this site without its domain, e.g. "
                  "/conditions/neuroblastoma/, with a part's anchor if you like "
                  "(/conditions/neuroblastoma/#treatment), or one of the site's own lists, "
                  "such as /trials/.")
    title = models.CharField(max_length=200, blank=True,
                             help_text="Left empty: the page's own title, as it is then.")
    summary = models.CharField(max_length=300, blank=True,
                               help_text="One sentence on what families find there.")
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Pages offered for the same search are listed lowest first.")
    # Derived on save (portal.search): the words as searches are matched, and the address
    # without its anchor, as the search index writes it.
    words = models.CharField(max_length=200, editable=False, db_index=True)
    path = models.CharField(max_length=500, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["query", "order", "pk"]
        verbose_name = "page offered for a search"
        verbose_name_plural = "pages offered for searches"
        constraints = [models.UniqueConstraint(fields=["words", "path"],
                                               name="unique_search_promotion")]

    def __str__(self):
        # No quotation marks of its own: the admin's messages put it in theirs.
        return f"{self.query}: {self.title or self.url}"

    def save(self, *args, **kwargs):
        from portal.search import promotion_key, promotion_path

        self.words = promotion_key(self.query)
        self.path = promotion_path(self.url)
        super().save(*args, **kwargs)

    def clean(self):
        from portal.search import check_promotion

        check_promotion(self)


OTHER_SEARCHES_LABEL = "(other searches, past the day's limit)"


class SearchQueryStat(models.Model):
    """How often a normalised search was made on a day, and how many results it found.
    Nothing about who searched is kept. A day keeps at most MAX_DAILY_SEARCHES different
    searches (portal.search); the searches past them are counted together in one row whose
    query is empty (OTHER_SEARCHES), so no visitor can make the table grow without limit."""

    query = models.CharField(max_length=100)
    day = models.DateField()
    count = models.PositiveIntegerField("searches", default=0)
    results = models.PositiveIntegerField("results found", default=0)

    class Meta:
        ordering = ["-day", "-count"]
        verbose_name = "search made"
        verbose_name_plural = "searches made"
        constraints = [
            models.UniqueConstraint(fields=["query", "day"], name="unique_search_query_day"),
        ]
        # Counting a day's different searches, before each write of the counts.
        indexes = [models.Index(fields=["day", "query"], name="portal_searchstat_day")]

    def __str__(self):
        return f"{self.query or OTHER_SEARCHES_LABEL} ({self.day})"


reversion.register(SearchPromotion)
