from itertools import groupby
from string import ascii_uppercase

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from conditions.models import Condition, Section, StagingCategory, Story


def can_preview(user, model):
    """Staff who may view a model in the admin may also see its drafts on the site."""
    opts = model._meta
    return user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


def get_public_or_preview(request, queryset, **lookup):
    obj = get_object_or_404(queryset, **lookup)
    if not obj.is_live and not can_preview(request.user, queryset.model):
        raise Http404("No published page here.")
    return obj


def index_letter(name):
    first = name[:1].upper()
    return first if first in ascii_uppercase else "#"


def condition_list(request):
    conditions = Condition.objects.published().prefetch_related("synonyms")
    entries = []
    for condition in conditions:
        entries.append({"name": condition.name, "condition": condition, "see": None})
        entries.extend(
            {"name": synonym.name, "condition": condition, "see": condition.name}
            for synonym in condition.synonyms.all()
        )
    entries.sort(key=lambda entry: entry["name"].casefold())
    groups = [
        {"letter": letter, "entries": list(items)}
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


def condition_detail(request, slug):
    queryset = Condition.objects.prefetch_related(
        "synonyms",
        "key_facts",
        Prefetch("sections", queryset=Section.objects.prefetch_related("subsections")),
        Prefetch(
            "staging_categories", queryset=StagingCategory.objects.prefetch_related("options")
        ),
        "references",
        "recognitions",
        "discussions",
        Prefetch("stories", queryset=Story.objects.published(), to_attr="published_stories"),
    )
    condition = get_public_or_preview(request, queryset, slug=slug)
    sections = list(condition.sections.all())
    staging = list(condition.staging_categories.all())
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
        },
    )


def story_detail(request, slug):
    story = get_public_or_preview(
        request,
        Story.objects.prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.published())
        ),
        slug=slug,
    )
    crumbs = [
        {"title": "Conditions", "url": reverse("conditions:condition-list")},
        {"title": story.title},
    ]
    return render(request, "conditions/story_detail.html", {"story": story, "crumbs": crumbs})
