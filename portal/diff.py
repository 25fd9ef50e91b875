"""Readable differences between two versions of an item and its parts: word by word,
escaped, marked with <ins> and <del>; fields that change on every save are left out."""

import difflib
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe


def computed(model_label, name):
    """Whether a field is worked out when its item is saved (not editable: rendered Markdown,
    a reading grade, a trial's status group, the time of the last save). A change to it says
    nothing an editor wrote."""
    try:
        return not apps.get_model(model_label)._meta.get_field(name).editable
    except (LookupError, FieldDoesNotExist):
        return False


def words(text):
    """The words of `text`, with each line break as a word of its own: the difference keeps
    the text's lines, paragraphs and list items (shown with `white-space: pre-line`)."""
    return re.findall(r"\n|[^\s]+", text)


def joined(pieces):
    return re.sub(r" ?\n ?", "\n", " ".join(pieces))


def word_diff(old, new):
    """The new text with removed words in <del> and added words in <ins>, all escaped."""
    old_words, new_words = words(old), words(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(joined(new_words[b1:b2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(joined(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(joined(new_words[b1:b2]))}</ins>")
    return mark_safe(joined(parts))


def as_text(value):
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    # A browser sends a text area's lines ending in CR LF; stored text may end them in LF.
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def shown(model_label, name, value):
    """A stored value as the admin shows it: a date and time in the portal's time zone
    ("30 Nov 2026, 09:00"), not as stored ("2026-11-30T17:00:00Z")."""
    try:
        field = apps.get_model(model_label)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return as_text(value)
    if isinstance(field, models.TimeField) and isinstance(value, str):
        return value[:5] if re.fullmatch(r"\d\d:\d\d:00", value) else value  # "17:00"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_default_timezone())
            return format_date(timezone.localtime(moment), "j M Y, H:i")
    return as_text(value)


def same_value(model_label, name, before, after):
    """Whether two stored values of a field are the same to an editor: a time kept to the
    microsecond and the same time saved back from the admin's form (to the second) are."""
    if as_text(before) == as_text(after):
        return True
    try:
        field = apps.get_model(model_label)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return False
    if not (isinstance(field, models.DateTimeField) and isinstance(before, str)
            and isinstance(after, str)):
        return False
    moments = [parse_datetime(value) for value in (before, after)]
    return None not in moments and len({m.replace(microsecond=0) for m in moments}) == 1


def describe(model_label, fields):
    model = apps.get_model(model_label)
    title = next((fields[name] for name in ("heading", "name", "title", "text")
                  if fields.get(name)), "") or own_name(model, fields)
    name = model._meta.verbose_name
    return f"{name.capitalize()} \u201c{title}\u201d" if title else name.capitalize()


def own_name(model, fields):
    """What the row calls itself, from its stored fields, for a row without a heading or a
    name: "Monday 08:30-17:00" for opening hours, "2026-12-25 Christmas Day" for a closed
    day; "" when it needs more than its own fields to say."""
    try:
        values = {field.attname: field.to_python(fields[field.name])
                  for field in model._meta.concrete_fields
                  if field.name in fields and not field.is_relation}
        text = str(model(**values))
    except (AttributeError, TypeError, ValueError, ValidationError, ObjectDoesNotExist):
        return ""
    return "" if text.endswith(" object (None)") else text


def field_label(model_label, name):
    try:
        return str(apps.get_model(model_label)._meta.get_field(name).verbose_name).capitalize()
    except LookupError:
        return name


def changes_between(old, new, ignore=()):
    """[{"part", "field", "html", "kind"}] for two snapshots ({(model, pk): fields}): parts
    added or removed, and each changed field as a word-level diff."""
    ignored = set(ignore)
    changes = []
    for key in [*new, *(key for key in old if key not in new)]:
        before, after = old.get(key), new.get(key)
        if before is None or after is None:
            fields = after or before
            kind = "added" if before is None else "removed"
            text = " ".join(as_text(fields.get(name)) for name in ("heading", "name", "title",
                                                                   "text", "body")
                            if fields.get(name)) or own_name(apps.get_model(key[0]), fields)
            html = word_diff("", text) if kind == "added" else word_diff(text, "")
            changes.append({"part": describe(key[0], fields), "field": kind, "html": html,
                            "kind": kind})
            continue
        for name in after:
            if name in ignored or computed(key[0], name):
                continue
            if same_value(key[0], name, before.get(name), after[name]):
                continue
            if name == "order" and isinstance(before.get(name), int) and isinstance(
                    after[name], int):
                # A place in a list: the numbers mean nothing to a reader ("Order 1 0").
                moved = "up" if after[name] < before[name] else "down"
                changes.append({"part": describe(key[0], after), "field": "Place in the list",
                                "html": f"Moved {moved}", "kind": "changed"})
                continue
            changes.append({
                "part": describe(key[0], after), "field": field_label(key[0], name),
                "html": word_diff(shown(key[0], name, before.get(name)),
                                  shown(key[0], name, after[name])),
                "kind": "changed",
            })
    return changes
