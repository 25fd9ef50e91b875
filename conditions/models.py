import datetime
import re

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from portal.checks import text_checks
from portal.models import DerivedOnSave, Publishable, PublishableQuerySet
from portal.publishing import add_months
from portal.readability import flesch_kincaid_grade
from portal.validators import validate_image_file

REVIEW_DUE_SOON_DAYS = 30
REVIEW_INTERVAL_ERROR = "Enter 1 or more: the months from one review to the next."
# The home page lists at most this many conditions (Condition.featured).
HOME_CONDITIONS = 12


RESERVED_ANCHORS = frozenset({"staging-categories", "references", "key-facts", "recognition",
                              "recommended-reading", "page-title"})


def unique_anchor(text, taken):
    """A slug for a heading id that is not in `taken` (adds -2, -3...)."""
    base = slugify(text)[:70] or "section"
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    return anchor


class ConditionQuerySet(PublishableQuerySet):
    def review_due(self, within_days=REVIEW_DUE_SOON_DAYS):
        """Conditions whose next review date has passed or comes within `within_days`."""
        limit = timezone.localdate() + datetime.timedelta(days=within_days)
        return self.filter(next_review_due__lte=limit)

    def for_home(self):
        """The published conditions the home page lists: the featured ones, or the first
        ones A to Z when none is featured; HOME_CONDITIONS at most, by name."""
        published = self.published()
        featured = published.filter(featured=True)
        chosen = published.filter(Q(featured=True) | ~Exists(featured))
        return chosen.order_by("name")[:HOME_CONDITIONS]


class Condition(Publishable):
    medical_review = True  # published by a medical reviewer's approval

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="One or two plain sentences shown under the title.")
    featured = models.BooleanField(
        "Show on the home page", default=False,
        help_text="The home page lists up to 12 featured conditions, A to Z, under "
                  "“Conditions we treat” (the first 12 of all when none is featured). "
                  "Every published condition stays in the A to Z list.",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    reviewer_name = models.CharField(max_length=200, blank=True)
    reviewer_role = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="owned_conditions", limit_choices_to={"is_staff": True},
        help_text="The staff member who keeps this page current; reminded before each review.",
    )
    reviewer = models.ForeignKey(
        "portal.ReviewerProfile", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="Set by a medical reviewer's approval.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        "review every (months)", default=12,
        validators=[MinValueValidator(1, REVIEW_INTERVAL_ERROR)],
        help_text="When a reviewer approves the page, the next review is due this many months "
                  "later.",
    )
    disclaimer = models.TextField(
        blank=True,
        help_text="Leave empty to show the site-wide medical review statement.",
    )
    meta_description = models.CharField(
        max_length=300, blank=True, help_text="For search engines; the summary is used if empty."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("conditions:condition-detail", kwargs={"slug": self.slug})

    @classmethod
    def live_by_other_name(cls, slug):
        """The live condition that one of its other names would give this address
        ("/conditions/wilms-tumor/" for Nephroblastoma), or None. Reads only the other names
        that begin with the address's first word."""
        first = slug.split("-", 1)[0]
        if not first:
            return None
        names = Synonym.objects.filter(condition__in=cls.objects.published(),
                                       name__istartswith=first).select_related("condition")
        return next((synonym.condition for synonym in names
                     if slugify(synonym.name) == slug.lower()), None)

    def clean(self):
        super().clean()
        if self.last_reviewed and self.next_review_due and (
            self.next_review_due <= self.last_reviewed
        ):
            raise ValidationError({"next_review_due": "The next review must come after the last."})

    def mark_reviewed(self, user):
        """A medical reviewer's approval: reviewed today, by them, next due after the
        page's review interval."""
        today = timezone.localdate()
        self.last_reviewed = today
        self.next_review_due = add_months(today, self.review_interval_months)
        profile = getattr(user, "reviewer_profile", None)
        if profile is not None:
            self.reviewer = profile
            self.reviewer_name = profile.display_name
            self.reviewer_role = profile.credentials

    def publication_checks(self):
        """What to fix before publishing: [sentence]."""
        sections = list(self.sections.prefetch_related("subsections"))
        anchors = set(RESERVED_ANCHORS) | {s.anchor for s in sections} | {
            sub.anchor for s in sections for sub in s.subsections.all()
        }
        problems = []
        for section in sections:
            name = f"Section “{section.heading}”"
            subsections = list(section.subsections.all())
            if not section.body.strip() and not subsections:
                problems.append(f"{name} is empty.")
            problems += text_checks(name, section.body_html, grade=section.reading_grade,
                                    anchors=anchors)
            for sub in subsections:
                problems += text_checks(f"Subsection “{sub.heading}”", sub.body_html,
                                        grade=sub.reading_grade, anchors=anchors)
        if not self.references.exists():
            problems.append("The page has no references.")
        if not self.last_reviewed:
            problems.append("The page has no review date yet: approving it sets one.")
        return problems

    @property
    def shown_disclaimer(self):
        return self.disclaimer or settings.CONDITION_DISCLAIMER

    @property
    def review_state(self):
        if not self.next_review_due:
            return ""
        today = timezone.localdate()
        if self.next_review_due < today:
            return "overdue"
        if self.next_review_due <= today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS):
            return "due soon"
        return "current"


