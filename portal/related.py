"""Short related lists fetched inside their parent's own query.

A page such as a condition's shows many short lists (synonyms, key facts, references...).
Prefetching costs one query per list; `with_rows()` instead adds one JSON column per list
to the parent's query, and `attach_rows()` turns each column into model instances that
`parent.<relation>.all()` returns without a query, in the related model's default order.
Only for short lists of plain fields (text, numbers, booleans).
"""

import json

from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, JSONObject


def _column(relation):
    return f"{relation}_rows"


def _related(model, relation):
    field = model._meta.get_field(relation)
    return field.related_model, field.remote_field.name


def with_rows(queryset, *relations):
    """The queryset with one JSON text column for each of the given relations."""
    columns = {}
    for relation in relations:
        related, back = _related(queryset.model, relation)
        fields = [field.attname for field in related._meta.concrete_fields]
        row = Cast(JSONObject(**{name: F(name) for name in fields}), TextField())
        rows = (related._base_manager.filter(**{back: OuterRef("pk")}).order_by()
                .values(back).annotate(rows=StringAgg(row, Value(","))).values("rows"))
        columns[_column(relation)] = Subquery(rows, output_field=TextField())
    return queryset.annotate(**columns)


def _ordered(model, rows):
    for name in reversed(model._meta.ordering or ["pk"]):
        descending = name.startswith("-")
        attribute = name.lstrip("-")
        rows.sort(key=lambda row, attribute=attribute: (
            getattr(row, attribute) is None, getattr(row, attribute)), reverse=descending)
    return rows


def attach_rows(obj, *relations):
    """Makes `obj.<relation>.all()` return the rows fetched by with_rows(), without a query."""
    for relation in relations:
        related, _ = _related(type(obj), relation)
        fields = related._meta.concrete_fields
        text = getattr(obj, _column(relation))
        rows = [
            related(**{field.attname: field.to_python(data[field.attname]) for field in fields})
            for data in (json.loads(f"[{text}]") if text else [])
        ]
        queryset = getattr(obj, relation).all()  # builds the query, does not run it
        queryset._result_cache = _ordered(related, rows)
        queryset._prefetch_done = True
        # Where prefetch_related() keeps its results: by the relation's accessor name.
        obj._prefetched_objects_cache = getattr(obj, "_prefetched_objects_cache", {})
        obj._prefetched_objects_cache[relation] = queryset
    return obj
