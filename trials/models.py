import datetime
import re

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.markdown import MAX_MARKDOWN_LENGTH, markdown_length, render_markdown
from portal.models import DerivedOnSave, Publishable, PublishableQuerySet

# ASCII digits only: \d would also take fullwidth or Arabic-Indic digits, lookalikes of a real
# trial's number and URL.
NCT_ID = RegexValidator(r"^NCT[0-9]{8}\Z", "An NCT number is NCT followed by 8 digits.")
# NCT numbers the registry has not reached (it gives them out in order, and was at NCT07...
# in 2026): the demo's trials use them, and their pages link to no registry record.
EXAMPLE_NUMBERS = "NCT9999"
PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")


def is_nct_id(value):
    return isinstance(value, str) and NCT_ID.regex.match(value) is not None


def validate_partial_date(value):
    """YYYY, YYYY-MM or YYYY-MM-DD, naming a month and day that exist."""
    match = PARTIAL_DATE.match(value)
    if not match:
        raise ValidationError("Use YYYY, YYYY-MM or YYYY-MM-DD.", code="invalid")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError as error:
        raise ValidationError(f"{value} is not a date that exists.", code="invalid") from error
AGE_TEXT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)
YEARS_PER_UNIT = {
    "year": 1, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25,
    "hour": 1 / (365.25 * 24), "minute": 1 / (365.25 * 24 * 60),
}


REGISTRY_LIST_ITEM = re.compile(r"^( +)(?=(?:[*+-]|\d+[.)]) )", re.M)


def registry_markdown(text):
    """The registry indents nested list items by two spaces; Markdown needs four."""
    return REGISTRY_LIST_ITEM.sub(lambda match: match.group(1) * 2, text or "")


def age_in_words(text):
    """A registry's age limit in plain words: its number and unit, the unit in lower case
    and singular for one ("1 Year" -> "1 year"), whole years given in months in years, so
    that trials read alike ("12 Months" -> "1 year", "18 Months" -> "18 months"). A limit
    the registry wrote some other way is shown as written."""
    match = AGE_TEXT.match(text or "")
    if not match:
        return (text or "").strip()
    number, unit = float(match[1]), match[2].lower()
    if unit == "month" and number % 12 == 0 and number > 0:
        number, unit = number // 12, "year"
    number = int(number) if number.is_integer() else number
    return f"{number} {unit}{'' if number == 1 else 's'}"


def age_in_years(text):
    """'18 Years' -> 18.0, '6 Months' -> 0.5; None for a missing or unreadable limit."""
    match = AGE_TEXT.match(text or "")
    if not match:
        return None
    return round(float(match.group(1)) * YEARS_PER_UNIT[match.group(2).lower()], 4)


class OverallStatus(models.TextChoices):
    RECRUITING = "RECRUITING", "Recruiting"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", "Not yet recruiting"
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", "Active, not recruiting"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", "Enrolling by invitation"
    COMPLETED = "COMPLETED", "Completed"
    SUSPENDED = "SUSPENDED", "Suspended"
    TERMINATED = "TERMINATED", "Terminated"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    AVAILABLE = "AVAILABLE", "Available"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", "No longer available"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", "Approved for marketing"
    WITHHELD = "WITHHELD", "Withheld"
    UNKNOWN = "UNKNOWN", "Unknown status"


class StatusGroup(models.TextChoices):
    """What a family needs to know, computed from the registry status, never typed."""

    OPEN = "open", "Open to new patients"
    ACTIVE = "active", "In progress"
    UPCOMING = "upcoming", "Not yet recruiting"
    CLOSED = "closed", "Closed"