class ConditionDueForReview(Condition):
    """Admin list of conditions whose review is overdue or due soon."""

    class Meta:
        proxy = True
        verbose_name = "condition due for review"
        verbose_name_plural = "conditions due for review"


class ReviewReminder(models.Model):
    """A review reminder sent for one due date at one stage, so it is never sent twice."""

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", "Due within 30 days"
        OVERDUE = "overdue", "Overdue"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=10, choices=Stage)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "stage", "due_date"],
                                    name="one_reminder_per_stage_and_due_date"),
        ]

    def __str__(self):
        return f"{self.condition}: {self.get_stage_display()} ({self.due_date})"


class Synonym(models.Model):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="synonyms")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "name"], name="unique_synonym")
        ]

    def __str__(self):
        return self.name


class KeyFact(models.Model):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="key_facts")
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class RenderedMarkdown(DerivedOnSave):
    """A Markdown body rendered and sanitised on save, with its reading grade."""

    body = models.TextField(blank=True, help_text="Markdown: paragraphs, lists, **bold**, links.")
    body_html = models.TextField(blank=True, editable=False)
    reading_grade = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, editable=False,
        help_text="Flesch-Kincaid grade level of the text (aim for 8 or lower).",
    )

    markdown_fields = {"body": "body_html"}

    class Meta:
        abstract = True

    def derived_values(self):
        return {"reading_grade": flesch_kincaid_grade(self.body)}


class Section(RenderedMarkdown):
    class Kind(models.TextChoices):
        OVERVIEW = "overview", "Overview"
        SYMPTOMS = "symptoms", "Symptoms"
        WHEN_TO_SEE_DOCTOR = "when_to_see_doctor", "When to see a doctor"
        CAUSES = "causes", "Causes"
        RISK_FACTORS = "risk_factors", "Risk factors"
        PREVENTION = "prevention", "Prevention"
        COMPLICATIONS = "complications", "Complications"
        DIAGNOSIS = "diagnosis", "Diagnosis"
        STAGING = "staging", "Staging"
        TREATMENT = "treatment", "Treatment"
        OUTLOOK = "outlook", "Outlook"
        QUESTIONS = "questions", "Questions to ask your care team (shown as a checklist)"
        OTHER = "other", "Other"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.OTHER)
    heading = models.CharField(max_length=200)
    anchor = models.SlugField(
        max_length=80, blank=True,
        help_text="The heading's id for links (#anchor). Set once from the heading, then kept.",
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "anchor"], name="unique_section_anchor")
        ]

    def __str__(self):
        return f"{self.condition}: {self.heading}"

    def save(self, *args, **kwargs):
        if not self.anchor:
            taken = set(
                Section.objects.filter(condition_id=self.condition_id)
                .exclude(pk=self.pk).values_list("anchor", flat=True)
            ) | RESERVED_ANCHORS
            self.anchor = unique_anchor(self.heading, taken)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.condition.get_absolute_url()}#{self.anchor}"


