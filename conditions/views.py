from html import escape
from itertools import groupby
from string import ascii_uppercase

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from care_sites.models import CareSite, Location, SupportService, interpreter_service
from conditions.glossary import Glossary
from conditions.models import Condition, GlossaryTerm, Section, StagingCategory, Story, Synonym
from conditions.structured_data import condition_page, story_page
from portal.links import detail_link
from portal.preview import draft_preview, get_public_or_preview
from portal.querysets import built_once
from portal.related import Rows, attach_rows, with_rows
from portal.structured_data import share_image
from trials.models import StatusGroup, Trial

# The condition page lists this many of its trials that are not closed (open ones first)
# and this many of its care sites; counts and a link lead to the rest.
TRIALS_SHOWN = 6
CARE_SITES_SHOWN = 6


def index_letter(name):
    first = name[:1].upper()
    return first if first in ascii_uppercase else "#"


def condition_list(request):
    # Plain rows, not model instances: the list can hold thousands of names.
    conditions = Condition.objects.published()
    link = detail_link("conditions:condition-detail")
    pages = {pk: {"name": name, "url": link(slug), "see": None}
             for pk, name, slug in conditions.values_list("pk", "name", "slug")}
    entries = list(pages.values())
    for pk, synonym in (Synonym.objects.filter(condition__in=conditions)
                        .values_list("condition_id", "name")):
        page = pages.get(pk)  # None only for a condition unpublished between the two reads
        if page is not None:
            entries.append({"name": synonym, "url": page["url"], "see": page["name"]})
    # By name; on equal names a condition's own page first, then by the page a name leads to.
    entries.sort(key=lambda entry: (entry["name"].casefold(), entry["see"] is not None,
                                    (entry["see"] or "").casefold(), entry["url"]))
    groups = [
        {"letter": letter, "items": list_items(items)}
        for letter, items in groupby(entries, key=lambda entry: index_letter(entry["name"]))
    ]
    present = {group["letter"] for group in groups}
    letters = [{"letter": letter, "present": letter in present} for letter in ascii_uppercase]
    context = {
        "groups": groups,
        "letters": letters,
        "crumbs": [{"title": "Conditions"}],
    }
    return render(request, "conditions/condition_list.html", context)


def list_items(entries):
    """The list items of one letter of the A-Z, written here rather than by a template
    loop, which costs more than the rest of the page for two thousand names. Every value is
    escaped (the standard library's escape on plain strings, as portal.forms.PlainSelect)."""
    return mark_safe("".join(
        f'<li>{escape(entry["name"])}, see <a href="{escape(entry["url"])}">'
        f'{escape(entry["see"])}</a></li>' if entry["see"] else
        f'<li><a href="{escape(entry["url"])}">{escape(entry["name"])}</a></li>'
        for entry in entries
    ))


# Short lists fetched with the condition itself (portal.related); its stories, live ones only.
CONDITION_LISTS = ["synonyms", "key_facts", "references", "recognitions", "discussions",
                   Rows("stories", Story.objects.published(), to_attr="published_stories")]


