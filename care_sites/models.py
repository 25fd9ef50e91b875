import datetime
from urllib.parse import urlencode

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from portal.models import DerivedOnSave, Publishable, PublishableQuerySet
from portal.querysets import built_once
from portal.related import attach_rows, with_rows
from portal.validators import validate_image_file

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"),
            (5, "Saturday"), (6, "Sunday")]


class DescribedModel(Publishable, DerivedOnSave):
    """Published content with a Markdown description rendered (and sanitised) on save."""

    description = models.TextField(blank=True, help_text="Markdown: paragraphs, lists, links.")
    description_html = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields = {"description": "description_html"}

    class Meta:
        abstract = True


class Location(Publishable):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    street_address = models.CharField(max_length=300)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=50, default="CA")
    postal_code = models.CharField(max_length=20)
    phone = models.CharField(max_length=40, blank=True)
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    hours_note = models.CharField(
        max_length=300, blank=True, help_text="E.g. 'Closed on federal holidays.'"
    )
    parking = models.TextField(blank=True)
    transit = models.TextField("public transit", blank=True)
    is_main = models.BooleanField(
        "main number", default=False,
        help_text="Its phone number is the one the site header's \"Call us\" button dials. "
                  "Only one location can have this.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_main"], condition=models.Q(is_main=True), name="one_main_location",
                violation_error_message="Another location already has the main number: "
                                        "untick it there first.",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("care_sites:location-detail", kwargs={"slug": self.slug})

    @property
    def map_url(self):
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=17/{self.latitude}/{self.longitude}"
        )

    @property
    def address_line(self):
        return f"{self.street_address}, {self.city}, {self.state} {self.postal_code}"

    @property
    def directions_url(self):
        """Directions to the location (the visitor chooses where from and how), by its map
        point, or by its address when it has none."""
        to = (f"{self.latitude},{self.longitude}"
              if self.latitude is not None and self.longitude is not None
              else self.address_line)
        return f"https://www.openstreetmap.org/directions?{urlencode({'to': to})}"

    def week(self):
        """Each weekday with its opening intervals: [(day name, [OpeningHours])]."""
        by_day = {day: [] for day, _ in WEEKDAYS}
        for interval in self.opening_hours.all():
            by_day[interval.weekday].append(interval)
        return [(name, by_day[day]) for day, name in WEEKDAYS]

    def is_open(self, at=None):
        """Whether the location is open at `at` (now by default), in the portal's time zone."""
        local = timezone.localtime(at or timezone.now())
        closed = {day.date for day in self.closures.all()}
        for interval in self.opening_hours.all():
            opened_on = interval.opened_on(local)
            if opened_on is not None and opened_on not in closed:
                return True
        return False

    def next_open_change(self, at=None):
        """The next moment its page may change by itself: an opening or closing time
        (is_open()), or midnight, when a closure day starts or ends and leaves the upcoming
        closures (with no opening hours too)."""
        local = timezone.localtime(at or timezone.now())
        moments = [datetime.datetime.combine(local.date() + datetime.timedelta(days=1),
                                             datetime.time())]
        for offset in range(-1, 8):
            day = local.date() + datetime.timedelta(days=offset)
            for interval in self.opening_hours.all():
                if interval.weekday != day.weekday():
                    continue
                closes_on = day + datetime.timedelta(days=interval.closes <= interval.opens)
                moments += [datetime.datetime.combine(day, interval.opens),
                            datetime.datetime.combine(closes_on, interval.closes)]
        aware = [timezone.make_aware(moment) for moment in moments]
        return min(moment for moment in aware if moment > local)


# Hours that run past midnight are refused when they are longer than this (OpeningHours).
MAX_OVERNIGHT_MINUTES = 16 * 60
MINUTES_A_DAY = 24 * 60


def minutes(moment):
    """Minutes since midnight of a time of day."""
    return moment.hour * 60 + moment.minute


