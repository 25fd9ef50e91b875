import datetime

from django import template
from django.utils.dateformat import format as format_date

from trials.models import StatusGroup

register = template.Library()


@register.filter
def partial_date(value):
    """'2015' -> '2015', '2015-08' -> 'August 2015', '2021-01-05' -> 'January 5, 2021'."""
    parts = (value or "").split("-")
    try:
        numbers = [int(part) for part in parts]
        if len(numbers) == 1:
            return str(numbers[0])
        if len(numbers) == 2:
            return format_date(datetime.date(numbers[0], numbers[1], 1), "F Y")
        return format_date(datetime.date(*numbers), "F j, Y")
    except (TypeError, ValueError):
        return value


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (None or "" removes them)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def trial_counts(trials):
    """The count line of a list of trials: '1 in progress, 1 open to new patients'."""
    counts = dict.fromkeys(StatusGroup, 0)
    for trial in trials:
        counts[trial.status_group] += 1
    parts = [f"{counts[StatusGroup.ACTIVE]} in progress",
             f"{counts[StatusGroup.OPEN]} open to new patients"]
    if counts[StatusGroup.UPCOMING]:
        parts.append(f"{counts[StatusGroup.UPCOMING]} not yet recruiting")
    return ", ".join(parts)