STATUS_GROUPS = {
    StatusGroup.OPEN: [OverallStatus.RECRUITING, OverallStatus.AVAILABLE],
    StatusGroup.ACTIVE: [OverallStatus.ACTIVE_NOT_RECRUITING,
                         OverallStatus.ENROLLING_BY_INVITATION],
    StatusGroup.UPCOMING: [OverallStatus.NOT_YET_RECRUITING],
}
NOT_CLOSED = [status for statuses in STATUS_GROUPS.values() for status in statuses]
GROUP_ORDER = [StatusGroup.OPEN, StatusGroup.ACTIVE, StatusGroup.UPCOMING, StatusGroup.CLOSED]


def status_group(status):
    for group, statuses in STATUS_GROUPS.items():
        if status in statuses:
            return group
    return StatusGroup.CLOSED


class Phase(models.TextChoices):
    EARLY_PHASE1 = "EARLY_PHASE1", "Early Phase 1"
    PHASE1 = "PHASE1", "Phase 1"
    PHASE2 = "PHASE2", "Phase 2"
    PHASE3 = "PHASE3", "Phase 3"
    PHASE4 = "PHASE4", "Phase 4"
    NA = "NA", "Not Applicable"


class StdAge(models.TextChoices):
    """The registry's standard age groups."""

    CHILD = "CHILD", "Child (birth to 17)"
    ADULT = "ADULT", "Adult (18 to 64)"
    OLDER_ADULT = "OLDER_ADULT", "Older adult (65 and over)"


def group_rank(status):
    """The place of a registry status's group in GROUP_ORDER (0: open to new patients)."""
    return GROUP_ORDER.index(status_group(status))


