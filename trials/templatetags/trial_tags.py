import datetime

from django import template
from django.template.defaultfilters import pluralize
from django.utils.dateformat import format as format_date

from portal.links import query_changed
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
    return query_changed(context["request"], **changes)


@register.filter
def trial_counts(counts):
    """The count line of a condition's or a care site's trials from their number in each
    status group ({StatusGroup: number}): '64 trials: 10 open to new patients, 30 in
    progress, 24 closed'.
    Open and in progress are always said; not yet recruiting and closed when there are any."""
    total = sum(counts.values())
    parts = [f"{counts.get(StatusGroup.OPEN, 0)} open to new patients",
             f"{counts.get(StatusGroup.ACTIVE, 0)} in progress"]
    if counts.get(StatusGroup.UPCOMING):
        parts.append(f"{counts[StatusGroup.UPCOMING]} not yet recruiting")
    if counts.get(StatusGroup.CLOSED):
        parts.append(f"{counts[StatusGroup.CLOSED]} closed")
    return f"{total} trial{pluralize(total)}: {', '.join(parts)}"
