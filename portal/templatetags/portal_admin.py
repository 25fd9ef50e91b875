"""The admin index's "Your work" panel: what waits for the signed-in user, per role."""

from django import template
from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator

from portal.apps import feature_modules
from portal.models import Draft, ReviewStep
from portal.publishing import SEND_BACK_STEPS

register = template.Library()


def review_url(draft):
    app_label, model = draft.content_type.app_label, draft.content_type.model
    return reverse(f"admin:{app_label}_{model}_review", args=[draft.object_id])


def draft_items(drafts):
    return [{"label": d.item_name, "url": review_url(d),
             "note": d.updated_at} for d in drafts.select_related("content_type")[:20]]


def with_send_back_notes(drafts):
    """Drafts as items, each still answering a sending back (not submitted again) with the
    reviewer's comment as its note; the steps of all of them read in one query."""
    drafts = list(drafts.select_related("content_type")[:20])
    last = {}
    if drafts:
        keys = Q()
        for draft in drafts:
            keys |= Q(content_type_id=draft.content_type_id, object_id=draft.object_id)
        steps = ReviewStep.objects.filter(keys, action__in=SEND_BACK_STEPS).order_by(
            "created_at", "id")
        for step in steps:
            last[(step.content_type_id, step.object_id)] = step  # the latest last
    notes = {key: f"\u201c{Truncator(step.comment).chars(160)}\u201d"
             for key, step in last.items()
             if step.action == ReviewStep.Action.SENT_BACK and step.comment}
    return [{"label": d.item_name, "url": review_url(d),
             "note": notes.get((d.content_type_id, d.object_id)) or d.updated_at}
            for d in drafts]


def review_sections(user):
    sections = []
    drafts = Draft.objects.order_by("updated_at")
    if user.has_perm("portal.approve_draft"):
        sections.append({
            "title": "Reviews waiting",
            "items": draft_items(drafts.filter(state=Draft.State.IN_REVIEW)),
            "empty": "Nothing is waiting for review.",
            "link": (reverse("admin:portal_draft_changelist"), "Open the review queue"),
        })
    if user.has_perm("portal.change_draft"):
        mine = drafts.filter(author=user)
        sections.append({
            "title": "Sent back to you",
            "items": with_send_back_notes(mine.filter(state=Draft.State.SENT_BACK)),
            "empty": "Nothing has been sent back.",
        })
        sections.append({
            "title": "Your drafts",
            # Saved since being sent back: the reason still shows until submitted again.
            "items": with_send_back_notes(mine.filter(state=Draft.State.EDITING)),
            "empty": "You have no drafts waiting to be submitted.",
        })
    return sections


@register.simple_tag(takes_context=True)
def admin_worklist(context):
    """[{"title", "items": [{"label", "url", "note"}], "empty", "link"}] for the user."""
    user = context["request"].user
    sections = review_sections(user)
    for module in feature_modules("worklist"):
        sections.extend(module.sections(user))
    return sections


@register.simple_tag
def hidden_field_errors(inline_admin_formsets):
    """Mistakes in the hidden fields of inline rows (nested ones too), which the admin shows
    nowhere: a row whose id no longer matches a saved one, most often. Each as a sentence
    that names the rows and says what to do."""
    found = []

    def walk(formset, name):
        for form in formset.forms:
            if any(field.errors for field in form.hidden_fields()):
                found.append(
                    f"A row of “{name}” no longer matches what is saved, so this form cannot "
                    "save it. Copy what you typed, then reload the page and type it again.")
            for nested in getattr(form, "nested_formsets", None) or []:
                walk(nested, nested.model._meta.verbose_name_plural)

    for inline in inline_admin_formsets or []:
        walk(inline.formset, inline.opts.verbose_name_plural)
    return list(dict.fromkeys(found))
