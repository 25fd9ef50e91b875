"""Site-wide search over one stored index (SearchDocument) of everything public.

Each feature app describes its documents in its own `search` module (a SEARCHES list of
Searchable), so adding a content type never means editing this file. Documents are written
when content or one of its parts is saved, published or deleted (signals connected in
PortalConfig.ready), and `manage.py rebuild_search_index` writes them all again.

On PostgreSQL the search is weighted full-text search (english stemming) plus trigram
similarity on titles and other names; on SQLite a simpler word match over the same
documents, with the same results.
"""

import atexit
import difflib
import json
import logging
import operator
import re
import string
import threading
import time
import unicodedata
from bisect import bisect_left
from collections import namedtuple
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property, reduce
from html import unescape
from itertools import batched

import snowballstemmer
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Length
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from rapidfuzz.distance import Levenshtein

from portal.apps import feature_modules
from portal.forms import printable
from portal.models import (
    Publishable,
    SearchDocument,
    SearchPromotion,
    SearchQueryStat,
    SearchWord,
)

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
PER_PAGE = 20
MAX_STAT_LENGTH = 100
KEEP_COUNTS_DAYS = 365  # search counts older than this are deleted (portal.tasks)
MAX_BODY_LENGTH = 200_000
INDEX_BATCH = 500  # objects read and documents written per query when indexing
CONFIG = "english"
MIN_PREFIX = 3  # shorter words are not searched as beginnings of words
NAME_MATCH = 2.0  # added to the score when the title or another name matches
HEADING_MATCH = 0.1  # the simple search's lift for each word that a part's heading holds
# When no page holds every word: added for each of the query's words a page holds, so that
# pages with more of the words come first, named or not (on PostgreSQL with the word's
# weight too, from 0.9 for a word on one page down to about 0.1 for one on thousands).
WORD_MATCH = 3.0
SUGGEST_CUTOFF = 0.75
# A misspelling gets at most this many letters wrong (added, left out or changed), by the
# length of the word: "parkng" and "neuroblastomma" are misspellings of names the site
# uses, "neuroma", "nephroma" or "hepatoblastoma" are other words (other tumours) that only
# look like them, and neither "Did you mean" nor the look-alike names offer those.
TYPO_LENGTHS = ((8, 2), (4, 1))  # (least length, letters) longest first; shorter: none
# A misspelt word shorter than this keeps its first letter, as most typing slips do: "rash"
# is not "drash" (of Denys-Drash), "nurse" not "purse".
SAME_FIRST_LETTER_BELOW = TYPO_LENGTHS[0][0]
# A longer one with another first letter has at most this many letters wrong: "throwing"
# (as in "throwing up") is not a misspelling of "growing".
OTHER_FIRST_LETTER_MOST = 1
SUGGEST_CANDIDATES = 100  # documents whose names "Did you mean" compares (PostgreSQL)
SUGGEST_SIMILARITY = 0.2  # their least trigram word similarity to the query
SIMILARITY_THRESHOLD = "pg_trgm.word_similarity_threshold"  # the least the %> operator finds
# "Did you mean" corrects words of letters only, this long, with one of the index's words
# (SearchWord); PostgreSQL's trigram index picks this many candidates for each.
CORRECTED_WORD = re.compile(r"(?<!\w)[^\W\d_]{4,30}(?!\w)")  # whole words only
WORD_CANDIDATES = 8
MAX_CORRECTED_WORDS = 6  # words of one search looked up for corrections
MAX_WORD_CANDIDATES = 20_000  # words the simple search (SQLite) compares for one search
logger = logging.getLogger(__name__)
MAX_PENDING = 500  # different searches a process keeps before it writes their counts
MAX_DAILY_SEARCHES = 10_000  # different searches counted apart on one day; the rest together
OTHER_SEARCHES = ""  # the query of the row counting those (no search is recorded empty)
RESULT_FIELDS = ("kind", "title", "names", "summary", "parts", "url", "badge", "badge_style")
# An NCT number as people write it: "NCT01234567", also with a space or a hyphen after "NCT";
# ASCII digits only (a full-width or Arabic-Indic digit is not one).
NCT_NUMBER = re.compile(r"nct[ -]?([0-9]{8})", re.IGNORECASE | re.ASCII)


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
    boost: float | None = None  # this document's own lift, in place of its kind's
    badge: str = ""  # a short status shown with the result ("Open to new patients")
    badge_style: str = ""  # its look (a status group: "open", "closed"...)
    # When it may be found, in place of the object's own publishing times (a version of the
    # privacy notice is the notice only until the next version takes effect).
    live_from: datetime | None = None
    live_until: datetime | None = None


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
    # Its documents depend on one another (where one version ends, the next begins): saving
    # or deleting one writes all of them again. For kinds with a few objects only.
    together: bool = False
    # Its title and other names mean the same thing (a glossary term and its other forms):
    # a search holding one of them also finds the pages that use another ("radiotherapy"
    # finds the pages on radiation). For kinds with a few short names per document.
    equivalent_names: bool = False
    # Words that find every document of this kind beside its own text: what families call
    # the kind ("clinical trials neuroblastoma" finds the trials). Searched, never shown.
    kind_words: str = ""

    def indexable(self):
        """Published objects, scheduled ones included (the query filters by time)."""
        return (self.model._default_manager.filter(status=Publishable.Status.PUBLISHED)
                .prefetch_related(*self.prefetch))


@cache
def searchables():
    return tuple(searchable for module in feature_modules("search")
                 for searchable in getattr(module, "SEARCHES", ()))


def searchable_kinds():
    return {searchable.kind: searchable for searchable in searchables()}


@dataclass(frozen=True)
class Destination:
    """A page of the site that is not an item of content (a list, a form, an explainer),
    offered above the results when every word of a search names it: "newsletter",
    "unsubscribe", "trials explained". Declared by feature apps (`DESTINATIONS` in their
    `search` modules)."""

    title: str
    url_name: str
    summary: str
    words: str = ""  # other words families use for it

    @property
    def url(self):
        return reverse(self.url_name)

    @cached_property
    def stems(self):
        return frozenset(stems_of(f"{self.title} {self.words}"))


# Words that say nothing of what is wanted ("what is a clinical trial"): most of the English
# words PostgreSQL's full-text search leaves out. Not highlighted in results, and not needed
# to name one of the site's own pages.
STOP_WORDS = frozenset({
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "doing",
    "during", "each", "for", "from", "had", "has", "have", "having", "he", "her", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or", "our",
    "she", "should", "so", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "those", "to", "was", "we", "were", "what", "when", "where", "which",
    "who", "whom", "why", "will", "with", "would", "you", "your",
    # What an apostrophe leaves of "child's" and "don't".
    "s", "t", "don",
})
MAX_DESTINATIONS = 3


def without_stop_words(words):
    """The words but common ones, as full-text search reads them; all of them when there
    is nothing else ("the who")."""
    return [word for word in words if word.lower() not in STOP_WORDS] or words


# A word or "quoted phrase" after a minus at the start of a word, also with a space between
# ("neuroblastoma -wilms", "- neuroblastoma"), which websearch_to_tsquery reads as "without
# it".
NEGATED = re.compile(r'(?<!\S)-+\s*("[^"]*"?|[^\s"-][^\s"]*)')


def searched(query):
    """The query as searched, each word after a minus written "-word" (websearch_to_tsquery
    reads "--word" as the word itself); but when every word has a minus before it
    ("-neuroblastoma", "- neuroblastoma" pasted from a list), which would find every page
    but theirs, the words themselves."""
    if re.search(r"\w", NEGATED.sub(" ", query)):
        return NEGATED.sub(lambda match: f"-{match[1]}", query)
    return NEGATED.sub(lambda match: match[1], query)


def wanted(query):
    """The query without its words after a minus: what the results are about."""
    return " ".join(NEGATED.sub(" ", query).split())


def unwanted_words(query):
    """The words after a minus, which no result may hold."""
    return re.findall(r"\w+", " ".join(NEGATED.findall(query)))


# Words asking for places near the searcher, which no page holds: "clinical trial near me"
# is a search for clinical trials. Not "nearby" alone ("nearby lymph nodes").
NEAR_ME = re.compile(r"\b(?:(?:near|close to|closest to|nearest to|around)\s+(?:me|us|here|"
                     r"my (?:home|house|area|town|city))|in my (?:area|town|city))\b",
                     re.IGNORECASE)


def without_place(query):
    """The query without its words asking for places near the searcher ("near me", "in my
    area"), or the query as it is when they are all it says but common words ("what is
    near me")."""
    rest = " ".join(NEAR_ME.sub(" ", query).split())
    words = re.findall(r"\w+", rest)
    return rest if any(word.lower() not in STOP_WORDS for word in words) else query


# ASCII punctuation, and typographic quotes, guillemets, inverted marks and the ellipsis.
PUNCTUATION = string.punctuation + "\u201c\u201d\u2018\u2019\u00ab\u00bb\u00bf\u00a1\u2026"


@cache
def destinations():
    return tuple(destination for module in feature_modules("search")
                 for destination in getattr(module, "DESTINATIONS", ()))


def destinations_for(query):
    """The site's own pages that every word of the query names (at most three)."""
    words = {word.lower() for word in re.findall(r"\w+", query)} - STOP_WORDS
    wanted = {stem(word) for word in words}
    if not wanted:
        return []
    return [destination for destination in destinations()
            if wanted <= destination.stems][:MAX_DESTINATIONS]


# Pages editors offer for a search (SearchPromotion) -----------------------------------------

MAX_ANCHORS_NAMED = 12  # a part's anchor that is not the page's: this many of its own are named


def promotion_key(query):
    """The words of a search as promotions match them: their stems but common words, each
    once, in order ("What is the prognosis?" and "prognosis" -> "prognosi"). "" for a search
    that leaves words out ("prognosis -neuroblastoma"): no page is offered for it."""
    if unwanted_words(query):
        return ""
    # As searched: "support group near me" is "support group" (without_place).
    words = without_stop_words(re.findall(r"\w+", without_place(query)))
    return " ".join(sorted({stem(word) for word in words}))[:200]


