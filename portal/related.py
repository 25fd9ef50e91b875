"""Short related lists fetched inside their parent's own query.

A page such as a condition's shows many short lists (synonyms, key facts, references...).
Prefetching costs one query per list; `with_rows()` instead adds one JSON column per list
to the parent's query, and `attach_rows()` turns each column into model instances that
`parent.<relation>.all()` returns without a query, in the related model's default order.
Only for short lists of plain fields (text, numbers, booleans).
"""

import datetime
import json

from django.db.models import DateTimeField, F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone


def _column(relation):
    return f"{relation}_rows"


def _related(model, relation):
    field = model._meta.get_field(relation)
    return field.related_model, field.remote_field.name


class Rows:
    """A relation narrowed by a queryset (e.g. only published rows), kept in `to_attr` the
    way Prefetch(..., to_attr=...) does."""

    def __init__(self, relation, queryset, to_attr):
        self.relation, self.queryset, self.to_attr = relation, queryset, to_attr

    def __str__(self):
        return self.relation


class RowJSON(Func):
    """The query's row of `model` as JSON text, keyed by column. On PostgreSQL the whole
    row at once (`row_to_json`), which Django compiles in a fraction of the time that a
    JSON object of every column takes; elsewhere such an object."""

    output_field = TextField()

    def __init__(self, model):
        fields = model._meta.concrete_fields
        super().__init__(Cast(JSONObject(**{field.column: F(field.attname) for field in fields}),
                              TextField()))

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        table = compiler.quote_name(compiler.query.base_table)
        return f"row_to_json({table})::text", []


def with_rows(queryset, *relations):
    """The queryset with one JSON text column for each of the given relations (names, or
    Rows for a narrowed relation)."""
    columns = {}
    for relation in relations:
        related, back = _related(queryset.model, str(relation))
        row = RowJSON(related)
        source = relation.queryset if isinstance(relation, Rows) else related._base_manager
        rows = (source.filter(**{back: OuterRef("pk")}).order_by()
                .values(back).annotate(rows=StringAgg(row, Value(","))).values("rows"))
        columns[_column(str(relation))] = Subquery(rows, output_field=TextField())
    return queryset.annotate(**columns)


def _ordered(model, rows):
    for name in reversed(model._meta.ordering or ["pk"]):
        descending = name.startswith("-")
        attribute = name.lstrip("-")
        rows.sort(key=lambda row, attribute=attribute: (
            getattr(row, attribute) is None, getattr(row, attribute)), reverse=descending)
    return rows


def _value(field, value):
    value = field.to_python(value)
    # SQLite keeps date-times as text in UTC without an offset.
    if isinstance(field, DateTimeField) and value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def attach_rows(obj, *relations):
    """Makes `obj.<relation>.all()` return the rows fetched by with_rows(), without a query."""
    for relation in relations:
        related, _ = _related(type(obj), str(relation))
        fields = related._meta.concrete_fields
        text = getattr(obj, _column(str(relation)))
        rows = _ordered(related, [
            related(**{field.attname: _value(field, data[field.column]) for field in fields})
            for data in (json.loads(f"[{text}]") if text else [])
        ])
        if isinstance(relation, Rows):
            setattr(obj, relation.to_attr, rows)
            continue
        queryset = getattr(obj, relation).all()  # builds the query, does not run it
        queryset._result_cache = rows
        queryset._prefetch_done = True
        # Where prefetch_related() keeps its results: by the relation's accessor name.
        obj._prefetched_objects_cache = getattr(obj, "_prefetched_objects_cache", {})
        obj._prefetched_objects_cache[relation] = queryset
    return obj