class Subsection(RenderedMarkdown):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="subsections")
    order = models.PositiveIntegerField(default=0)
    heading = models.CharField(max_length=200)
    anchor = models.SlugField(max_length=120, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.heading

    def save(self, *args, **kwargs):
        if not self.anchor:
            taken = set(
                Subsection.objects.filter(section__condition_id=self.section.condition_id)
                .exclude(pk=self.pk).values_list("anchor", flat=True)
            )
            self.anchor = unique_anchor(f"{self.section.anchor} {self.heading}", taken)
        super().save(*args, **kwargs)


class StagingCategory(models.Model):
    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="staging_categories"
    )
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    definition = models.TextField()

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "staging categories"

    def __str__(self):
        return f"{self.condition}: {self.name}"

    @property
    def anchor(self):
        """The id of its entry in the page's staging list."""
        return f"staging-{slugify(self.name)}"

    @property
    def treatment_anchor(self):
        """The id of its heading in the page's treatment by category. A colon never
        appears in a slugified heading's anchor ("treatment-high-risk" may be a
        subsection's), so this id cannot collide."""
        return f"treatment:{slugify(self.name)}"

    def option_groups(self):
        """Options grouped by age group, in order: [(age group label or "", [options])]."""
        groups = {}
        for option in self.options.all():
            label = option.get_age_group_display() if option.age_group else ""
            groups.setdefault(label, []).append(option)
        return list(groups.items())


class TreatmentOption(models.Model):
    class AgeGroup(models.TextChoices):
        ALL = "", "All ages"
        UNDER_1 = "under_1", "Younger than 1 year"
        ONE_OR_OLDER = "1_or_older", "1 year or older"

    category = models.ForeignKey(
        StagingCategory, on_delete=models.CASCADE, related_name="options"
    )
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=300)
    age_group = models.CharField(max_length=20, choices=AgeGroup, blank=True, default="")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


FIRST_REFERENCE_YEAR = 1800


# 10.<the registrant's number, maybe with dotted parts>/<the work's own part>.
DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")

# "In: Pizzo PA, Poplack DG, eds. " before a book's title in a chapter's source.
BOOK_EDITORS = re.compile(r"^\s*in:\s*(?:.*?,\s*eds?\.\s*)?", re.IGNORECASE)


class Reference(models.Model):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="references")
    order = models.PositiveIntegerField(default=0)
    authors = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=500)
    source = models.CharField(
        max_length=300, blank=True,
        help_text="The journal, the website, or the publisher of a document such as "
                  "prescribing information. For a chapter, the book as citations write it: "
                  "In: its editors, eds. Its title. Edition. Publisher",
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=50, blank=True, help_text="Volume and issue, e.g. 39(29).")
    pages = models.CharField(max_length=50, blank=True)
    doi = models.CharField(
        "DOI", max_length=200, blank=True,
        help_text="Only the DOI itself, e.g. 10.1200/JCO.21.00278.",
    )
    url = models.URLField("URL", max_length=500, blank=True)
    accessed = models.DateField(null=True, blank=True, help_text="When a web page was read.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    @property
    def kind(self):
        """What the work is, read from how it is cited: a chapter (its source starts
        "In:"), a journal article (a volume or a DOI), a web page (a link), or another
        document (prescribing information, a report) from its publisher."""
        if self.source.lstrip().lower().startswith("in:"):
            return "chapter"
        if self.volume or self.doi:
            return "article"
        return "web page" if self.url else "document"

    @property
    def cited_source(self):
        """The source without a full stop of its own: the citation adds its punctuation."""
        return self.source.strip().rstrip(".").rstrip()

    @property
    def book(self):
        """A chapter's book, without the "In:" and the editors before its title."""
        return BOOK_EDITORS.sub("", self.cited_source).strip()

    def clean(self):
        # Every problem at once, so that one save shows them all.
        errors = {}
        this_year = timezone.localdate().year
        if self.year is not None and not FIRST_REFERENCE_YEAR <= self.year <= this_year + 1:
            errors["year"] = (f"Enter the year it was published, from {FIRST_REFERENCE_YEAR} "
                              f"to {this_year + 1} (for a work in press).")
        if self.accessed is not None and self.accessed > timezone.localdate():
            errors["accessed"] = "Enter the day the page was read: it cannot be later than today."
        # A DOI pasted as a link or with its "doi:" label keeps only the DOI itself.
        doi = re.sub(r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)", "", self.doi.strip(),
                     flags=re.IGNORECASE).strip()
        if doi and not doi.startswith("10."):
            errors["doi"] = "A DOI starts with 10., e.g. 10.1200/JCO.21.00278."
        elif doi and not DOI.match(doi):
            errors["doi"] = ("A DOI is 10., the publisher's number, a slash and the work's own "
                             "part, with no spaces, e.g. 10.1200/JCO.21.00278.")
        if errors:
            raise ValidationError(errors)
        self.doi = doi

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""