def promotion_path(url):
    """The address of a promotion's page as the search index writes it: the whole address
    when a document has it (a glossary term's, "/glossary/#term-biopsy"), else the address
    without its anchor."""
    if "#" in url and SearchDocument.objects.filter(url=url).exists():
        return url
    return url.partition("#")[0]


def check_promotion(promotion):
    """Validate a SearchPromotion (its model's clean): raises ValidationError naming the
    field."""
    from django.core.exceptions import ValidationError

    if not promotion_key(promotion.query or ""):
        raise ValidationError({"query": "Type the words of the search, e.g. “prognosis”, "
                                        "without words to leave out (a minus before them)."})
    url = (promotion.url or "").strip()
    path, _, anchor = url.partition("#")
    if not path.startswith("/") or path.startswith("//") or "?" in path:
        raise ValidationError({"url": "Use the address of a page of this site without its "
                                      "domain or anything after “?”, e.g. "
                                      "/conditions/neuroblastoma/."})
    promotion.url = url
    listed = {destination.url for destination in destinations()}
    document = (SearchDocument.objects.filter(url__in=[url, path]).only("url", "parts")
                .order_by("-url").first())  # the whole address first: a glossary term's
    if document is None and path not in listed:
        raise ValidationError({"url": f"No published page of this site has the address "
                                      f"{path}. Open the page on the site and copy its "
                                      "address from the part that begins with a slash."})
    if anchor and (document is None or document.url != url):
        anchors = [part[0] for part in document.parts if part[0]] if document else []
        if anchor not in anchors:
            named = ", ".join(f"#{name}" for name in anchors[:MAX_ANCHORS_NAMED])
            parts = f" Its parts: {named}." if named else " It has no parts to link to."
            raise ValidationError({"url": f"The page has no part “#{anchor}”.{parts}"})
    offered = (SearchPromotion.objects.filter(words=promotion_key(promotion.query))
               .exclude(pk=promotion.pk))
    same_page = document.url if document is not None and document.url == url else path
    if offered.filter(path=same_page).exists():
        raise ValidationError({"url": "This search already offers this page."})
    if offered.count() >= MAX_DESTINATIONS:
        raise ValidationError({"query": f"This search offers {MAX_DESTINATIONS} pages "
                                        "already, the most it shows: change or delete one."})


@dataclass(frozen=True)
class Offer:
    """A page offered above the results: what the search page shows of a promotion."""

    title: str
    url: str
    summary: str


def with_shown(promotions):
    """Promotions with `shown`: whether their page is live now (or is one of the site's own
    lists), and `page_title`, the live page's own title."""
    listed = [destination.url for destination in destinations()]
    live = SearchDocument.objects.live().filter(url=OuterRef("path"))
    return promotions.annotate(
        shown=ExpressionWrapper(Q(Exists(live)) | Q(path__in=listed),
                                output_field=BooleanField()),
        page_title=Subquery(live.values("title")[:1]),
    )


def promoted(query):
    """The pages editors offer for this search whose pages are live (at most three), in
    their order, each with the page's own title unless given another. One small query for
    a search with none (most searches), a second for their pages when there are some."""
    key = promotion_key(query)
    if not key or not SearchPromotion.objects.filter(words=key).exists():
        return []
    titles = {destination.url: destination.title for destination in destinations()}
    found = (with_shown(SearchPromotion.objects.filter(words=key)).filter(shown=True)
             .order_by("order", "pk")[:MAX_DESTINATIONS])
    return [Offer(title=promotion.title or promotion.page_title or titles.get(promotion.path, ""),
                  url=promotion.url, summary=promotion.summary)
            for promotion in found]


def on_this_site(query):
    """What the "On this site" box offers above the results (at most three): the pages
    editors offer for these words first, then a feature's lists filtered by the search
    (`offers_for` in its search module), then the site's own lists and forms the words name
    ("newsletter"), each address once."""
    if not query:
        return []
    offers = promoted(query)
    # A feature's lists filtered by what the search says ("trials for a 5 year old").
    offers += [offer for module in feature_modules("search")
               for offer in getattr(module, "offers_for", lambda query: [])(query)]
    urls = set()
    shown = []
    for offer in [*offers, *destinations_for(query)]:
        if offer.url not in urls:
            urls.add(offer.url)
            shown.append(offer)
    return shown[:MAX_DESTINATIONS]

# Writing documents -----------------------------------------------------------------------

def live(items):
    """The related items a public page shows: the live ones (a draft or scheduled condition's
    name must not be found through a care site that lists it)."""
    return [item for item in items if getattr(item, "is_live", True)]


def plain(text):
    """One line of text from several lines."""
    return " ".join((text or "").split())


ITEM_END = "\x1f"  # marks where a list item ended, while the tags are taken out


def html_text(html):
    """The text of sanitised HTML (a rendered Markdown field). A list item that does not end
    in punctuation gets a semicolon, so that a list reads as one in a snippet ("Wheezing;
    Trouble breathing;") instead of running its items together."""
    marked = re.sub(r"</li\s*>", f"{ITEM_END}</li>", html or "", flags=re.IGNORECASE)
    *items, rest = unescape(strip_tags(marked)).split(ITEM_END)
    return plain(" ".join([listed(items), rest]))


def listed(items):
    """List items as one text that still reads as a list: an item that does not end in
    punctuation gets a semicolon ("Surgery; Chemotherapy;")."""
    items = [item.rstrip() for item in items]
    return " ".join(item + ";" if item and item[-1] not in ".!?;:," else item
                    for item in items)


def build(searchable, content_type, obj):
    """The stored document of `obj`; None when it has no public address (e.g. a record
    written past validation), so that indexing never breaks a save, or when its document
    function finds it has nothing to show."""
    try:
        document = searchable.document(obj)
    except NoReverseMatch:
        return None
    if document is None:
        return None
    names = [document.title, *document.names]
    parts = [[part.anchor, part.heading, plain(part.text)] for part in document.parts
             if plain(part.text)]
    names = "\n".join(dict.fromkeys(name.strip() for name in names if name.strip()))
    body = "\n".join(f"{heading} {text}".strip() for _, heading, text in parts)[:MAX_BODY_LENGTH]
    return SearchDocument(
        content_type=content_type, object_id=obj.pk, kind=searchable.kind,
        title=document.title[:500], names=names,
        fuzzy_names=names if searchable.suggest else "",
        code=document.code, summary=plain(document.summary),
        headings="\n".join(dict.fromkeys(heading for _, heading, _ in parts if heading)),
        body="\n".join(filter(None, [body, searchable.kind_words])),
        parts=parts, url=document.url,
        boost=searchable.boost if document.boost is None else document.boost,
        publish_at=document.live_from or obj.publish_at,
        unpublish_at=document.live_until or getattr(obj, "unpublish_at", None),
        badge=document.badge, badge_style=document.badge_style,
        modified=document.modified or getattr(obj, "updated_at", None),
    )


def update_vectors(documents):
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    head = (SearchVector("names", "code", weight="A", config=CONFIG)
            + SearchVector("summary", weight="B", config=CONFIG)
            + SearchVector("headings", weight="C", config=CONFIG))
    documents.update(head_vector=head,
                     search_vector=head + SearchVector("body", weight="D", config=CONFIG))


# What keep_words reads of a stored document.
WORD_FIELDS = ("title", "names", "summary", "body", "publish_at", "unpublish_at")


def keep_words(documents, model=SearchWord, batch=5_000):
    """Add the words of those of these documents the public sees now to the words "Did you
    mean" corrects with. A scheduled page's words are added when it goes live
    (reindex_passed); rebuild_words drops each night the words no live page holds any
    more (of pages since changed, unpublished or deleted)."""
    now = timezone.now()
    words = set()
    for document in documents:
        if document.publish_at > now or (document.unpublish_at is not None
                                          and document.unpublish_at <= now):
            continue
        text = " ".join([document.title, document.names, document.summary, document.body])
        words.update(word for word in map(str.casefold, CORRECTED_WORD.findall(text))
                     if len(word) <= 40)
    for chunk in batched(sorted(words), batch):
        model.objects.bulk_create([model(word=word) for word in chunk], ignore_conflicts=True)


def rebuild_words():
    """The words of the live documents only, written again; returns how many."""
    with transaction.atomic():
        SearchWord.objects.all().delete()
        keep_words(SearchDocument.objects.live().only(*WORD_FIELDS)
                   .iterator(chunk_size=INDEX_BATCH))
    return SearchWord.objects.count()


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
    with transaction.atomic():
        # In batches: one query names at most 65,535 values on PostgreSQL.
        for batch in batched(sorted(pks), INDEX_BATCH):
            documents = [document for obj in searchable.indexable().filter(pk__in=batch)
                         if (document := build(searchable, content_type, obj)) is not None]
            SearchDocument.objects.filter(content_type=content_type,
                                          object_id__in=batch).delete()
            SearchDocument.objects.bulk_create(documents)
            update_vectors(SearchDocument.objects.filter(content_type=content_type,
                                                         object_id__in=batch))
            keep_words(documents)


def passed_in(since, now):
    """Whether a publishing or unpublishing time that reindex_passed() acts on fell in
    (since, now]: of an item that documents list, or of a document. One query."""
    window = (Q(publish_at__gt=since, publish_at__lte=now)
              | Q(unpublish_at__gt=since, unpublish_at__lte=now))
    listed = {model for searchable in searchables() for model, _ in searchable.depends_on
              if issubclass(model, Publishable)}
    branches = [model._default_manager.filter(window).order_by().annotate(one=Value(1))
                .values_list("one", flat=True)
                for model in sorted(listed, key=lambda model: model._meta.label)]
    branches.append(SearchDocument.objects.filter(publish_at__gt=since, publish_at__lte=now)
                    .order_by().annotate(one=Value(1)).values_list("one", flat=True))
    return bool(branches[0].union(*branches[1:], all=True).order_by()[:1])


