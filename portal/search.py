"""Site-wide search over one stored index (SearchDocument) of everything public.

Each feature app describes its documents in its own `search` module (a SEARCHES list of
Searchable), so adding a content type never means editing this file. Documents are written
when content or one of its parts is saved, published or deleted (signals connected in
PortalConfig.ready), and `manage.py rebuild_search_index` writes them all again.

On PostgreSQL the search is weighted full-text search (english stemming) plus trigram
similarity on titles and other names; on SQLite a simpler word match over the same
documents, with the same results.
"""

import difflib
import re
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from html import unescape

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, Count, F, FloatField, Q, Value, When
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from portal.apps import feature_modules
from portal.models import Publishable, SearchDocument, SearchQueryStat

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
PER_PAGE = 20
MAX_STAT_LENGTH = 100
MAX_BODY_LENGTH = 200_000
CONFIG = "english"
MIN_PREFIX = 3  # shorter words are not searched as beginnings of words
NAME_MATCH = 2.0  # added to the score when the title or another name matches
SUGGEST_CUTOFF = 0.75
# An NCT number: ASCII digits only (a full-width or Arabic-Indic digit is not one).
NCT_NUMBER = re.compile(r"nct[0-9]{8}", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class Part:
    """A piece of a page's body with the id of its heading (for a deep link)."""

    anchor: str
    heading: str
    text: str


@dataclass
class Document:
    title: str
    url: str
    names: tuple = ()  # other names: synonyms, acronyms, other spellings
    summary: str = ""
    parts: tuple = ()  # Part, in page order
    code: str = ""  # an identifier that leads straight to the page (an NCT number)
    modified: datetime | None = None


@dataclass(frozen=True)
class Searchable:
    model: type
    kind: str  # the `type=` value
    label: str  # one result's type, e.g. "Condition"
    plural: str  # the filter's label, e.g. "Conditions"
    document: object  # obj -> Document
    prefetch: tuple = ()  # related objects the document reads
    # (model, lookup from this model to it): saving or deleting one re-indexes the objects
    # that include it, e.g. (Synonym, "synonyms"), (Language, "languages").
    depends_on: tuple = ()
    boost: float = 0.0  # a small lift among equal matches (condition pages first)
    # Its names tolerate misspellings (trigram similarity) and are offered in "Did you
    # mean"; off for kinds with very many documents of their own (trials).
    suggest: bool = True

    def indexable(self):
        """Published objects, scheduled ones included (the query filters by time)."""
        return (self.model._default_manager.filter(status=Publishable.Status.PUBLISHED)
                .prefetch_related(*self.prefetch))


@cache
def searchables():
    return tuple(searchable for module in feature_modules("search")
                 for searchable in module.SEARCHES)


def searchable_kinds():
    return {searchable.kind: searchable for searchable in searchables()}


# Writing documents -----------------------------------------------------------------------

def plain(text):
    """One line of text from several lines."""
    return " ".join((text or "").split())


def html_text(html):
    """The text of sanitised HTML (a rendered Markdown field)."""
    return plain(unescape(strip_tags(html or "")))


def build(searchable, content_type, obj):
    """The stored document of `obj`; None when it has no public address (e.g. a record
    written past validation), so that indexing never breaks a save."""
    try:
        document = searchable.document(obj)
    except NoReverseMatch:
        return None
    names = [document.title, *document.names]
    parts = [[part.anchor, part.heading, plain(part.text)] for part in document.parts
             if plain(part.text)]
    names = "\n".join(dict.fromkeys(name.strip() for name in names if name.strip()))
    return SearchDocument(
        content_type=content_type, object_id=obj.pk, kind=searchable.kind,
        title=document.title[:500], names=names,
        fuzzy_names=names if searchable.suggest else "",
        code=document.code, summary=plain(document.summary),
        body="\n".join(f"{heading} {text}" for _, heading, text in parts)[:MAX_BODY_LENGTH],
        parts=parts, url=document.url, boost=searchable.boost, publish_at=obj.publish_at,
        unpublish_at=getattr(obj, "unpublish_at", None),
        modified=document.modified or getattr(obj, "updated_at", None),
    )


def update_vectors(documents):
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    head = (SearchVector("names", "code", weight="A", config=CONFIG)
            + SearchVector("summary", weight="B", config=CONFIG))
    documents.update(head_vector=head,
                     search_vector=head + SearchVector("body", weight="C", config=CONFIG))


def index(searchable, pks):
    """Write (or remove) the documents of these objects of one searchable."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    stack = getattr(_pending, "stack", None)
    if stack:
        stack[-1].setdefault(searchable, set()).update(pks)
        return
    content_type = ContentType.objects.get_for_model(searchable.model)
    documents = [document for obj in searchable.indexable().filter(pk__in=pks)
                 if (document := build(searchable, content_type, obj)) is not None]
    with transaction.atomic():
        SearchDocument.objects.filter(content_type=content_type, object_id__in=pks).delete()
        SearchDocument.objects.bulk_create(documents)
        update_vectors(SearchDocument.objects.filter(content_type=content_type,
                                                     object_id__in=pks))


def rebuild(batch=500):
    """Write every document again; returns {kind: count}."""
    counts = {}
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        for searchable in searchables():
            content_type = ContentType.objects.get_for_model(searchable.model)
            objects = searchable.indexable().order_by("pk")
            documents = []
            for obj in objects.iterator(chunk_size=batch):
                document = build(searchable, content_type, obj)
                if document is not None:
                    documents.append(document)
                if len(documents) >= batch:
                    SearchDocument.objects.bulk_create(documents)
                    documents = []
            SearchDocument.objects.bulk_create(documents)
            counts[searchable.kind] = SearchDocument.objects.filter(kind=searchable.kind).count()
        update_vectors(SearchDocument.objects.all())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the query planner
            cursor.execute("ANALYZE portal_searchdocument")
    return counts


_pending = threading.local()


@contextmanager
def deferred(write=True):
    """Collect the re-indexing of many saves (an import, the demo) and write each document
    once at the end; with write=False nothing is written (the caller rebuilds)."""
    if not hasattr(_pending, "stack"):
        _pending.stack = []
    _pending.stack.append({})
    try:
        yield
    finally:
        pending = _pending.stack.pop()
    for searchable, pks in pending.items() if write else ():
        index(searchable, pks)


# Signals -----------------------------------------------------------------------------------

def owners(searchable, lookup, instance):
    return searchable.model._default_manager.filter(**{lookup: instance.pk}).values_list(
        "pk", flat=True)


def connect_signals():
    for searchable in searchables():
        uid = f"search-{searchable.kind}"

        def saved(sender, instance, raw=False, searchable=searchable, **kwargs):
            if not raw:
                index(searchable, [instance.pk])

        def deleted(sender, instance, searchable=searchable, **kwargs):
            content_type = ContentType.objects.get_for_model(searchable.model)
            SearchDocument.objects.filter(content_type=content_type,
                                          object_id=instance.pk).delete()

        post_save.connect(saved, sender=searchable.model, weak=False, dispatch_uid=uid)
        post_delete.connect(deleted, sender=searchable.model, weak=False, dispatch_uid=uid)
        for model, lookup in searchable.depends_on:
            connect_dependency(searchable, model, lookup, f"{uid}-{lookup}")


def connect_dependency(searchable, model, lookup, uid):
    relation = searchable.model._meta.get_field(lookup.split("__")[0])

    def part_saved(sender, instance, raw=False, **kwargs):
        if not raw:
            index(searchable, owners(searchable, lookup, instance))

    def part_deleting(sender, instance, **kwargs):
        instance._search_owners = {**getattr(instance, "_search_owners", {}),
                                   uid: list(owners(searchable, lookup, instance))}

    def part_deleted(sender, instance, **kwargs):
        index(searchable, getattr(instance, "_search_owners", {}).get(uid, ()))

    post_save.connect(part_saved, sender=model, weak=False, dispatch_uid=uid)
    pre_delete.connect(part_deleting, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(part_deleted, sender=model, weak=False, dispatch_uid=uid)

    if relation.many_to_many and "__" not in lookup:
        through = getattr(searchable.model, lookup).through

        def links_changed(sender, instance, action, pk_set, **kwargs):
            if isinstance(instance, searchable.model):
                if action.startswith("post_"):
                    index(searchable, [instance.pk])
            elif action == "pre_clear":
                instance._search_cleared = list(owners(searchable, lookup, instance))
            elif action == "post_clear":
                index(searchable, getattr(instance, "_search_cleared", ()))
            elif action in ("post_add", "post_remove"):
                index(searchable, pk_set or ())

        m2m_changed.connect(links_changed, sender=through, weak=False, dispatch_uid=uid)


# Queries -----------------------------------------------------------------------------------

def normalise(text):
    """The query as searched: printable characters only, single spaces, bounded in length
    and words. Returns (query, shortened)."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in text)
    words = text.split()
    query = " ".join(words[:MAX_WORDS])
    shortened = len(words) > MAX_WORDS or len(query) > MAX_QUERY_LENGTH
    query = query[:MAX_QUERY_LENGTH].strip()
    return query, shortened


def nct_number(query):
    match = NCT_NUMBER.fullmatch(query.strip())
    return match[0].upper() if match else ""


def find_code(code):
    """The live document with this identifier (e.g. a published trial's NCT number)."""
    return SearchDocument.objects.live().filter(code=code).only("url").first()


@contextmanager
def planner_settings():
    """Run a search's queries with the planner told to use the GIN indexes: its estimate
    for a scan leaves out unpacking each stored vector, which makes a scan of the whole
    table look cheaper than it is. Limited to this transaction (SET LOCAL)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def search(query, kind=""):
    """Live documents matching `query`, best first (a lazy queryset: page it)."""
    documents = SearchDocument.objects.live()
    if not query:
        return documents.none()
    if kind:
        documents = documents.filter(kind=kind)
    if connection.vendor == "postgresql":
        return ranked_postgresql(documents, query)
    return ranked_simple(documents, query)


def ranked_postgresql(documents, query):
    from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity

    terms = SearchQuery(query, config=CONFIG, search_type="websearch")
    words = re.findall(r"\w+", query)
    if words and all(len(word) >= MIN_PREFIX for word in words):
        # Also the words as beginnings of words ("osteo" finds osteosarcoma): built from
        # letters and digits only, so nothing typed can be read as an operator.
        prefixes = " & ".join(f"{word}:*" for word in words)
        terms = terms | SearchQuery(prefixes, config=CONFIG, search_type="raw")
    # Matching reads the whole document; ranking only its names and summary (head_vector),
    # which keeps a search that matches thousands of documents fast.
    # The two ways to match are a union of two subqueries, each answered by its GIN index;
    # one OR of both lets the planner scan and decompress every stored vector.
    head = F("head_vector")
    matching = SearchDocument.objects.filter(search_vector=terms).values("pk")
    similar = SearchDocument.objects.filter(fuzzy_names__trigram_word_similar=query).values("pk")
    return documents.filter(pk__in=matching.union(similar)).annotate(
        name_rank=SearchRank(head, terms, weights=[0.0, 0.0, 0.0, 1.0]),
        rank=SearchRank(head, terms),
        similarity=TrigramWordSimilarity(query, "fuzzy_names"),
    ).annotate(
        score=Case(When(name_rank__gt=0, then=Value(NAME_MATCH)), default=Value(0.0))
        + F("rank") + F("similarity") + F("boost"),
    ).order_by("-score", "title", "pk")


def ranked_simple(documents, query):
    words = query.split()
    for word in words:
        documents = documents.filter(Q(names__icontains=word) | Q(code__iexact=word)
                                     | Q(summary__icontains=word) | Q(body__icontains=word))
    in_names = [Case(When(names__icontains=word, then=Value(1.0)), default=Value(0.0))
                for word in words]
    score = Case(When(title__iexact=query, then=Value(NAME_MATCH)), default=Value(0.0),
                 output_field=FloatField())
    for term in in_names:
        score = score + term * Value(NAME_MATCH)
    return documents.annotate(score=score + F("boost")).order_by("-score", "title", "pk")


def counts_by_kind(query):
    """{kind: number of matches} for the type filter (one query)."""
    matches = search(query).order_by().values("kind").annotate(n=Count("pk"))
    return {row["kind"]: row["n"] for row in matches}


def vocabulary(query):
    """Names that "Did you mean" may offer for this query (bounded)."""
    kinds = [searchable.kind for searchable in searchables() if searchable.suggest]
    documents = SearchDocument.objects.live().filter(kind__in=kinds)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        documents = documents.annotate(
            similarity=TrigramWordSimilarity(query, "fuzzy_names")
        ).filter(similarity__gt=0.2).order_by("-similarity")
    names = documents.values_list("names", flat=True)[:2000]
    return [name for lines in names for name in lines.splitlines()]


def suggestion(query):
    """A close title, other name or glossary term for a query that found nothing: the whole
    query, else word by word. "" when nothing is close."""
    names = vocabulary(query)
    lowered = {name.lower(): name for name in names}
    close = difflib.get_close_matches(query.lower(), lowered, n=1, cutoff=SUGGEST_CUTOFF)
    if close:
        return lowered[close[0]]
    words = {word.lower() for name in names for word in re.findall(r"\w+", name)}
    suggested = []
    for word in query.split():
        near = difflib.get_close_matches(word.lower(), words, n=1, cutoff=SUGGEST_CUTOFF)
        suggested.append(near[0] if near and len(word) > 3 else word)
    changed = [a for a, b in zip(suggested, query.split(), strict=True) if a != b.lower()]
    return " ".join(suggested) if changed else ""


# Results -----------------------------------------------------------------------------------

SUFFIXES = ("ing", "es", "ed", "s")


def match_pattern(query):
    """A pattern for the query's words, and words that share their stem, in text."""
    stems = set()
    for word in re.findall(r"\w+", query.lower()):
        for suffix in SUFFIXES:
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        stems.add(word)
    if not stems:
        return None
    alternatives = "|".join(re.escape(stem) for stem in sorted(stems, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)


def highlight(text, pattern, width=240):
    """An excerpt of `text` around the first match, escaped, with matches in <mark>."""
    match = pattern.search(text) if pattern else None
    start = 0
    if match and match.start() > width // 3:
        start = text.rfind(" ", 0, match.start() - width // 3) + 1
    end = start + width
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    excerpt = text[start:end]
    pieces, last = [], 0
    for found in pattern.finditer(excerpt) if pattern else ():
        pieces.append(escape(excerpt[last:found.start()]))
        pieces.append(f"<mark>{escape(found[0])}</mark>")
        last = found.end()
    pieces.append(escape(excerpt[last:]))
    return mark_safe(("… " if start else "") + "".join(pieces)
                     + (" …" if end < len(text) else ""))


@dataclass
class Result:
    kind: str
    label: str
    title: str
    url: str
    snippet: str
    section: str = ""
    names: list = field(default_factory=list)


def result(document, pattern):
    """The result for one document: a snippet from where the query matches, and a link to
    that section of the page."""
    label = searchable_kinds().get(document.kind)
    where = [("", "", document.summary)] + [tuple(part) for part in document.parts]
    url, section, text = document.url, "", document.summary
    for anchor, heading, part_text in where:
        if pattern and (pattern.search(part_text) or pattern.search(heading)):
            text, section = part_text, heading
            if anchor and "#" not in document.url:
                url = f"{document.url}#{anchor}"
            break
    if not text and document.parts:
        text = document.parts[0][2]
    return Result(kind=document.kind, label=label.label if label else document.kind,
                  title=document.title, url=url, snippet=highlight(text, pattern),
                  section=section, names=document.names.splitlines())


def results(documents, query):
    pattern = match_pattern(query)
    return [result(document, pattern) for document in documents]


def go_to(found, query):
    """A result whose title or other name is exactly the query."""
    wanted = query.casefold()
    return next((item for item in found if wanted in {name.casefold() for name in item.names}),
                None)


# Statistics --------------------------------------------------------------------------------

def record(query, result_count):
    """Count one search of `query` today (the normalised words only): one statement, so
    that counting costs a served search page almost nothing."""
    query = query.casefold()[:MAX_STAT_LENGTH].strip()
    if not query:
        return
    table, query_column, day, count, results = (
        connection.ops.quote_name(name)
        for name in (SearchQueryStat._meta.db_table, "query", "day", "count", "results"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({query_column}, {day}, {count}, {results}) "
            f"VALUES (%s, %s, 1, %s) ON CONFLICT ({query_column}, {day}) DO UPDATE "
            f"SET {count} = {table}.{count} + 1, {results} = excluded.{results}",
            [query, timezone.localdate().isoformat(), result_count],
        )