class OpeningHours(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    opens = models.TimeField()
    closes = models.TimeField(help_text="In the 24-hour clock (19:00 for 7 p.m.). Earlier than the "
                                        "opening time means after midnight.")

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"

    def __str__(self):
        return f"{self.get_weekday_display()} {str(self.opens)[:5]}-{str(self.closes)[:5]}"

    def full_clean(self, exclude=None, **kwargs):
        # A form leaves out the fields it found invalid, which then hold their saved value:
        # clean() compares only times that were typed well.
        self._left_out = set(exclude or ())
        super().full_clean(exclude=exclude, **kwargs)

    def clean(self):
        left_out = getattr(self, "_left_out", set())
        if self.opens is None or self.closes is None or {"opens", "closes"} & left_out:
            return
        if self.opens == self.closes:
            raise ValidationError("Opening and closing times must differ.")
        # A closing time earlier than the opening runs past midnight (an evening clinic).
        # Open that long overnight is almost always an evening time typed in the morning
        # ("7:00" for 7 p.m.): families would read it as the hours.
        if self.runs_past_midnight and self.minutes_open > MAX_OVERNIGHT_MINUTES:
            hours, minutes = divmod(self.minutes_open, 60)
            length = f"{hours} h {minutes} min" if minutes else f"{hours} h"
            raise ValidationError({"closes": (
                f"This closes at {self.closes:%H:%M} the next morning, after {length} open. "
                "Use the 24-hour clock for a time after noon (19:00 for 7 p.m.); a time "
                "earlier than the opening means after midnight.")})

    @property
    def runs_past_midnight(self):
        return self.closes < self.opens

    @property
    def minutes_open(self):
        return (minutes(self.closes) - minutes(self.opens)) % MINUTES_A_DAY

    def opened_on(self, local):
        """The date this interval opened if it includes `local`, else None."""
        time, weekday = local.time(), local.weekday()
        if self.opens < self.closes:
            inside = weekday == self.weekday and self.opens <= time < self.closes
            return local.date() if inside else None
        # Past midnight: the evening part on its own day, the morning part on the next.
        if weekday == self.weekday and time >= self.opens:
            return local.date()
        if weekday == (self.weekday + 1) % 7 and time < self.closes:
            return local.date() - datetime.timedelta(days=1)
        return None


class Closure(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    note = models.CharField(max_length=200, blank=True, help_text="E.g. 'Thanksgiving'.")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["location", "date"], name="unique_closure_day")
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.note}".strip()

    @property
    def is_upcoming(self):
        return self.date >= timezone.localdate()


class CareSite(DescribedModel):
    class Kind(models.TextChoices):
        CLINIC = "clinic", "Clinic"
        PROGRAM = "program", "Program"
        CENTER = "center", "Center"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CLINIC)
    summary = models.CharField(max_length=300)
    image = models.ImageField(upload_to="care-sites/", blank=True,
                              validators=[validate_image_file])
    image_alt = models.CharField(
        "image description", max_length=300, blank=True,
        help_text="What the picture shows, for people who cannot see it. Required with an image.",
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    locations = models.ManyToManyField(Location, related_name="care_sites", blank=True)
    conditions = models.ManyToManyField(
        "conditions.Condition", related_name="care_sites", blank=True,
        help_text="The conditions this site treats.",
    )
    accepts_new_patients = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers are listed first.")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("care_sites:care-site-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()  # publishing times
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": "Describe the image for people who cannot see it."})
        if self.slug == "locations":
            raise ValidationError({"slug": "“locations” is used by the site's own pages."})

    def cities(self):
        """Distinct cities of the site's locations, in order (uses prefetched locations)."""
        return list(dict.fromkeys(location.city for location in self.locations.all()))


class Language(models.Model):
    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class SupportService(DescribedModel):
    class Category(models.TextChoices):
        FAMILY_LIFE = "family_life", "Family life"
        LANGUAGE_ACCESS = "language_access", "Language access"
        EMOTIONAL_SPIRITUAL = "emotional_spiritual", "Emotional and spiritual care"
        PRACTICAL = "practical", "Practical and financial help"
        INTERNATIONAL = "international", "International patients"
        CAMPS = "camps", "Camps and recreation"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    category = models.CharField(max_length=30, choices=Category)
    summary = models.CharField(max_length=300, help_text="One line shown in lists.")
    how_to_access = models.TextField(blank=True, help_text="How a family asks for this service.")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    languages = models.ManyToManyField(
        Language, related_name="services", blank=True,
        help_text="For interpreter services: the languages offered.",
    )
    conditions = models.ManyToManyField(
        "conditions.Condition", related_name="support_services", blank=True
    )
    care_sites = models.ManyToManyField(CareSite, related_name="support_services", blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("support:service-detail", kwargs={"slug": self.slug})


for _model in (OpeningHours, Closure):
    reversion.register(_model)
reversion.register(Location, follow=["opening_hours", "closures"])
reversion.register(CareSite)
reversion.register(SupportService)


@built_once
def language_access_services():
    return (with_rows(SupportService.objects.published(), "languages")
            .filter(category=SupportService.Category.LANGUAGE_ACCESS, languages__isnull=False)
            .distinct())


def interpreter_service():
    """The published language-access service that lists languages (the first in the
    services' order), or None."""
    service = next(iter(language_access_services()[:1]), None)
    return service and attach_rows(service, "languages")