class Recognition(models.Model):
    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="recognitions"
    )
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "recognition item"

    def __str__(self):
        return self.title


class Discussion(models.Model):
    """A related thread in an outside community, linked from the condition page."""

    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="discussions"
    )
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    url = models.URLField("URL", max_length=500)
    reply_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class Story(Publishable, RenderedMarkdown):
    medical_review = True  # published by a medical reviewer's approval

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField()
    image = models.ImageField(
        upload_to="stories/", blank=True, validators=[validate_image_file]
    )
    image_alt = models.CharField(
        "image description", max_length=300, blank=True,
        help_text="What the picture shows, for people who cannot see it. Required with an image.",
    )
    conditions = models.ManyToManyField(Condition, related_name="stories", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at"]
        verbose_name_plural = "stories"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("conditions:story-detail", kwargs={"slug": self.slug})

    def publication_checks(self):
        problems = text_checks("The story", self.body_html, grade=self.reading_grade)
        if self.image and not self.image_alt.strip():
            problems.append("The story's image has no description.")
        return problems

    def clean(self):
        super().clean()
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": "Describe the image for people who cannot see it."})


class GlossaryTermQuerySet(PublishableQuerySet):
    def for_marking(self):
        """What marking a page needs of each live term, in one query."""
        return self.published().values_list("slug", "term", "definition", "other_forms")


class GlossaryTerm(Publishable):
    """A word the pages use, explained in plain language on the glossary page and in place."""

    term = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100, unique=True,
        help_text="The term's address on the glossary page: /glossary/#term-slug.",
    )
    definition = models.TextField(
        max_length=600,
        help_text="One to three short, plain sentences a parent can read at a glance.",
    )
    other_forms = models.TextField(
        "other forms and spellings", blank=True,
        help_text="One per line, e.g. biopsies, biopsied. A plain plural (an added s or es) "
                  "is recognised without listing it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = [Lower("term")]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return f"{reverse('glossary:term-list')}#{self.anchor}"

    @property
    def anchor(self):
        return f"term-{self.slug}"

    def forms(self):
        """The term and its other forms, each once, in the order written."""
        lines = [self.term, *self.other_forms.splitlines()]
        return list(dict.fromkeys(line.strip() for line in lines if line.strip()))

    def clean(self):
        super().clean()  # publishing times
        from conditions.glossary import words_of

        errors = {}
        forms = self.forms()
        if any(not words_of(form) for form in forms):
            errors["other_forms"] = "Each form needs at least one letter or digit."
        elif len(forms) > MAX_GLOSSARY_FORMS:
            errors["other_forms"] = f"Please list at most {MAX_GLOSSARY_FORMS} other forms."
        else:
            mine = {words_of(form) for form in forms}
            others = GlossaryTerm.objects.exclude(pk=self.pk).values_list("term", "other_forms")
            for term, other_forms in others:
                shared = mine & {words_of(form) for form in [term, *other_forms.splitlines()]}
                if shared:
                    errors["other_forms"] = (
                        f"“{' '.join(min(shared))}” already belongs to the term “{term}”. "
                        "A word or phrase can explain only one term."
                    )
                    break
        if errors:
            raise ValidationError(errors)


MAX_GLOSSARY_FORMS = 20


# Revisions: a condition's revision holds everything edited on its admin page.
reversion.register(Subsection)
reversion.register(TreatmentOption)
reversion.register(Section, follow=["subsections"])
reversion.register(StagingCategory, follow=["options"])
for _model in (Synonym, KeyFact, Reference, Recognition, Discussion):
    reversion.register(_model)
reversion.register(
    Condition,
    follow=["synonyms", "key_facts", "sections", "staging_categories", "references",
            "recognitions", "discussions"],
)
reversion.register(Story)
reversion.register(GlossaryTerm)
