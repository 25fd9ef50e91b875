import re
import uuid

from django.db import models
from django.utils import timezone

from portal.markdown import render_markdown


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Publishable.Status.PUBLISHED, publish_at__lte=timezone.now())


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