def reindex_passed(since, now):
    """Write again the documents that list related items (a care site's conditions and
    locations, a trial's conditions) whose publishing or unpublishing time fell in
    (since, now]: such a change saves nothing, so no signal re-indexes them. Returns how
    many documents were written."""
    written = 0
    for searchable in searchables():
        owners_ = set()  # once each, however many of its related items passed a time
        for model, lookup in searchable.depends_on:
            if issubclass(model, Publishable):
                passed = model._default_manager.filter(
                    Q(publish_at__gt=since, publish_at__lte=now)
                    | Q(unpublish_at__gt=since, unpublish_at__lte=now))
                owners_.update(searchable.model._default_manager
                               .filter(**{f"{lookup}__in": passed}).values_list("pk", flat=True))
        index(searchable, owners_)
        written += len(owners_)
    # Pages that went live in the window: their words may now be offered by "Did you mean".
    keep_words(SearchDocument.objects.filter(publish_at__gt=since, publish_at__lte=now)
               .only(*WORD_FIELDS))
    return written


def rebuild(batch=INDEX_BATCH):
    """Write every document again; returns {kind: count}."""
    counts = {}
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        SearchWord.objects.all().delete()
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
                    keep_words(documents)
                    documents = []
            SearchDocument.objects.bulk_create(documents)
            keep_words(documents)
            counts[searchable.kind] = SearchDocument.objects.filter(kind=searchable.kind).count()
        update_vectors(SearchDocument.objects.all())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the query planner
            cursor.execute("ANALYZE portal_searchdocument")
            cursor.execute("ANALYZE portal_searchword")
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


def all_of(searchable):
    return list(searchable.model._default_manager.values_list("pk", flat=True))


def connect_signals():
    for searchable in searchables():
        uid = f"search-{searchable.kind}"

        def saved(sender, instance, raw=False, searchable=searchable, **kwargs):
            if not raw:
                index(searchable, all_of(searchable) if searchable.together else [instance.pk])

        def deleted(sender, instance, searchable=searchable, **kwargs):
            content_type = ContentType.objects.get_for_model(searchable.model)
            SearchDocument.objects.filter(content_type=content_type,
                                          object_id=instance.pk).delete()
            if searchable.together:
                index(searchable, all_of(searchable))

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
    """The query as searched: printable characters only (portal.forms.printable), single
    spaces, bounded in length and words. Returns (query, shortened)."""
    text = printable(str(text or ""))
    words = text.split()
    query = " ".join(words[:MAX_WORDS])
    shortened = len(words) > MAX_WORDS or len(query) > MAX_QUERY_LENGTH
    query = query[:MAX_QUERY_LENGTH].strip()
    return query, shortened


def nct_number(query):
    """The NCT number the query is, as the registry writes it ("nct 01234567" ->
    "NCT01234567"), or ""."""
    match = NCT_NUMBER.fullmatch(query.strip())
    return f"NCT{match[1]}" if match else ""


def find_code(code):
    """The live document with this identifier (e.g. a published trial's NCT number)."""
    return SearchDocument.objects.live().filter(code=code).only("url").first()


# A result's fields as read by the PostgreSQL statement: what `result()` reads of a
# SearchDocument, without building model instances.
Found = namedtuple("Found", RESULT_FIELDS, defaults=("", ""))  # no badge unless given


class Fetched:
    """One page of results already fetched, with the number of all matches: what the
    Paginator needs, without a query of its own."""

    def __init__(self, total, rows, offset):
        self.total, self.rows, self.offset = total, rows, offset

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, items):
        start = (items.start or 0) - self.offset
        return self.rows[max(0, start):max(0, (items.stop or self.total) - self.offset)]