class GroupRankField(models.PositiveSmallIntegerField):
    """A trial's group_rank(), set from its registry status whenever the trial is written:
    by save() and by bulk_create() alike (as auto_now is). Never typed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = group_rank(model_instance.overall_status)
        setattr(model_instance, self.attname, value)
        return value


class TrialQuerySet(PublishableQuerySet):
    def in_group(self, group):
        return self.filter(group_rank=GROUP_ORDER.index(group))

    def not_closed(self):
        """Open, in progress or not yet recruiting."""
        return self.filter(overall_status__in=NOT_CLOSED)

    def with_phase(self, phase):
        """Trials whose phase list holds `phase` (stored comma-separated)."""
        return self.filter(
            Q(phases=phase) | Q(phases__startswith=f"{phase},")
            | Q(phases__endswith=f",{phase}") | Q(phases__contains=f",{phase},")
        )

    def for_age(self, years):
        """Trials a child of `years` may join: min <= age <= max, a missing limit is no limit."""
        return self.filter(
            Q(minimum_age_years__isnull=True) | Q(minimum_age_years__lte=years),
            Q(maximum_age_years__isnull=True) | Q(maximum_age_years__gte=years),
        )

    def by_group(self):
        """Open trials first, then in progress, upcoming and closed; by title in each."""
        return self.order_by("group_rank", "brief_title", "nct_id")

    def coordinated_by(self, user):
        return self if user.is_superuser else self.filter(coordinators=user)


class Trial(Publishable, DerivedOnSave):
    class Source(models.TextChoices):
        LOCAL = "local", "Entered here"
        CTGOV = "ctgov", "ClinicalTrials.gov"

    class StudyType(models.TextChoices):
        INTERVENTIONAL = "INTERVENTIONAL", "Interventional"
        OBSERVATIONAL = "OBSERVATIONAL", "Observational"
        EXPANDED_ACCESS = "EXPANDED_ACCESS", "Expanded access"

    class Sex(models.TextChoices):
        ALL = "ALL", "All"
        FEMALE = "FEMALE", "Female"
        MALE = "MALE", "Male"

    class DateType(models.TextChoices):
        ACTUAL = "ACTUAL", "Actual"
        ESTIMATED = "ESTIMATED", "Estimated"

    nct_id = models.CharField("NCT number", max_length=11, unique=True, validators=[NCT_ID])
    brief_title = models.CharField(max_length=500)
    official_title = models.TextField(blank=True)
    acronym = models.CharField(max_length=100, blank=True)
    plain_summary = models.TextField(
        "plain-language summary", blank=True, max_length=MAX_MARKDOWN_LENGTH,
        validators=[markdown_length],
        help_text="Written here for families (Markdown); shown first. Never overwritten by a "
                  "refresh from ClinicalTrials.gov.",
    )
    plain_summary_html = models.TextField(blank=True, editable=False)
    brief_summary = models.TextField("registry summary", blank=True,
                                     max_length=MAX_MARKDOWN_LENGTH, validators=[markdown_length])
    brief_summary_html = models.TextField(blank=True, editable=False)
    overall_status = models.CharField(max_length=30, choices=OverallStatus)
    # The place of the status's group in GROUP_ORDER, kept from the registry status however
    # a trial is written (bulk imports too): the trial finder lists trials in this order
    # straight from an index, rather than sorting every trial that matches.
    group_rank = GroupRankField()
    last_known_status = models.CharField(max_length=30, choices=OverallStatus, blank=True)
    why_stopped = models.CharField(max_length=500, blank=True)
    phases = models.CharField(
        max_length=100, blank=True, help_text="Comma-separated phase codes, e.g. PHASE2,PHASE3."
    )
    study_type = models.CharField(max_length=20, choices=StudyType, blank=True)
    registry_conditions = models.TextField(
        "conditions (registry)", blank=True, help_text="One per line, as the registry names them."
    )
    keywords = models.TextField(blank=True, help_text="One per line.")
    eligibility_criteria = models.TextField(blank=True, help_text="Markdown.",
                                            max_length=MAX_MARKDOWN_LENGTH,
                                            validators=[markdown_length])
    eligibility_criteria_html = models.TextField(blank=True, editable=False)
    minimum_age = models.CharField(
        max_length=30, blank=True,
        help_text="As the registry writes it, e.g. '3 Years'. Empty: no lower limit.",
    )
    maximum_age = models.CharField(
        max_length=30, blank=True, help_text="E.g. '18 Years'. Empty: no upper limit."
    )
    minimum_age_years = models.FloatField(null=True, blank=True, editable=False)
    maximum_age_years = models.FloatField(null=True, blank=True, editable=False)
    sex = models.CharField(max_length=10, choices=Sex, default=Sex.ALL)
    healthy_volunteers = models.BooleanField(null=True, blank=True)
    std_ages = models.CharField(
        "standard age groups", max_length=50, blank=True, help_text="E.g. CHILD,ADULT."
    )
    lead_sponsor = models.CharField(max_length=300, blank=True)
    start_date = models.CharField(max_length=10, blank=True,
                                  validators=[validate_partial_date])
    start_date_type = models.CharField(max_length=10, choices=DateType, blank=True)
    primary_completion_date = models.CharField(max_length=10, blank=True,
                                               validators=[validate_partial_date])
    primary_completion_date_type = models.CharField(max_length=10, choices=DateType, blank=True)
    last_update_posted = models.CharField(
        "registry last update", max_length=10, blank=True, validators=[validate_partial_date]
    )
    conditions = models.ManyToManyField(
        "conditions.Condition", related_name="trials", blank=True,
        help_text="The portal's condition pages this trial appears on.",
    )
    care_sites = models.ManyToManyField(
        "care_sites.CareSite", related_name="trials", blank=True,
        help_text="Where the trial runs here.",
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_trials", blank=True,
        help_text="Staff who keep this trial current; only they (and superusers) may change it.",
    )
    # Written by imports and refreshes only, never by a form (nor by publishing a draft).
    source = models.CharField(max_length=10, choices=Source, default=Source.LOCAL,
                              editable=False)
    last_synced_at = models.DateTimeField("last synced", null=True, blank=True, editable=False)
    registry_missing_since = models.DateTimeField(
        "missing from the registry since", null=True, blank=True, editable=False,
        help_text="Set when ClinicalTrials.gov no longer returns this study; cleared when it "
                  "does again. The trial is kept.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrialQuerySet.as_manager()

    markdown_fields = {
        "plain_summary": "plain_summary_html",
        "brief_summary": "brief_summary_html",
        "eligibility_criteria": "eligibility_criteria_html",
    }

    class Meta:
        ordering = ["brief_title"]
        # Trials of one registry status (the trial finder's "Registry status" choices) or of
        # the groups that are not closed.
        indexes = [
            models.Index(fields=["overall_status"], name="trial_overall_status_idx"),
            # The trial finder's order, for a page of it read in order (TrialQuerySet.by_group).
            models.Index(fields=["group_rank", "brief_title", "nct_id"],
                         name="trial_group_order_idx"),
            # On PostgreSQL also trial_finder_count_idx, for counting the finder's matches
            # from an index alone (migration 0008).
        ]

    def __str__(self):
        return f"{self.nct_id}: {self.brief_title}"

    def markdown_html(self, source):
        if source == "eligibility_criteria" and self.source == self.Source.CTGOV:
            # The registry's own plain-text layout, made into Markdown first.
            return render_markdown(registry_markdown(self.eligibility_criteria))
        return super().markdown_html(source)

    def derived_values(self):
        return {
            "minimum_age_years": age_in_years(self.minimum_age),
            "maximum_age_years": age_in_years(self.maximum_age),
            # Listed here too so that save(update_fields=[...]) writes it.
            "group_rank": group_rank(self.overall_status),
        }

    def get_absolute_url(self):
        return reverse("trials:trial-detail", kwargs={"nct_id": self.nct_id})

    def clean_fields(self, exclude=None):
        # NCT numbers are kept in capitals, as the registry writes them: "nct01234567",
        # typed by hand, is the same trial (public addresses in other capitals redirect).
        if isinstance(self.nct_id, str):
            self.nct_id = self.nct_id.upper()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()  # publishing times
        errors = {}
        for field in ("minimum_age", "maximum_age"):
            value = getattr(self, field)
            if value and age_in_years(value) is None:
                errors[field] = "Write a number and a unit, e.g. '18 Years' or '6 Months'."
        low, high = age_in_years(self.minimum_age), age_in_years(self.maximum_age)
        if low is not None and high is not None and low > high:
            errors["maximum_age"] = "The maximum age is below the minimum age."
        unknown = [p for p in self.phase_list if p not in Phase.values]
        if unknown:
            errors["phases"] = f"Unknown phase: {', '.join(unknown)}."
        if errors:
            raise ValidationError(errors)

    def is_kept_by(self, user):
        """Superusers and the trial's coordinators keep it: only they see its drafts and edit it."""
        return user.is_superuser or self.coordinators.filter(pk=user.pk).exists()

    preview_allowed = is_kept_by  # the hook portal.preview asks

    def may_be_changed_by(self, user):
        """Changing, deleting or refreshing: a coordinator's role and keeping this trial."""
        return user.has_perm("trials.change_trial") and self.is_kept_by(user)

    @property
    def registry_url(self):
        """The trial's record on ClinicalTrials.gov; "" for an example number, which has
        none (EXAMPLE_NUMBERS)."""
        if self.nct_id.startswith(EXAMPLE_NUMBERS):
            return ""
        return f"https://clinicaltrials.gov/study/{self.nct_id}"

    @property
    def status_group(self):
        return status_group(self.overall_status)

    @property
    def is_open(self):
        return self.status_group == StatusGroup.OPEN

    @property
    def phase_list(self):
        return [p.strip() for p in self.phases.split(",") if p.strip()]

    @property
    def phase_display(self):
        labels = [Phase(p).label for p in self.phase_list if p in Phase.values]
        if len(labels) == 2 and all(label.startswith("Phase ") for label in labels):
            return f"{labels[0]}/{labels[1].removeprefix('Phase ')}"
        return ", ".join(labels)

    @property
    def age_display(self):
        low, high = age_in_words(self.minimum_age), age_in_words(self.maximum_age)
        if age_in_years(self.minimum_age) == 0:
            low = ""  # "0 months": from birth, no lower limit
        if low and high:
            return f"{low} to {high}"
        if low:
            return f"{low} and older"
        if high:
            return f"Up to {high}"
        return "Any age"

    def condition_list(self):
        return [line.strip() for line in self.registry_conditions.splitlines() if line.strip()]