def count_of(queryset):
    """The number of rows of `queryset` (care sites or trials) linked to the condition of
    the outer query, as a subquery."""
    rows = (queryset.filter(conditions=OuterRef("pk")).order_by().values("conditions")
            .annotate(count=Count("pk")).values("count"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def related_counts():
    """Columns of the condition's own row: how many published care sites it has, and how
    many published trials in each status group (the page lists only the first few)."""
    trials = Trial.objects.published()
    return {
        "care_site_count": count_of(CareSite.objects.published()),
        **{f"{group}_trial_count": count_of(trials.in_group(group)) for group in StatusGroup},
    }


@built_once
def condition_page_conditions():
    """Conditions with what their page shows: short lists, sections, staging and counts."""
    return with_rows(Condition.objects.all(), *CONDITION_LISTS).prefetch_related(
        Prefetch("sections", queryset=with_rows(Section.objects.all(), "subsections")),
        Prefetch("staging_categories",
                 queryset=with_rows(StagingCategory.objects.all(), "options")),
    ).annotate(**related_counts())


# Its first few care sites and trials, and its support services: plain queries filtered by
# the one condition (a prefetch of the first few per condition needs a window function,
# dearer to build).
@built_once
def shown_care_sites():
    return CareSite.objects.published().prefetch_related(
        Prefetch("locations", queryset=Location.objects.published()))


@built_once
def shown_trials():
    return Trial.objects.published().not_closed().by_group()


@built_once
def published_support_services():
    return SupportService.objects.published()


@draft_preview(Condition)
def condition_detail(request, slug):
    condition = attach_rows(
        get_public_or_preview(request, condition_page_conditions(), slug=slug),
        *CONDITION_LISTS)
    condition.shown_care_sites = list(
        shown_care_sites().filter(conditions=condition)[:CARE_SITES_SHOWN])
    condition.published_support_services = list(
        published_support_services().filter(conditions=condition))
    condition.shown_trials = list(
        shown_trials().filter(conditions=condition)[:TRIALS_SHOWN])
    condition.trial_counts = {group: getattr(condition, f"{group}_trial_count")
                              for group in StatusGroup}
    condition.trial_count = sum(condition.trial_counts.values())
    sections = [attach_rows(section, "subsections") for section in condition.sections.all()]
    staging = [attach_rows(category, "options")
               for category in condition.staging_categories.all()]
    # From the text as written, before glossary terms are marked in it: a term's explanation
    # is no part of a symptom's name.
    structured_data = [condition_page(condition, sections)]
    explain_terms(sections)
    kinds = {section.kind for section in sections}
    return render(
        request,
        "conditions/condition_detail.html",
        {
            "condition": condition,
            "crumbs": [
                {"title": "Conditions", "url": reverse("conditions:condition-list")},
                {"title": condition.name},
            ],
            "sections": sections,
            "staging": staging,
            # Staging and treatment-by-category follow their sections, or close the page.
            "staging_in_section": Section.Kind.STAGING in kinds,
            "treatment_in_section": Section.Kind.TREATMENT in kinds,
            "interpreter_service": interpreter_service(),
            "structured_data": structured_data,
            "og_type": "article",
        },
    )


@built_once
def terms_for_marking():
    return GlossaryTerm.objects.for_marking()


def explain_terms(sections):
    """Mark the first use of each glossary term in the sections' text, in reading order."""
    glossary = Glossary.from_rows(terms_for_marking())
    for section in sections:
        checklist = section.kind == Section.Kind.QUESTIONS
        section.body_html = glossary.mark(section.body_html, checklist=checklist)
        for subsection in section.subsections.all():
            subsection.body_html = glossary.mark(subsection.body_html, checklist=checklist)


def glossary(request):
    terms = sorted(
        GlossaryTerm.objects.published(),
        key=lambda term: (index_letter(term.term) != "#", index_letter(term.term),
                          term.term.casefold()),
    )
    groups = [
        {"letter": letter, "terms": list(items)}
        for letter, items in groupby(terms, key=lambda term: index_letter(term.term))
    ]
    return render(request, "conditions/glossary.html", {
        "groups": groups,
        "crumbs": [{"title": "Glossary"}],
    })


@draft_preview(Story)
def story_detail(request, slug):
    story = get_public_or_preview(
        request,
        Story.objects.prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.published())
        ),
        slug=slug,
    )
    crumbs = [{"title": "Conditions", "url": reverse("conditions:condition-list")}]
    # A story about one condition sits under that condition's page; one about several, under
    # the list of conditions.
    conditions = story.conditions.all()
    if len(conditions) == 1:
        crumbs.append({"title": conditions[0].name, "url": conditions[0].get_absolute_url()})
    crumbs.append({"title": story.title})
    return render(request, "conditions/story_detail.html", {
        "story": story, "crumbs": crumbs, "structured_data": [story_page(story)],
        "og_type": "article", "share_image": share_image(story.image, story.image_alt),
    })