def find(query, kind="", number=1, widen=True):
    """One search: ({kind: number of matches}, a Page of the live documents matching
    `query`, best first, in `kind` if given, partial, alike_only). A page number past the
    last gives the last page; the counts are of all kinds, for the type filter. `alike_only`
    is True when every match was found by names that only look like the query
    ("neuroblastomma"; PostgreSQL only), which may be a misspelling worth correcting.

    A page must hold every word of the query; when none does and the query has several
    words ("need a spanish interpreter"), the pages holding any of them are found instead
    (unless `widen` is False), those with more of the words first, and `partial` is True.
    When fewer than a page of results hold them and the query holds a name that means the
    same as others (equivalent_phrasings(): a glossary term's other forms), it is searched
    again with each of those in its place too ("radiotherapy": the pages on radiation)."""
    if not query:
        page = Paginator(Fetched(0, [], 0), PER_PAGE).get_page(1)
        page.phrasings = []
        return {}, page, False, False
    query = searched(query)
    number = number if isinstance(number, int) and number > 0 else 1
    fetch = find_postgresql if connection.vendor == "postgresql" else find_simple
    partial = False
    counts, rows, alike_only = fetch(query, kind, (number - 1) * PER_PAGE)
    # Only then: a name's other names may be common words on many pages, which a search
    # that finds enough already need not read and rank ("bone marrow transplant").
    phrasings = equivalent_phrasings(wanted(query))
    equivalents = bool(phrasings) and sum(counts.values()) < PER_PAGE
    if equivalents:
        counts, rows, alike_only = fetch(query, kind, (number - 1) * PER_PAGE,
                                         equivalents=True)
    # Not a query with a "quoted phrase": its words apart are not what it asks for.
    if (widen and not counts and len(any_words(query)) > 1
            and not QUOTED_PHRASE.search(wanted(query))):
        partial = True
        counts, rows, alike_only = fetch(query, kind, (number - 1) * PER_PAGE, any_word=True)
    total = counts.get(kind, 0) if kind else sum(counts.values())
    last = max(1, -(-total // PER_PAGE))
    if number > last:
        number = last
        counts, rows, alike_only = fetch(query, kind, (number - 1) * PER_PAGE,
                                         any_word=partial, equivalents=equivalents)
    paginator = Paginator(Fetched(total, rows, (number - 1) * PER_PAGE), PER_PAGE)
    page = paginator.page(number)
    # The other names searched in place of one in the query (for results()).
    page.phrasings = phrasings if equivalents and not partial else []
    return counts, page, partial and bool(counts), alike_only


QUOTED_PHRASE = re.compile(r'"[^"]*\w[^"]*"')


def any_words(query):
    """The words a search for any of them looks for: the query's words but common ones and
    those after a minus."""
    return without_stop_words(re.findall(r"\w+", wanted(query)))


def word_terms(word):
    """A word for to_tsquery in each of its spellings: (its terms for the stemming
    configuration, which finds the word's other forms; its terms as the beginning of a word,
    when it has MIN_PREFIX letters or more, for the `simple` one). Letters and digits only.

    The beginning is the word as typed, not its stem: "interpret:*" finds "interpreters",
    but "hearing" is not read as "hear:*", which would find "heart"."""
    if word.isdigit():
        # A number begins a word of letters after it ("4": "4S"), not a longer number
        # ("1" is not the beginning of "131").
        number = word.lower()
        return number, " | ".join([number, *(f"{number}{letter}:*"
                                             for letter in string.ascii_lowercase)])
    forms = spellings(word)
    # Not a common word ("the"), which as a beginning would find every page.
    return (" | ".join(forms),
            " | ".join(f"{form}:*" if len(form) >= MIN_PREFIX and form not in STOP_WORDS
                       else form for form in forms))


def any_word_terms(query):
    """The to_tsquery terms of a search for any of the query's words, as word_terms()."""
    terms = [word_terms(word) for word in any_words(query)]
    return (" | ".join(f"({words})" for words, _ in terms),
            " | ".join(f"({beginnings})" for _, beginnings in terms))


def prefix_terms(query):
    """The query's words as beginnings of words ("osteo" finds osteosarcoma), for
    PostgreSQL: for each word, (its terms for the stemming configuration, its terms as the
    beginning of a word as typed, for `simple`), each in either spelling ("paediatric" finds
    "pediatrician"); a page must hold each word one way or the other ("osteo tumors": a word
    beginning "osteo" and a form of "tumor"). [] when a word is too short, or when every word
    is a common one ("the who": as beginnings they would find every page); common words such
    as "is" are left out otherwise, as full-text search does. A number is the beginning of a
    word too ("stage 4" finds "Stage 4S"), when the query has a word of letters beside it.
    Built from letters and digits only, so nothing typed can be read as an operator."""
    words = without_stop_words(re.findall(r"\w+", wanted(query)))
    letters = [word for word in words if not word.isdigit()]
    if (not letters or any(len(word) < MIN_PREFIX for word in letters)
            or all(word.lower() in STOP_WORDS for word in words)):
        return []
    return [word_terms(word) for word in words]


# One statement for PostgreSQL: the live documents that match, each way to match answered
# by its own GIN index (full text; else trigram similarity of the names, for misspellings),
# scored as they are read, their number by type, and the full rows of one page of them only.
# The score reads only names and summary (head_vector): a name or other name that matches
# (`named`) adds NAME_MATCH and the trigram similarity of the query to the names (so a place
# or service named like the query comes before pages that only mention its words); then the
# weighted full-text rank and the type's boost. The similarity is not worked out for the
# pages that only mention the words, nor for the types whose names are not compared (trials:
# most documents): for each it would split the query into trigrams again.
# Names that only look like the query are added when the full text found nothing, and only
# names with a word that each of the query's words (of four letters or more) may be a
# misspelling of (TYPO_LENGTHS): a misspelling ("neuroblastomma") finds its page, while a
# search for a word the site uses ("neuroblastoma", "glioblastoma") is not padded with
# look-alike names ("nephroblastoma"), nor is a tumour the site has no page about
# ("neuroma") offered another's.
# The query's terms are written out where an index must read them (the planner cannot look
# inside the `terms` row) and read from `terms` for the score, so that they are parsed once.
SEARCH_SQL = """
WITH terms AS (SELECT {terms} AS q{weights}),
matched AS MATERIALIZED (
    SELECT id, kind, title, named,
           CASE WHEN named THEN %(name_match)s + {similarity} ELSE 0 END + rank AS score
    FROM (
        SELECT document.id, document.kind, document.title, document.fuzzy_names,
               ts_rank('{{0, 0, 0, 1}}', document.head_vector, terms.q) > 0 AS named,
               ts_rank(document.head_vector, terms.q) + document.boost{coverage} AS rank
        FROM {table} document, terms
        WHERE document.search_vector @@ ({terms}) AND {is_live}
        OFFSET 0  -- each rank worked out once, not again where `named` is read
    ) document
),
live AS MATERIALIZED (
    SELECT id, kind, title, score FROM matched
    UNION ALL
    SELECT document.id, document.kind, document.title,
           CASE WHEN ts_rank('{{0, 0, 0, 1}}', document.head_vector, terms.q) > 0
                THEN %(name_match)s ELSE 0 END
           + ts_rank(document.head_vector, terms.q) + {similarity} + document.boost
    FROM {table} document, terms
    WHERE NOT EXISTS (SELECT FROM matched)
      AND document.fuzzy_names %%> %(similar)s AND {is_live}{unwanted}
      AND cardinality(%(typed)s::text[]) > 0
      AND NOT EXISTS (SELECT FROM unnest(%(typed)s::text[]) AS typed
                      WHERE NOT EXISTS (
                          SELECT FROM regexp_split_to_table(lower(document.fuzzy_names),
                                                            '[^[:alnum:]]+') AS name_word
                          WHERE levenshtein_less_equal(typed, name_word, {typo_most})
                                <= CASE WHEN left(typed, 1) = left(name_word, 1)
                                        THEN CASE {typo_letters} END
                                        WHEN length(typed) >= {same_first_below}
                                        THEN {other_first_most} ELSE -1 END))
),
counts AS (
    SELECT coalesce(json_object_agg(kind, n), '{{}}') AS counts,
           NOT EXISTS (SELECT FROM matched) AS alike_only
    FROM (SELECT kind, count(*) AS n FROM live GROUP BY kind) by_kind
),
page AS (
    SELECT id, score, title FROM live WHERE %(kind)s = '' OR kind = %(kind)s
    ORDER BY score DESC, title, id LIMIT %(limit)s OFFSET %(offset)s
)
SELECT counts.counts, document.kind, document.title, document.names, document.summary,
       document.parts, document.url, document.badge, document.badge_style, counts.alike_only
FROM counts LEFT JOIN (page JOIN {table} document USING (id)) ON true
ORDER BY page.score DESC, page.title, page.id
"""
# How close the query is to the whole words of the names, as written and as they sound
# (the mean of the two, as likeness()): a misspelling that shares as many
# three-letter pieces with two names ("nueroblastoma": neuroblastoma, nephroblastoma, and the
# "neuroblastoma" inside ganglioneuroblastoma) is closest to the whole word that has the
# fewest others. The index finds the candidates by word similarity, which ties them.
SIMILARITY = """CASE WHEN document.fuzzy_names = '' THEN 0
                ELSE (strict_word_similarity(%(similar)s, document.fuzzy_names)
                      + strict_word_similarity(%(sounded)s,
                                               replace(lower(document.fuzzy_names), 'ph', 'f')))
                     / 2 END"""
# The letters a misspelling of a word of this length (`typed`) may get wrong, in SQL.
TYPO_LETTERS = " ".join(f"WHEN length(typed) >= {length} THEN {letters}"
                        for length, letters in TYPO_LENGTHS) + " ELSE -1"
IS_LIVE = """document.publish_at <= %(now)s
      AND (document.unpublish_at IS NULL OR document.unpublish_at > %(now)s)"""
# The words as typed, or in their American spelling (which most medical pages use) when
# the query has British ones.
TYPED_TERMS = "websearch_to_tsquery(%(config)s::regconfig, %(query)s)"
WEB_TERMS = (f"(CASE WHEN %(spelled)s = '' THEN {TYPED_TERMS} ELSE {TYPED_TERMS}"
             " || websearch_to_tsquery(%(config)s::regconfig, %(spelled)s) END)")
# Beginnings of words as typed ("simple" neither stems nor drops words).
BEGINNINGS = "'simple'::regconfig"


def either_terms(forms, beginnings):
    """A word's terms (word_terms(), in the parameters named): a form of it, or a word it
    begins."""
    return (f"(to_tsquery(%(config)s::regconfig, %({forms})s)"
            f" || to_tsquery({BEGINNINGS}, %({beginnings})s))")


ANY_TERMS = either_terms("any_terms", "any_beginnings")
# Less the words after a minus, by the stemming configuration as the full-text terms leave
# them out: the beginnings add to those and must not bring such pages back.
WITHOUT = "to_tsquery(%(config)s::regconfig, %(without)s)"
# A name that only looks like the query is not added when it holds a word after a minus.
UNWANTED = """
      AND NOT document.search_vector @@ websearch_to_tsquery(%(config)s::regconfig,
                                                             %(unwanted)s)"""


# A stage's number as pages write it: "stage 4", "stage IV", "stage four". Not the single
# letters "I" (a stop word, left out of the text) and "V" (as the beginning of a word, which
# the SQLite search and the highlighting match, it would find every word starting with v).
STAGE_NUMBERS = [("1", "one"), ("2", "ii", "two"), ("3", "iii", "three"), ("4", "iv", "four"),
                 ("5", "five")]
# A trial's phase is numbered the same ways ("phase II": "Phase 2").
NUMBERED = ("stage", "stages", "phase", "phases")
STAGE_NUMBER = re.compile(rf"\b((?:{'|'.join(NUMBERED)})\s+)(\w+)\b", re.IGNORECASE)
MAX_SPELLINGS = 8


def stage_number_spellings(word):
    """The ways of writing a stage's number ("four": 4, iv, four), or () if it is none."""
    return next((written for written in STAGE_NUMBERS if word.lower() in written), ())


def other_spellings(query, equivalents=True):
    """The query in its other spellings, as alternatives for websearch_to_tsquery ("... or
    ..."), or "" when it has none: its British words in American spelling, a stage's number
    written the other ways ("stage four": "stage 4", "stage iv"), and, if `equivalents`,
    the other names of a name it holds that mean the same (equivalent_phrasings()). At most
    MAX_SPELLINGS."""
    # An odd quotation mark would run on over the "or" between two spellings.
    unquoted = query.replace('"', " ") if query.count('"') % 2 else query
    spelled = american(unquoted)
    found, seen = [spelled] if spelled else [], {query.casefold(), spelled.casefold()}
    for text in filter(None, [unquoted, spelled]):
        variants = [text]
        for match in reversed(list(STAGE_NUMBER.finditer(text))):  # the last first: the
            # places of the ones before stay as they are
            numbers = stage_number_spellings(match[2])
            variants = [variant[:match.start(2)] + number + variant[match.end(2):]
                        for number in numbers for variant in variants][:MAX_SPELLINGS * 4] \
                or variants
        for variant in variants:
            if variant.casefold() not in seen:
                seen.add(variant.casefold())
                found.append(variant)
    # Then the other names meaning the same as one it holds ("radiotherapy": radiation).
    for variant in equivalent_phrasings(unquoted) if equivalents else ():
        if variant.casefold() not in seen:
            seen.add(variant.casefold())
            found.append(variant)
    return " or ".join(found[:MAX_SPELLINGS])


def equivalents():
    """The names that mean the same thing (Searchable.equivalent_names) of the live
    documents, by their first word: {word: [(words, group)]}, the longest name first, where
    `words` are one name's words in lower case and `group` those of each name of its
    document. Kept in this process per content version, like the header's links; read once
    per request without the page cache (a search may run more than once on one request)."""
    from portal.cache import per_content_version

    kept = getattr(_this_request, "values", None)
    if kept is None:
        return per_content_version("search-equivalents", read_equivalents)
    if "equivalents" not in kept:
        kept["equivalents"] = per_content_version("search-equivalents", read_equivalents)
    return kept["equivalents"]


# Values read once per request (equivalents()), from its start to its end.
_this_request = threading.local()


def _request_started(**kwargs):
    _this_request.values = {}


def _request_finished(**kwargs):
    _this_request.values = None


request_started.connect(_request_started, dispatch_uid="search-request-started")
request_finished.connect(_request_finished, dispatch_uid="search-request-finished")


def read_equivalents():
    kinds = [searchable.kind for searchable in searchables() if searchable.equivalent_names]
    index = {}
    rows = SearchDocument.objects.live().filter(kind__in=kinds).values_list("title", "names")
    for title, names in rows if kinds else ():
        group = tuple(dict.fromkeys(
            words for words in (tuple(re.findall(r"\w+", name.casefold()))
                                for name in [title, *names.splitlines()]) if words))
        for words in group:
            index.setdefault(words[0], []).append((words, group))
    for names in index.values():
        names.sort(key=lambda name: -len(name[0]))
    return index


def equivalent_phrasings(query):
    """The query with a name it holds, of those that mean the same thing (equivalents()),
    written as each of the others ("radiotherapy side effects": "radiation side effects",
    "radiation therapy side effects"), but those shorter ones whose words it holds; the
    longest name where several begin at one word.
    Not a name with a word after a minus, nor one across the edge of a "quoted phrase". At
    most MAX_SPELLINGS; [] when the query holds none."""
    tokens = list(re.finditer(r"\w+", query))
    index = equivalents() if tokens else {}
    if not index:
        return []
    negated = [match.span() for match in NEGATED.finditer(query)]
    words = [token[0].casefold() for token in tokens]
    found, i = [], 0
    while i < len(tokens) and len(found) < MAX_SPELLINGS:
        name, group = next(((name, group) for name, group in index.get(words[i], ())
                            if tuple(words[i:i + len(name)]) == name), (None, ()))
        start = tokens[i].start()
        end = tokens[i + len(name) - 1].end() if name else start
        if name is None or '"' in query[start:end] or any(
                begin < end and start < finish for begin, finish in negated):
            i += 1
            continue
        # Not a shorter name whose words the one typed holds ("transplant" of "stem cell
        # transplant", "CT" of "CT scan"): it is wider, and would find every other kind.
        found += [f"{query[:start]}{' '.join(other)}{query[end:]}"
                  for other in group if not set(other) <= set(name)]
        i += len(name)
    return found[:MAX_SPELLINGS]


def american(query):
    """The query with its British spellings in American ("tumours" -> "tumors"), or "" when
    it has none."""
    changed = False

    def replace(match):
        nonlocal changed
        other = next((spelling for spelling in spellings(match[0])
                      if spelling != match[0].lower()), None)
        changed = changed or other is not None
        return other or match[0]

    spelled = re.sub(r"\w+", replace, query)
    return spelled if changed else ""


def find_postgresql(query, kind, offset, any_word=False, equivalents=False):
    prefixes = [] if any_word else prefix_terms(query)
    unwanted = " or ".join(unwanted_words(query))
    without = " & ".join(f"!{word}" for word in without_stop_words(unwanted_words(query)))
    words = any_words(query) if any_word else []
    any_terms, any_beginnings = any_word_terms(query) if any_word else ("", "")
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    if any_word:
        # Any of the words. A page scores WORD_MATCH for each word it holds, and that word's
        # weight: among pages holding as many words, a rare word ("interpreter") counts for
        # more than a common one ("need"), by the number of pages holding it (each counted
        # through the full-text index).
        terms = f"({ANY_TERMS} && {WITHOUT})" if without else ANY_TERMS
        # Each word's terms are parsed once, in `terms`, and read from there for each page.
        weights = "".join(
            f", {either_terms(f'word_{number}', f'beginning_{number}')} AS t{number},"
            f" 1.0 / ln(2 + (SELECT count(*) FROM {table} counted WHERE counted.search_vector"
            f" @@ {either_terms(f'word_{number}', f'beginning_{number}')})) AS w{number}"
            for number in range(len(words)))
        coverage = " + " + " + ".join(
            f"(document.search_vector @@ terms.t{number})::int"
            f" * (%(word_match)s + terms.w{number})" for number in range(len(words)))
    else:
        beginnings = " && ".join([either_terms(f"prefix_{number}", f"start_{number}")
                                  for number in range(len(prefixes))]
                                 + ([WITHOUT] if without else []))
        terms = f"{WEB_TERMS} || ({beginnings})" if prefixes else WEB_TERMS
        weights = coverage = ""
    sql = SEARCH_SQL.format(table=table, terms=terms, similarity=SIMILARITY, is_live=IS_LIVE,
                            unwanted=UNWANTED if unwanted else "", weights=weights,
                            coverage=coverage, typo_letters=TYPO_LETTERS,
                            typo_most=TYPO_LENGTHS[0][1],
                            same_first_below=SAME_FIRST_LETTER_BELOW,
                            other_first_most=OTHER_FIRST_LETTER_MOST)
    with connection.cursor() as cursor:  # prepared on its second run (settings.py)
        cursor.execute(sql, {
            "config": CONFIG, "query": query, "spelled": other_spellings(query, equivalents),
            "typed": typed_words(query),
            "similar": wanted(query), "sounded": sounded(wanted(query).lower()),
            "unwanted": unwanted,
            "now": timezone.now(), "name_match": NAME_MATCH, "kind": kind or "",
            "limit": PER_PAGE, "offset": offset,
            "any_terms": any_terms, "any_beginnings": any_beginnings, "without": without,
            "word_match": WORD_MATCH,
            **{f"{name}_{number}": terms for number, word in enumerate(words)
               for name, terms in zip(("word", "beginning"), word_terms(word), strict=True)},
            **{f"{name}_{number}": terms for number, pair in enumerate(prefixes)
               for name, terms in zip(("prefix", "start"), pair, strict=True)},
        })
        found = cursor.fetchall()
    # Django's PostgreSQL backend reads JSON as text, for its JSONField to decode.
    counts = decoded(found[0][0]) if found else {}
    rows = [Found(row[1], row[2], row[3], row[4], decoded(row[5]), row[6], row[7], row[8])
            for row in found if row[1] is not None]
    # Found only by names that look like the query (the full text found nothing).
    alike_only = bool(counts) and bool(found[0][9])
    return counts, rows, alike_only


def typo_letters(word):
    """How many letters a misspelling of `word` may get wrong (TYPO_LENGTHS)."""
    return next((letters for length, letters in TYPO_LENGTHS if len(word) >= length), 0)


def misspelling(typed, word):
    """Whether `typed` may be `word` misspelt (or is it): "parkng" of "parking", not
    "neuroma" of "neuroblastoma", "opinion" of "option" nor "rash" of "drash". Not
    case-sensitive."""
    allowed = typo_letters(typed)
    typed, word = typed.lower(), word.lower()
    if typed[:1] != word[:1]:
        if len(typed) < SAME_FIRST_LETTER_BELOW:
            return False
        allowed = min(allowed, OTHER_FIRST_LETTER_MOST)
    return Levenshtein.distance(typed, word, score_cutoff=allowed) <= allowed


def sounded(text):
    """Lower-case text as it sounds: "ph" as "f" (likeness())."""
    return text.replace("ph", "f")


def likeness(typed, word):
    """How alike two lower-case words or names are: difflib's ratio of them as written and
    as they sound (sounded()), the mean of the two. So "nefroblastoma" (the Spanish
    spelling) is nearest "nephroblastoma", not "neuroblastoma", which is as few letters
    away, while "neroblastoma" stays nearest "neuroblastoma"."""
    written = difflib.SequenceMatcher(None, typed, word).ratio()
    if "ph" not in typed and "ph" not in word:
        return written
    return (written + difflib.SequenceMatcher(None, sounded(typed), sounded(word)).ratio()) / 2


def closest_misspelt(typed, words, cutoff=0.0):
    """The word of `words` that `typed` (lower case) most likely misspells: of those it may
    be misspelt from (misspelling()), the most alike (likeness()), at least `cutoff` (on
    equal likeness, the last in alphabetical order). "" when there is none."""
    alike = [(likeness(typed, word), word) for word in words if misspelling(typed, word)]
    score, word = max(alike, default=(0.0, ""))
    return word if alike and score >= cutoff else ""


def typed_words(query):
    """The query's words that a look-alike name must hold a word for (misspelt or not):
    those of letters, four or more, that are not common words ("tumer of kidny": tumer,
    kidny). [] when it has none, and no names are added for looking like it."""
    return without_stop_words(CORRECTED_WORD.findall(wanted(query).lower()))


def decoded(value):
    return json.loads(value) if isinstance(value, str) else value


# British spellings and the American ones medical pages often use: (ending, replacement),
# then (letters anywhere, replacement). PostgreSQL's trigram matching finds these unaided.
SPELLING_ENDINGS = [("our", "or"), ("ours", "ors"), ("tre", "ter"), ("tres", "ters"),
                    ("ise", "ize"), ("ised", "ized"), ("ising", "izing"),
                    ("isation", "ization")]
SPELLING_INSIDE = [("ae", "e"), ("oe", "e")]


def stems_of_words(words):
    """Each word's forms to find in text (see form_pattern): its stems in each of its
    spellings, each spelling as typed as the beginning of a word, and a stage's or phase's
    number also in the other ways of writing it ("stage four": four, 4, iv)."""
    return [sorted({*word_stems(word), *beginnings(word),
                    *(stage_number_spellings(word) if index and
                      words[index - 1].lower() in NUMBERED else ())})
            for index, word in enumerate(words)]


def beginnings(word):
    """The word's spellings as beginnings of words ("interpret*"), when long enough."""
    if word.isdigit():
        return []
    return [f"{spelling}*" for spelling in spellings(word) if len(spelling) >= MIN_PREFIX]


# The endings stem() cuts, which a stem found in text may have: "bruis" finds "bruise",
# "bruises", "bruised" and "bruising", and "hear" finds "hears" but not "heart".
ENDINGS = r"(?:s|es|e|ed|ing|er|ers)?"


def form_pattern(form, whole_numbers=False):
    """The regular expression of one form of a word to find in text, after the start of a
    word: "word*" the beginning of a word ("interpret*": "interpreters"); a number too
    ("4": "4S"), unless whole_numbers; a short word (shorter than MIN_PREFIX) only itself
    ("t" is not the beginning of "the"); else a stem, with one of the endings stem() cuts."""
    if form.endswith("*"):
        return re.escape(form[:-1]) + r"\w*"
    if form.isdigit():  # followed by letters only: "4" is the beginning of "4S", not "131"
        return re.escape(form) + (r"(?!\w)" if whole_numbers else r"(?!\d)\w*")
    if len(form) < MIN_PREFIX:
        return re.escape(form) + r"(?!\w)"
    return re.escape(form) + ENDINGS + r"(?!\w)"


def forms_pattern(forms, whole_numbers=False):
    """One regular expression for any of the forms, each at the start of a word."""
    alternatives = "|".join(form_pattern(form, whole_numbers)
                            for form in sorted(forms, key=len, reverse=True))
    return rf"(?<!\w)(?:{alternatives})"


def word_stems(word):
    """The stems of the word in each of its spellings ("tumours" -> tumor, tumour): its
    plain ending cut (stem()), a short word's without its "-ing" ("eating" -> eat, so that
    "eats" is found and marked), and the English Snowball stem, as PostgreSQL's full-text
    search has it ("survival" -> surviv, so that the "survive" it found is marked too)."""
    return sorted({form for spelling in spellings(word)
                   for form in (stem(spelling), short_stem(spelling), snowball(spelling))})


_stemmers = threading.local()


def snowball(word):
    """The English Snowball stem of a lower-case word (a stemmer object is not shared
    between threads)."""
    if not hasattr(_stemmers, "english"):
        _stemmers.english = snowballstemmer.stemmer("english")
    return _stemmers.english.stemWord(word)


VOWELS = frozenset("aeiou")


def short_stem(word):
    """A six-letter word ending in "-ing" without it ("eating" -> "eat"), which stem()
    leaves whole, with the "e" a consonant, vowel and consonant take back, as PostgreSQL's
    stemmer has it ("caring" -> "care", not "car"); any other word as stem() has it."""
    word = word.lower()
    if not (len(word) == 6 and word.endswith("ing")):
        return stem(word)
    base = word[:-3]
    consonant_vowel_consonant = (base[0] not in VOWELS and base[1] in VOWELS
                                 and base[2] not in VOWELS | {"w", "x", "y"})
    return base + "e" if consonant_vowel_consonant else base


def spellings(word):
    """The word and its American spelling, if it looks British ("tumour", "anaemia",
    "oesophagus", "centre", "randomised")."""
    lower = word.lower()
    found = {lower}
    if len(lower) > 5:
        for ending, replacement in SPELLING_ENDINGS:
            if lower.endswith(ending):
                found.add(lower[: -len(ending)] + replacement)
        for pair, replacement in SPELLING_INSIDE:
            if pair in lower:
                found.add(lower.replace(pair, replacement))
    return sorted(found)


def holding(word, forms):
    """The documents with the word as their identifier, or with one of its forms
    (stems_of_words) as a word of their names, summary or body: at the start of a word, as
    full-text search matches (the stem of "sibling", "sibl", is not found inside
    "possible"), and as the highlighting finds them."""
    pattern = forms_pattern(forms)
    return (Q(code__iexact=word) | Q(names__iregex=pattern) | Q(summary__iregex=pattern)
            | Q(body__iregex=pattern))


def simple_words(text):
    """The words the simple search looks for: without the punctuation around them
    ("trial?"); as full-text search does, common words ("what is a") are left out unless
    that is all."""
    return without_stop_words(
        [word for word in (word.strip(PUNCTUATION) for word in text.split()) if word])


def find_simple(query, kind, offset, any_word=False, equivalents=False):
    """SQLite (make run): every word but common ones (its stem, or the stem of its American
    spelling) at the start of a word in the names, identifier, summary or body, or any of
    them (`any_word`, those with more of them first); names that match rank first."""
    documents = SearchDocument.objects.live()
    words = simple_words(wanted(query))
    if not words:
        return {}, [], False
    # Each word's stem, as full-text search would ("bruising" finds "bruises"), in each
    # spelling.
    variants = stems_of_words(words)
    held = [holding(word, spelled) for word, spelled in zip(words, variants, strict=True)]
    if any_word:
        documents = documents.filter(reduce(operator.or_, held))
    else:
        # Every word; or every word of the query with a name in it written as another name
        # meaning the same ("radiotherapy": radiation).
        every = reduce(operator.and_, held)
        for other in map(simple_words, equivalent_phrasings(wanted(query)) if equivalents
                         else ()):
            if other:
                every |= reduce(operator.and_, (
                    holding(word, forms)
                    for word, forms in zip(other, stems_of_words(other), strict=True)))
        documents = documents.filter(every)
    # No result holds a word after a minus.
    for word in without_stop_words(unwanted_words(query)):
        documents = documents.exclude(holding(word, stems_of_words([word])[0]))
    counts = {row["kind"]: row["n"]
              for row in documents.order_by().values("kind").annotate(n=Count("pk"))}
    if not (counts.get(kind, 0) if kind else counts):
        return counts, [], False
    if kind:
        documents = documents.filter(kind=kind)
    # A name holding the word whole counts fully; one where it only begins or sits inside a
    # longer word ("camp" in "campus") half (PostgreSQL tells these apart by similarity).
    in_names = [Case(*[When(names__iregex=rf"\b{re.escape(form.rstrip('*'))}\b",
                            then=Value(1.0)) for form in forms],
                     *[When(names__icontains=form.rstrip("*"), then=Value(0.5))
                       for form in forms],
                     default=Value(0.0))
                for forms in variants]
    score = Case(When(title__iexact=wanted(query), then=Value(NAME_MATCH)), default=Value(0.0),
                 output_field=FloatField())
    for term in in_names:
        score = score + term * Value(NAME_MATCH)
    # A part headed by the word ("Parking") before a page that only mentions it in its text,
    # as the headings' weight does on PostgreSQL.
    for forms in variants:
        score = score + Case(When(headings__iregex=forms_pattern(forms),
                                  then=Value(HEADING_MATCH)), default=Value(0.0))
    if any_word:
        for matches in held:
            score = score + Case(When(matches, then=Value(WORD_MATCH)), default=Value(0.0))
    ranked = (documents.only(*RESULT_FIELDS).annotate(score=score + F("boost"))
              .order_by("-score", "title", "pk"))
    # Every result holds the words (this search has no look-alike names).
    return counts, list(ranked[offset:offset + PER_PAGE]), False


def vocabulary(query):
    """Names that "Did you mean" may offer for this query (bounded)."""
    kinds = [searchable.kind for searchable in searchables() if searchable.suggest]
    documents = SearchDocument.objects.live().filter(kind__in=kinds)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        # Only the documents whose names are most like the query (each measured once):
        # comparing every name of thousands with difflib would cost more than the search.
        # The names' trigram index finds those at least SUGGEST_SIMILARITY alike (its
        # threshold set for this query only), instead of measuring every name.
        closest = (documents.filter(fuzzy_names__trigram_word_similar=query)
                   .annotate(similarity=TrigramWordSimilarity(query, "fuzzy_names"))
                   .order_by("-similarity", "pk").values_list("names", "similarity"))
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(f"SELECT set_config('{SIMILARITY_THRESHOLD}', %s, true)",
                           [str(SUGGEST_SIMILARITY)])
            found = list(closest[:SUGGEST_CANDIDATES])
            cursor.execute(f"RESET {SIMILARITY_THRESHOLD}")  # within an outer transaction too
        names = [names for names, similarity in found if similarity > SUGGEST_SIMILARITY]
    else:
        names = documents.values_list("names", flat=True)[:2000]
    return [name for lines in names for name in lines.splitlines()]


def close_words(words):
    """{word: [words of the index like it, closest first]} for the words of a search that
    "Did you mean" may correct, in one query. A word the index holds as it is comes first
    in its own list (it is the closest)."""
    words = [word for word in dict.fromkeys(map(str.casefold, words))
             if CORRECTED_WORD.fullmatch(word)][:MAX_CORRECTED_WORDS]
    if not words:
        return {}
    if connection.vendor == "postgresql":
        # The trigram index (GiST) reads the closest words first and stops after the few
        # wanted; they are at least pg_trgm.similarity_threshold alike (0.3 by default).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT asked, near.word FROM unnest(%s::text[]) AS asked "
                "CROSS JOIN LATERAL (SELECT word FROM portal_searchword WHERE word %% asked "
                "ORDER BY word <-> asked, word LIMIT %s) AS near",
                [words, WORD_CANDIDATES])
            rows = cursor.fetchall()
    else:
        # The simple search reads the words that begin as one of the search's words do and
        # are about as long (a bounded number), and compares them with difflib.
        lengths = [len(word) for word in words]
        read = list(
            SearchWord.objects.annotate(length=Length("word"))
            .filter(reduce(operator.or_, (Q(word__startswith=word[0]) for word in words)),
                    length__gte=min(lengths) - 2, length__lte=max(lengths) + 2)
            .order_by("word").values_list("word", flat=True)[:MAX_WORD_CANDIDATES])
        rows = [(word, near) for word in words
                for near in difflib.get_close_matches(word, read, n=WORD_CANDIDATES,
                                                      cutoff=SUGGEST_CUTOFF)]
    found = {}
    for word, near in rows:  # closest first: a word the index holds is its own first
        found.setdefault(word, []).append(near)
    return found


def suggestion(query):
    """A close title, other name or glossary term for a query that found nothing: the whole
    query, else word by word, each word the index does not hold replaced by the closest
    name's word or word of the pages ("parkng" -> "parking"). "" when nothing is close."""
    names = vocabulary(query)
    # Names as many words long as the query: "neuroblastomma trials" keeps its "trials".
    lowered = {name.lower(): name for name in names
               if len(name.split()) == len(query.split())}
    score, close = max(((likeness(query.lower(), name), name) for name in lowered),
                       default=(0.0, ""))
    # Never the query again, in other capitals or other endings of its words ("open trial"
    # for "open trials"): the search has looked for those already. Never a name that is
    # not a misspelling of the query, word by word ("hepatoblastoma": not Retinoblastoma).
    if (score >= SUGGEST_CUTOFF and stems_of(close) != stems_of(query)
            and all(map(misspelling, query.lower().split(), close.split()))):
        return lowered[close]
    words = {word.lower() for name in names for word in re.findall(r"\w+", name)}
    typed = query.split()
    cores = [word.strip(PUNCTUATION) for word in typed]  # "nausia?" -> "nausia"
    indexed = close_words(cores)
    suggested = []
    for word, core in zip(typed, cores, strict=True):
        near_words = indexed.get(core.casefold(), [])
        if not core or near_words[:1] == [core.casefold()]:  # a word of the pages
            suggested.append(word)
            continue
        near = closest_misspelt(core.lower(), words.union(near_words), cutoff=SUGGEST_CUTOFF)
        start = word.find(core)
        suggested.append(word[:start] + near + word[start + len(core):]
                         if near and len(core) > 3 else word)
    changed = [a for a, b in zip(suggested, typed, strict=True)
               if stems_of(a) != stems_of(b)]
    return " ".join(suggested) if changed else ""


def sure_correction(typed, corrected):
    """Whether a correction may be searched instead of what was typed: each word it changes
    is long (SAME_FIRST_LETTER_BELOW letters or more), where a slip is far likelier than a
    real word the pages lack ("neuroblastomma"). A short word not on the pages is often a
    real one ("port", "lost", "cafe"): its correction ("part", "loss", "care") is only
    offered."""
    typed_words, corrected_words = typed.split(), corrected.split()
    if len(typed_words) != len(corrected_words):
        return False
    changed = [word for word, fixed in zip(typed_words, corrected_words, strict=True)
               if stems_of(word) != stems_of(fixed)]
    return bool(changed) and all(len(word.strip(PUNCTUATION)) >= SAME_FIRST_LETTER_BELOW
                                 for word in changed)


def offered(query):
    """The suggestion for a search when searching for it finds pages holding all of its
    words (never one that would find nothing, or only some of its words); else ""."""
    suggested = suggestion(query)
    return suggested if suggested and find(suggested, widen=False)[0] else ""


SUFFIXES = ("ing", "es", "ed", "s")


def stem(word):
    """A lower-case word without a common ending ("trials", "scanning" -> "trial", "scann"):
    enough to tell words the search treats alike. (The pages offered for a search are kept
    under these stems: a change here would lose them.)"""
    word = word.lower()
    for suffix in SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def stems_of(text):
    return [stem(word) for word in re.findall(r"\w+", text)]


# Results -----------------------------------------------------------------------------------


class Words:
    """The query's words as found in text. `groups` holds each word's forms (stems_of_words:
    its stems and beginnings, in each spelling: "tumour", "tumor")."""

    def __init__(self, stems, groups=None, whole_numbers=False):
        self.stems = stems
        self.groups = groups or [{stem} for stem in stems]
        self.whole_numbers = whole_numbers
        self.each = None  # one Words per word, for all_in()
        self.exact = None  # exact_numbers()
        self.ascii = all(stem.isascii() for stem in stems)
        self.letters = {stem.rstrip("*") for stem in stems}
        # The words as form_pattern() finds them ("interpret*": "interpreters"; a number
        # at the beginning of a word, "4" in "4S", unless whole_numbers).
        self.pattern = re.compile(forms_pattern(stems, whole_numbers), re.IGNORECASE)

    def exact_numbers(self):
        """The same words with each number matching only itself: "stage 4" then finds a
        part that says "stage 4" rather than one about "stage 4S" (None without numbers)."""
        if self.exact is None and any(stem.isdigit() for stem in self.stems):
            # Made once per search, not once per result.
            self.exact = Words(self.stems, self.groups, whole_numbers=True)
        return self.exact

    def search(self, text):
        # Most texts of a page of results hold none of the words (a misspelling found by
        # similarity holds none anywhere): a plain test for the letters is far quicker
        # than the pattern over a whole page's text, and the pattern only runs on a hit.
        # Only for ASCII, where lower case and the pattern's case-blindness agree ("İ" in
        # lower case gains a combining dot; the long s matches "s" without it).
        if self.ascii and text.isascii():
            lowered = text.lower()
            if not any(letters in lowered for letters in self.letters):
                return None
        return self.pattern.search(text)

    def finditer(self, text):
        return self.pattern.finditer(text)

    def all_in(self, text):
        """Whether every one of the words (in any of its spellings) is in `text`."""
        return all(words.search(text) for words in self.every())

    def every(self):
        if self.each is None:
            self.each = [Words(group, whole_numbers=self.whole_numbers) for group in self.groups]
        return self.each

    def not_in(self, text):
        """The words that `text` does not hold, or all of them when it holds every one or
        none."""
        groups = [group for group, words in zip(self.groups, self.every(), strict=True)
                  if not words.search(text)]
        if not groups or len(groups) == len(self.groups):
            return self
        return Words(set().union(*groups), groups, whole_numbers=self.whole_numbers)


def match_pattern(query):
    """The query's words and their stems, each also in its American spelling, to find in
    text, leaving out stop words ("what is a") unless there is nothing else (None without
    words)."""
    groups = []
    for group in map(set, stems_of_words(without_stop_words(re.findall(r"\w+", query)))):
        if group not in groups:
            groups.append(group)
    return Words(set().union(*groups), groups) if groups else None


SENTENCE_ENDS = (". ", "? ", "! ")


def excerpt_bounds(text, position, width):
    """(start, end) of the excerpt of `text` shown around `position` (a match's start): the
    whole text when it fits; else from the beginning of the match's sentence when the
    match is then within the first two thirds, or from a word start about a third of
    `width` before it, but never so near the end that the excerpt is short; to the last
    whole word within `width`."""
    start = 0
    if position is not None and position > width // 3 and len(text) > width:
        sentence = max(text.rfind(stop, 0, position) for stop in SENTENCE_ENDS) + 2
        if position - sentence <= width * 2 // 3:
            start = sentence if sentence > 1 else 0
        else:  # a word start, or a third of the width before it in a text without spaces
            space = text.rfind(" ", 0, position - width // 3)
            start = space + 1 if space != -1 else position - width // 3
        if len(text) - start < width:  # the text ends first: a full width, ending with it
            space = text.find(" ", len(text) - width)
            start = space + 1 if space != -1 else len(text) - width
    end = start + width
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    return start, end


def best_match_start(text, pattern, width):
    """Where the excerpt of `text` is centred: the first match of the query's words, or,
    for a query of several words, the first match whose excerpt shows the most of them
    whole ("cancer came back": the excerpt with "came back" beside "cancer", not the first
    "cancer" alone). None without a match."""
    match = pattern.search(text)
    if match is None or len(pattern.groups) < 2:
        return match.start() if match else None
    start, end = excerpt_bounds(text, match.start(), width)
    if pattern.all_in(text[start:end]):  # most often: the first excerpt shows them all
        return match.start()
    # Each match (one pass of the pattern of all the words) and which word it is.
    found = []
    for each in pattern.finditer(text):
        group = next((group for group, words in enumerate(pattern.every())
                      if words.pattern.fullmatch(each[0])), None)
        if group is not None:
            found.append((each.start(), each.end(), group))
    starts = [at for at, _, _ in found]
    best, most = match.start(), 0
    for position in starts:
        start, end = excerpt_bounds(text, position, width)
        shown = set()
        for at, until, group in found[bisect_left(starts, start):]:
            if at >= end:
                break
            if until <= end:
                shown.add(group)
        if len(shown) > most:
            best, most = position, len(shown)
            if most == len(pattern.groups):  # every word shown: none can show more
                break
    return best


def highlight(text, pattern, width=240):
    """An excerpt of `text` around the matches, escaped, with matches in <mark>."""
    position = best_match_start(text, pattern, width) if pattern else None
    start, end = excerpt_bounds(text, position, width)
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
    badge: str = ""
    badge_style: str = ""


def section_of(document, where, pattern):
    """The index in `where` ([(anchor, heading, text)], the summary first) of the part a
    result links to: the first part headed by the query's words that the page's names do not
    hold (the topic of "neuroblastoma staging", "wilms tumor treatment"), or by all of them;
    else the first part whose heading and text hold all the words, if there are several and
    one part does; else the first that holds the rest of them beside the title ("oakland
    opening hours"); else the one that holds the most of them (most_words); else None."""
    pieces = [f"{heading}\n{part_text}" for _, heading, part_text in where]
    topic = pattern.not_in(f"{document.title}\n{document.names}")
    found = next((index for index, (_, heading, _) in enumerate(where)
                  if heading and topic.all_in(heading)), None)
    if found is None and len(pattern.groups) > 1:
        found = next((index for index, piece in enumerate(pieces) if pattern.all_in(piece)),
                     None)
        if found is None and pattern.search(document.title):
            found = next((index for index, piece in enumerate(pieces)
                          if pattern.all_in(f"{document.title}\n{piece}")), None)
    if found is None:
        found = most_words(pieces, pattern)
    return found


def most_words(pieces, pattern):
    """The index of the first of `pieces` holding the most of the query's words, those with
    the longest of them first among equals (a long word is the rarer: for "survival rate",
    the part on surviving before the one that says "heart rate"); None when none holds any."""
    if len(pattern.groups) < 2:
        return next((index for index, piece in enumerate(pieces) if pattern.search(piece)),
                    None)
    lengths = [max(len(form.rstrip("*")) for form in group) for group in pattern.groups]
    best, best_score = None, (0, 0)
    for index, piece in enumerate(pieces):
        if not pattern.search(piece):
            continue
        held = [length for length, words in zip(lengths, pattern.every(), strict=True)
                if words.search(piece)]
        score = (len(held), max(held))
        if score > best_score:
            best, best_score = index, score
    return best


def says_only(text, pattern):
    """Whether `text` holds nothing but the query's words (and punctuation)."""
    return not re.sub(r"\W+", "", pattern.pattern.sub("", text))


def result(document, pattern):
    """The result for one document: a snippet from where the query matches, and a link to
    that section of the page."""
    label = searchable_kinds().get(document.kind)
    where = [("", "", document.summary)] + [tuple(part) for part in document.parts]
    url, section, text = document.url, "", document.summary
    found = None
    if pattern:
        # A part with the very numbers typed first ("stage 4", not "stage 4S").
        exact = pattern.exact_numbers()
        found = section_of(document, where, exact) if exact else None
        if found is None:
            found = section_of(document, where, pattern)
    if found is not None:
        anchor, section, text = where[found]
        if found and document.summary and says_only(text, pattern) and pattern.all_in(
                document.title):
            # A part that says only the words, which the title says already (a trial's
            # "Conditions studied: Neuroblastoma"): the summary tells more, of the page.
            section, text = "", document.summary
        elif anchor and "#" not in document.url:
            url = f"{document.url}#{anchor}"
    if not text and document.parts:
        text = document.parts[0][2]
    return Result(kind=document.kind, label=label.label if label else document.kind,
                  title=document.title, url=url, snippet=highlight(text, pattern),
                  section=section, names=document.names.splitlines(),
                  badge=document.badge, badge_style=document.badge_style)


def results(documents, query, phrasings=()):
    """The results for these documents of a search for `query`, in which the other names
    in `phrasings` (find()'s page.phrasings) were searched too."""
    pattern = match_pattern(wanted(searched(query)))
    others = [other for other in map(match_pattern, phrasings) if other]
    return [result(document, pattern_for(document, pattern, others)) for document in documents]


def pattern_for(document, pattern, others):
    """The words to find in a result: the query's; or, for a page that holds them only as
    another name meaning the same (`others`, equivalent_phrasings()), that name's words, so
    that its snippet and link are where the page says it ("radiation" for "radiotherapy")."""
    if pattern is None or not others:
        return pattern
    text = "\n".join([document.title, document.names, document.summary,
                      *(f"{heading}\n{part_text}" for _, heading, part_text in document.parts)])
    if pattern.all_in(text):
        return pattern
    return next((other for other in others if other.all_in(text)), pattern)


def closest_name(documents, query):
    """For a search whose results were all found by names that only look like it: the name
    of the first (the closest) that is most like the query ("Wilms tumor" of Nephroblastoma
    for "wilms tumer"), or "" when it is the query. It needs no search of its own to be
    offered: searching a live page's own name finds that page. Only a name as many words
    long as the query is offered whole; else each word is replaced by the closest word of
    the name it misspells ("scar" -> "scan" of "CT scan", not "CT scan")."""
    if not documents:
        return ""
    typed = wanted(searched(query)).casefold()
    typed_words = re.findall(r"\w+", typed)
    names = [name for name in documents[0].names.splitlines() if name.strip()]
    best = max((name for name in names if len(re.findall(r"\w+", name)) == len(typed_words)),
               key=lambda name: likeness(typed, name.casefold()),
               default="")
    if not best:
        name_words = {word.casefold() for name in names for word in re.findall(r"\w+", name)}
        closest = [closest_misspelt(typed_word, name_words) for typed_word in typed_words]
        best = " ".join(closest) if all(closest) else ""
    return "" if best.casefold() == typed else best


def go_to(found, query):
    """A result whose title or other name is the query, or the query in American spelling
    ("Wilms tumour" -> Wilms tumor): word for word, without common words and punctuation
    ("What is neuroblastoma?" -> Neuroblastoma)."""
    query = wanted(searched(query))
    names = {name_words(query), name_words(american(query))} - {""}
    return next((item for item in found
                 if not names.isdisjoint(map(name_words, item.names))), None)


def name_words(text):
    """The words of a name or query as go_to() compares them: in lower case, without
    punctuation and common words (unless that is all)."""
    return " ".join(without_stop_words(re.findall(r"\w+", text.casefold())))


# Statistics --------------------------------------------------------------------------------

# What looks like personal details typed into the search box: an email address, however
# it is written ("maya @ example.org", "maya(at)example.org", "maya at example dot org"), a
# date such as a date of birth ("03/14/2019", "2019-03-14", "14.3.19", "14 march 2019"), or
# a phone, record or other number of seven characters or more ("555 0110", "mrn1234567"),
# or of four digits or more after a word that names a record ("mrn 123456", "patient id
# 12345").
# NCT numbers and ranges of years ("2024-2025") are taken out first: they name trials and
# times, not people.
PERSONAL_DETAILS = re.compile(
    r"@"
    r"|\w\s*[(\[{<]\s*at\s*[)\]}>]\s*\w"
    r"|\bat\s+[\w-]+(?:\s*(?:\.|\bdot\b)\s*[\w-]+)*\s*(?:\.|\bdot\b)\s*[a-z]{2,6}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{2,4}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?"
    r"\s+\d{2,4}\b"
    r"|\d[\d\s().+-]{5,}\d"
    # A record number of any length after what names it ("mrn 123456", "account #4521").
    r"|\b(?:mrn|dob|record|account|acct|patient|chart|id|member|policy)"
    r"\s*(?:no\.?|number|#|:)?\s*"
    r"(?!(?:19|20)\d\d(?!\d))\d{4,}"  # not a year ("growth chart 2024")
    # An email address without its ending ("maya dot smith at gmail").
    r"|\bat\s+(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|aol|proton(?:mail)?)\b",
    re.IGNORECASE)
# A date written in numbers: day and month (either way round) and a year of two or four
# digits, or a four-digit year first. Checked for plausible values, so that "phase 1/2/3",
# "grades 1-2-3" or "section 3.2.1" are kept.
NUMBER_DATE = re.compile(r"(?<![\w.])(\d{1,4})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{1,4})(?![\w.])")
TRIAL_NUMBER = re.compile(r"\bnct[ -]?[0-9]{8}\b", re.IGNORECASE | re.ASCII)
YEARS = re.compile(r"\b(?:19|20)\d\d\s*[-\u2013/]\s*(?:19|20)\d\d\b")  # "2024-2025"


def looks_personal(query):
    """Whether a search holds what looks like personal details (PERSONAL_DETAILS)."""
    text = YEARS.sub(" ", TRIAL_NUMBER.sub(" ", unicodedata.normalize("NFKC", query)))
    return bool(PERSONAL_DETAILS.search(text)) or any(
        plausible_date(first, middle, last) for first, _, middle, last in NUMBER_DATE.findall(text))


def plausible_date(first, middle, last):
    """Whether three numbers of a date written in numbers can be one: "03/14/2019",
    "14.3.19", "2019-03-14"; not "1-2-3" (a one-digit year) or "3.2.1"."""
    if len(first) == 4:  # year first
        return len(last) <= 2 and 1 <= int(middle) <= 12 and 1 <= int(last) <= 31
    if len(first) > 2 or len(last) not in (2, 4):
        return False
    day_month = [int(first), int(middle)]
    return all(1 <= value <= 31 for value in day_month) and min(day_month) <= 12


PERSONAL_SEARCH = "(words not kept: they looked like personal details)"


def record(query, result_count):
    """Count one search of `query` today (the normalised words only, nothing about who;
    a search that holds personal details is counted without its words)."""
    query = query.casefold()[:MAX_STAT_LENGTH].strip()
    if looks_personal(query):
        query = PERSONAL_SEARCH
    if query:
        tally.add(query, timezone.localdate(), result_count)


class Tally:
    """Searches counted in this process and written to the database together, in one
    statement, at most every SEARCH_STATS_FLUSH_SECONDS (0: at once) or when MAX_PENDING
    different searches wait, and when the process exits: a burst of the same search costs
    the database one write, not one per visitor. Checked after every request, so counts
    reach the statistics within that time while the site has visitors."""

    def __init__(self):
        self.pending = {}  # (query, day) -> [searches, results of the latest]
        self.lock = threading.Lock()
        self.written = time.monotonic()

    def add(self, query, day, results):
        with self.lock:
            counted = self.pending.setdefault((query, day), [0, results])
            counted[0] += 1
            counted[1] = results
        self.flush_if_due()

    def flush_if_due(self, **kwargs):
        due = (time.monotonic() - self.written >= settings.SEARCH_STATS_FLUSH_SECONDS
               or len(self.pending) >= MAX_PENDING)
        if due and self.pending:
            self.flush()

    def flush(self):
        with self.lock:
            pending, self.pending = self.pending, {}
            self.written = time.monotonic()
        if not pending:
            return
        try:
            write_counts(within_daily_limit(pending))
        except DatabaseError:  # statistics never break a page; these counts are lost
            logger.warning("Could not write the counts of %d searches", len(pending),
                           exc_info=True)


def within_daily_limit(pending):
    """`pending`, with the new searches of a day that has no room left for them moved into
    that day's OTHER_SEARCHES row, the most frequent kept apart first. A query per day
    counts its rows; a day about to pass MAX_DAILY_SEARCHES takes one more, for which of its
    searches are already there. (Processes writing at the same moment can each fill the
    last room: a day may end up to MAX_PENDING rows per process over.)"""
    by_day = {}
    for (query, day), counted in pending.items():
        by_day.setdefault(day, {})[query] = counted
    kept = {}
    for day, searches in by_day.items():
        on_day = SearchQueryStat.objects.filter(day=day)
        stored = on_day.exclude(query=OTHER_SEARCHES).count()
        if stored + len(searches) <= MAX_DAILY_SEARCHES:
            kept.update({(query, day): counted for query, counted in searches.items()})
            continue
        known = set(on_day.filter(query__in=list(searches)).values_list("query", flat=True))
        new = sorted((query for query in searches if query not in known),
                     key=lambda query: (-searches[query][0], query))
        beyond = set(new[max(0, MAX_DAILY_SEARCHES - stored):])
        others = 0
        for query, counted in searches.items():
            if query in beyond:
                others += counted[0]
            else:
                kept[(query, day)] = counted
        if others:
            kept[(OTHER_SEARCHES, day)] = [others, 0]
    return kept


def write_counts(pending):
    table, query_column, day, count, results = (
        connection.ops.quote_name(name)
        for name in (SearchQueryStat._meta.db_table, "query", "day", "count", "results"))
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(pending))
    values = [value for (query, when), (searches, found) in pending.items()
              for value in (query, when.isoformat(), searches, found)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({query_column}, {day}, {count}, {results}) VALUES {rows} "
            f"ON CONFLICT ({query_column}, {day}) DO UPDATE "
            f"SET {count} = {table}.{count} + excluded.{count}, {results} = excluded.{results}",
            values,
        )


tally = Tally()
atexit.register(tally.flush)
request_finished.connect(tally.flush_if_due, dispatch_uid="search-tally")