class Outcome(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="primary_outcomes")
    order = models.PositiveIntegerField(default=0)
    measure = models.TextField()
    time_frame = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "primary outcome"

    def __str__(self):
        return self.measure[:80]


class Intervention(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="interventions")
    order = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=30, blank=True)
    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="central_contacts")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=30, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    phone_ext = models.CharField(max_length=30, blank=True)
    email = models.EmailField(max_length=254, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "central contact"

    def __str__(self):
        return self.name or self.email or self.phone


class RegistrySite(models.Model):
    """A site the registry lists for the trial anywhere in the world, kept for reference."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="registry_sites")
    order = models.PositiveIntegerField(default=0)
    facility = models.CharField(max_length=500, blank=True)
    city = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=30, blank=True)
    country = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=30, choices=OverallStatus, blank=True)
    contacts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "registry location"

    def __str__(self):
        return ", ".join(part for part in [self.facility, self.city, self.country] if part)


reversion.register(Outcome)
reversion.register(Intervention)
reversion.register(Contact)
# Who coordinates a trial is not restored with old versions: it decides who may edit.
reversion.register(
    Trial, follow=["primary_outcomes", "interventions", "central_contacts"],
    exclude=["coordinators"],
)


class ImportJob(models.Model):
    """An import from the admin (NCT numbers, a saved file, or the refresh action), run by a
    task worker; the job page shows its progress and report."""

    class Kind(models.TextChoices):
        NCT_IDS = "nct_ids", "NCT numbers"
        FILE = "file", "Saved file"
        REFRESH = "refresh", "Refresh"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="trial_import_jobs")
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=Kind)
    nct_ids = models.JSONField("NCT numbers", default=list, blank=True)
    # The uploaded file as it came (validated when it was uploaded), read again by the worker:
    # a large file is not decoded and encoded again inside the request.
    upload = models.TextField("uploaded file", blank=True, editable=False)
    file_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list, blank=True)  # [{"label": ..., "outcome": ...}]
    errors = models.JSONField(default=list, blank=True)  # one line per failed study
    summary = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import {self.pk} ({self.get_kind_display()}, {self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("admin:trials_importjob_change", args=[self.pk])

    @property
    def finished(self):
        return self.status in (self.State.DONE, self.State.FAILED)

    def created_trials(self):
        return self.trials_with("created")

    def updated_trials(self):
        return self.trials_with("updated")

    def trials_with(self, outcome):
        ids = [row["label"] for row in self.results if row["outcome"] == outcome]
        return Trial.objects.filter(nct_id__in=ids).order_by("nct_id")


class RegistryChange(models.Model):
    """A change the registry made to what families see of a trial, found by a refresh."""

    class Field(models.TextChoices):
        STATUS = "status", "Status"
        AGES = "ages", "Age limits"
        CONTACTS = "contacts", "Contacts"
        SITES = "sites", "Locations"

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="registry_changes")
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    field = models.CharField(max_length=10, choices=Field)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "trial", "field"]
        verbose_name = "change by the registry"
        verbose_name_plural = "changes by the registry"

    def __str__(self):
        return f"{self.trial.nct_id}: {self.get_field_display()}"


class RefreshRun(models.Model):
    """One nightly refresh of the trials imported from ClinicalTrials.gov."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField("with changes for families", default=0)
    missing = models.PositiveIntegerField("no longer in the registry", default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "nightly refresh"
        verbose_name_plural = "nightly refreshes"

    def __str__(self):
        return f"Refresh of {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    @property
    def succeeded(self):
        return self.finished_at is not None and not self.failed
