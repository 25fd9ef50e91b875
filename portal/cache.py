"""Whole-page caching for anonymous visitors, invalidated exactly by content changes.

Every content model of every feature app (settings.FEATURE_APPS) bumps one site-wide content
version when it is saved or deleted or a many-to-many relation of it changes. A cached page
remembers the version it was rendered at and is served only while that is still the current
version, and never past the next scheduled publishing change (`publish_at`, `unpublish_at`,
or a model's own `next_change()` queryset method), so scheduled content appears on time.

Only requests without a session or messages cookie are served from or stored in the cache:
staff (who always carry a session) and their previews never are. A response is stored only
if it is a 200 to a GET, sets no cookie (a CSRF token used by the page sets one), and is not
marked private. README.md, "Caching", describes it for operators.
"""

import datetime
import gzip
import re
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from hashlib import md5
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.module_loading import import_string

KEY_PREFIX = "page-cache:"
VERSION_KEY = KEY_PREFIX + "content-version"
SCHEDULE_FIELDS = ("publish_at", "unpublish_at")
# Query parameters only analytics read (with utm_*): left out of a page's cache key.
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga"}
# Headers that belong to one response and are never replayed from the cache.
UNSTORED_HEADERS = {"set-cookie", "date", "expires", "cache-control", "age"}
# Stored pages this long or longer are also kept compressed, and served so to browsers that
# accept gzip (all do): compressed once when stored, never per request.
GZIP_MIN_BYTES = 1024
# A content coding in Accept-Encoding and its weight ("gzip;q=0" refuses gzip).
CODING = re.compile(r"^\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([^\s;,]*))?", re.ASCII)


# The content version ------------------------------------------------------------------------

# The version a request read when it began: the layout's values kept per version (header
# links, phone number) use it rather than asking the shared cache again. A change made in
# this process forgets it, so that the same request then reads the new one.
_request_version = ContextVar("request_content_version", default=None)


def content_version():
    version = _request_version.get()
    if version is None:
        version = cache.get(VERSION_KEY)
    if version is None:
        version = _start_version()
    return version


def _start_version():
    # A fresh start (empty or evicted cache) must never reuse an earlier number, or pages
    # stored under it could come back: start from the clock.
    cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    return cache.get(VERSION_KEY)


def _bump():
    _request_version.set(None)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        _start_version()


def _bump_after_commit():
    _bump()


_provisional = ContextVar("provisional_content", default=False)


@contextmanager
def provisional():
    """For content written only to be undone (a draft applied for its preview, an admin edit
    kept as a draft): inside, changes do not move the content version and nothing is kept
    under it, so what the public sees never follows content that was never saved."""
    token = _provisional.set(True)
    try:
        yield
    finally:
        _provisional.reset(token)


def content_changed(**kwargs):
    """Make every cached page stale. Signals call it; code that writes content without
    signals (QuerySet.update(), bulk_create()) calls it itself.

    The version moves at once and again when the transaction commits, so a page rendered by
    another request from the data as it was before the commit is never kept."""
    if _provisional.get():
        return
    _bump()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    if not any(entry[1] is _bump_after_commit for entry in connection.run_on_commit):
        transaction.on_commit(_bump_after_commit)


def content_models():
    """The models whose rows appear on public pages: those of the feature apps except the
    ones that say otherwise with `page_content = False` (e.g. newsletter subscribers), and
    those of the base layer that say so with `page_content = True` (search promotions)."""
    found = []
    for app_name in settings.FEATURE_APPS:
        app_config = apps.get_app_config(app_name.rpartition(".")[2])
        for model in app_config.get_models(include_auto_created=True):
            owner = model._meta.auto_created or model  # a many-to-many's table: its model
            if getattr(owner, "page_content", True):
                found.append(model)
    # The base layer's own models that public pages show say so (`page_content = True`).
    found += [model for model in apps.get_app_config("portal").get_models()
              if getattr(model, "page_content", False)]
    return found


def connect_signals():
    for model in content_models():
        uid = f"page-cache-{model._meta.label_lower}"
        post_save.connect(content_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=uid + "-delete")
        if model._meta.auto_created:
            m2m_changed.connect(content_changed, sender=model, dispatch_uid=uid + "-m2m")


# Scheduled changes --------------------------------------------------------------------------

def _scheduled_times(now):
    """One query for the earliest future publish_at/unpublish_at of every content model,
    then one for each model with a schedule of its own (a `next_change(now)` queryset method)."""
    branches = []
    for model in content_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if field.name in SCHEDULE_FIELDS and isinstance(field, models.DateTimeField):
                branches.append(model._default_manager.filter(**{f"{field.name}__gt": now})
                                .order_by().annotate(moment=F(field.name))
                                .values_list("moment", flat=True))
        next_change = getattr(model._default_manager.all(), "next_change", None)
        if next_change is not None:
            yield next_change(now)
    # A change to live content approved for a set time (portal.publishing): the page it
    # changes must not outlive that time either.
    from portal.models import Draft

    branches.append(Draft.objects.filter(state=Draft.State.APPROVED, publish_at__gt=now)
                    .order_by().annotate(moment=F("publish_at"))
                    .values_list("moment", flat=True))
    yield branches[0].union(*branches[1:], all=True).order_by("moment").first()


# Values kept in this process under a content version: name -> (version, expires, value).
_kept = {}
# The next scheduled change kept in this process: (version, timestamp or 0).
_kept_schedule = None
# The moment up to which passed publishing times have been caught up in the search documents
# (catch_up_search); when it is not known, how far back to look.
SEARCH_CAUGHT_UP_KEY = KEY_PREFIX + "search-caught-up"
SEARCH_CATCH_UP_UNKNOWN = datetime.timedelta(hours=1)


def next_scheduled_change(version, publish=False):
    """The earliest future moment a publishing schedule changes what the public sees, as a
    timestamp (None if nothing is scheduled). Kept under the content version in the shared
    cache, and in this process too while the page cache is on. With `publish` (the page
    cache, before it renders a page), once that moment has passed, the approved changes due
    by then are published first (publish_due_changes), and None is returned if any was: the
    content version has changed."""
    now = timezone.now()
    if _provisional.get():  # worked out from content that will be undone: not kept
        return _upcoming(now)
    global _kept_schedule
    kept = _kept_schedule if settings.PAGE_CACHE else None  # for the same version only
    if kept is not None and kept[0] == version and (kept[1] == 0 or kept[1] > now.timestamp()):
        return kept[1] or None
    key = f"{KEY_PREFIX}schedule:{version}"
    cached = cache.get(key)
    if cached is None or not (cached == 0 or cached > now.timestamp()):
        if not publish:
            # Passed or not known (no public page since the last change, or evicted): the
            # next one is kept by the page cache's own call, after it has published what
            # was due (a staff page's header must not keep it first).
            return _upcoming(now)
        # (`|`: both run.)
        if publish_due_changes(now) | bool(catch_up_search(now)):
            return None  # the content version has changed: the caller asks again
        cached = _upcoming(now) or 0
        cache.set(key, cached, timeout=settings.PAGE_CACHE_TIMEOUT)
    _kept_schedule = (version, cached)
    return cached or None


def publish_due_changes(now):
    """Publish the approved changes whose time has come, if any, as the schedule's task does
    every five minutes: so that, when the task worker is late or down, the first page
    asked for after that time shows them. Run once a scheduled moment has passed (an
    approval for a later time moves the content version, so its moment is in the schedule).
    True when something was published."""
    from portal.models import Draft
    from portal.publishing import publish_due_drafts

    if not Draft.objects.filter(state=Draft.State.APPROVED, publish_at__lte=now).exists():
        return False
    return publish_due_drafts(now) > 0


def catch_up_search(now):
    """Once a scheduled moment has passed, or when it is not known (the first page after a
    content change, or an hour without one): the search documents that list items whose
    publishing times fell since the last catch-up are written again, as the schedule's task
    does every five minutes, so that a search made first after that time neither finds a
    page through a campus it no longer lists nor misses one. The last catch-up's moment is
    kept across content versions and without a time limit: a time that passed while nobody
    asked for a page (overnight, or while staff were editing) is still caught up. Returns
    how many documents were written (the content version moves when any was)."""
    from portal.search import passed_in, reindex_passed

    caught_up = cache.get(SEARCH_CAUGHT_UP_KEY)  # to the microsecond, in ISO 8601
    # (since, now]: a time equal to the last catch-up's was caught up then.
    since = (datetime.datetime.fromisoformat(caught_up) if caught_up is not None
             else now - SEARCH_CATCH_UP_UNKNOWN)  # a new or emptied cache
    written = reindex_passed(since, now) if passed_in(since, now) else 0
    cache.set(SEARCH_CAUGHT_UP_KEY, now.isoformat(), timeout=None)
    if written:
        content_changed()
    return written


def _upcoming(now):
    times = [moment for moment in _scheduled_times(now) if moment is not None]
    return min(times).timestamp() if times else None


def per_content_version(name, compute):
    """`compute()`, kept in this process while the content version and the publishing
    schedule allow (exact, like the pages): for small values every page shows, such as the
    header's links, which would otherwise cost each uncached page its own queries."""
    if not settings.PAGE_CACHE or _provisional.get():
        return compute()
    version = content_version()
    now = timezone.now().timestamp()
    kept = _kept.get(name)
    if kept is not None and kept[0] == version and kept[1] > now:
        return kept[2]
    value = compute()
    _kept[name] = (version, next_scheduled_change(version) or float("inf"), value)
    return value


def expires_by(request, moment):
    """A view's own limit: the page it renders must not be served after `moment` (e.g. a
    location's "Open now")."""
    if moment is None:
        return
    current = getattr(request, "page_expires_at", None)
    stamp = moment.timestamp()
    request.page_expires_at = stamp if current is None else min(current, stamp)


def on_every_request(request, function, *args):
    """Run `function(*args)` (a dotted path and plain values) after this request and after
    every later request served this page from the cache: for what must happen per visit,
    such as counting a search, even when the page itself comes from the cache."""
    if not hasattr(request, "page_callbacks"):
        request.page_callbacks = []
    request.page_callbacks.append((function, args))


def run_callbacks(callbacks):
    for function, args in callbacks:
        import_string(function)(*args)


def mark_private(request):
    """Never cache this response and tell browsers and proxies not to keep it (previews)."""
    request.page_private = True


# The middleware -----------------------------------------------------------------------------

def is_tracking(name):
    """A query parameter that only tells analytics where a visit came from: no view reads
    it, and links the site builds from the current address leave it out."""
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def reads_parameters(*names):
    """Decorate a public view with the query parameters it reads. A page asked for with any
    other (untracked) parameter is served, but not stored: otherwise anyone could fill the
    cache with copies of one page by adding made-up parameters."""
    def decorate(view):
        view.page_parameters = frozenset(names)
        return view
    return decorate


def reads_only_its_parameters(request):
    match = request.resolver_match
    read = getattr(match.func, "page_parameters", frozenset()) if match else frozenset()
    return all(name in read or is_tracking(name) for name in request.GET)


def page_key(request):
    # The parameters as the view reads them (request.GET, decoded the same way), in any
    # order, but a parameter given twice keeps the order of its values: Django reads the
    # last one. Tracking parameters are left out, so a campaign's or a social network's
    # links, which add a different one for every click, still share the page.
    pairs = [(name, value) for name, values in request.GET.lists() if not is_tracking(name)
             for value in values]
    query = urlencode(sorted(pairs, key=lambda pair: pair[0]))
    # The host as Django checked it against ALLOWED_HOSTS: without its port and in lower
    # case, so that "Example.org:1" and "example.org:2" share one copy of the page.
    domain, _ = split_domain_port(request.get_host())
    url = f"{request.scheme}://{domain}{request.path}?{query}"
    return KEY_PREFIX + md5(url.encode(), usedforsecurity=False).hexdigest()


def entry_size(entry):
    return len(entry["body"]) + len(entry.get("gzip") or b"")


def accepts_gzip(request):
    weights = {}
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").split(",")[:20]:
        match = CODING.match(item)
        if match:
            try:
                weights[match[1].lower()] = float(match[2] or 1)
            except ValueError:
                weights[match[1].lower()] = 0.0
    weight = weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0)))
    return weight > 0


def compress(response, compressed):
    """The response with its body as stored compressed; its ETag becomes weak (the same
    page, other bytes), which conditional requests still match."""
    response.content = compressed
    response["Content-Length"] = str(len(compressed))
    response["Content-Encoding"] = "gzip"
    etag = response.get("ETag", "")
    if etag.startswith('"'):
        response["ETag"] = "W/" + etag


class LocalPages:
    """The most recently used pages, also kept in this process's memory (at most
    PAGE_CACHE_LOCAL_BYTES of bodies): a hit then fetches only the small content version
    from the shared cache, not the whole page. The version check keeps it exact."""

    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        budget = settings.PAGE_CACHE_LOCAL_BYTES
        if entry_size(entry) > budget:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= entry_size(old)
            self.entries[key] = entry
            self.size += entry_size(entry)
            while self.size > budget:
                _, dropped = self.entries.popitem(last=False)
                self.size -= entry_size(dropped)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


local_pages = LocalPages()


def is_current(entry, version, now):
    return entry is not None and entry["version"] == version and entry["expires"] > now


class PageCacheMiddleware:
    """Serves and stores whole pages for anonymous visitors; sets Cache-Control on pages.

    Sits after SecurityMiddleware and ConditionalGetMiddleware (which answer 304 from the
    ETag it sets) and before the session, CSRF, authentication and messages middleware, so
    a cached page is served without them and a stored page shows every cookie they set."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.cookies = {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name}

    def __call__(self, request):
        response = self.respond(request)
        if request.method != "HEAD":  # a HEAD is a link checker's, not a visit
            run_callbacks(getattr(request, "page_callbacks", ()))
        return response

    def respond(self, request):
        if not self.may_use_cache(request):
            # The admin, the newsletter's forms and links, a visitor with a session or a
            # message waiting, and every POST: kept by no one (unless the view said).
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_store=True)
            return response

        key = page_key(request)
        version = content_version()
        token = _request_version.set(version)
        try:
            return self.respond_with_version(request, key, version)
        finally:
            _request_version.reset(token)

    def respond_with_version(self, request, key, version):
        if settings.PAGE_CACHE:
            now = timezone.now().timestamp()
            entry = local_pages.get(key)
            if not is_current(entry, version, now):
                entry = cache.get(key)
                if is_current(entry, version, now):
                    local_pages.put(key, entry)
            if is_current(entry, version, now):
                request.page_callbacks = list(entry.get("callbacks", ()))
                return self.replay(entry, now, request)

        # Before the page is rendered: an approved change whose time has passed is
        # published first (publish_due_changes), and the page rendered from the new content.
        scheduled = next_scheduled_change(version, publish=True)
        if scheduled is None and content_version() != version:
            version = content_version()
            _request_version.set(version)
            scheduled = next_scheduled_change(version, publish=True)  # and kept
        response = self.get_response(request)
        if not self.is_storable(request, response):
            if self.is_private(request, response):
                patch_cache_control(response, private=True, no_store=True)
            elif response.status_code == 200 and not reads_only_its_parameters(request):
                # Kept by no one, a CDN in front included: made-up parameters would fill it.
                patch_cache_control(response, no_store=True)
            elif not response.has_header("Cache-Control"):
                # A missing page or a redirect: a CDN asks again each time (a page published
                # a moment later is found at once, not after the CDN's own default time).
                patch_cache_control(response, no_cache=True)
            return response

        now = timezone.now().timestamp()
        # When the page next changes by itself: scheduled content, a location opening or
        # closing.
        changes = [limit for limit in (scheduled, getattr(request, "page_expires_at", None))
                   if limit is not None]
        changes_at = min(changes, default=None)
        expires = min(now + settings.PAGE_CACHE_TIMEOUT, changes_at or float("inf"))
        if expires <= now:
            patch_cache_control(response, no_cache=True)
            return response
        set_response_etag(response)
        patch_vary_headers(response, ["Accept-Encoding"])
        self.set_public(response, expires - now, changes_at and changes_at - now)
        if not settings.PAGE_CACHE:
            return response
        body = response.content
        compressed = (gzip.compress(body, compresslevel=6, mtime=0)
                      if len(body) >= GZIP_MIN_BYTES
                      and not response.has_header("Content-Encoding") else None)
        # A HEAD is answered as the GET would be, compressed alike, but stores nothing: the
        # calls a page asks for after its request (a search counted) are a visit's only.
        if request.method == "GET":
            headers = [(name, value) for name, value in response.items()
                       if name.lower() not in UNSTORED_HEADERS]
            entry = {"version": version, "stored": now, "expires": expires,
                     "changes": changes_at, "headers": headers,
                     "status": response.status_code, "body": body, "gzip": compressed,
                     "callbacks": getattr(request, "page_callbacks", [])}
            cache.set(key, entry, timeout=max(1, int(expires - now)))
            local_pages.put(key, entry)
        if compressed is not None and accepts_gzip(request):
            compress(response, compressed)
        return response

    def may_use_cache(self, request):
        """A GET or HEAD of a public page by a visitor without a session or messages cookie
        (so not signed in, and with no message waiting to be shown)."""
        return (
            request.method in ("GET", "HEAD")
            and not any(request.path.startswith(prefix)
                        for prefix in settings.PAGE_CACHE_EXCLUDE)
            and not any(name in request.COOKIES for name in self.cookies)
        )

    def is_private(self, request, response):
        user = getattr(request, "user", None)
        return bool(
            (user is not None and user.is_authenticated)
            or response.cookies
            or getattr(request, "page_private", False)
        )

    def is_storable(self, request, response):
        csp = response.get("Content-Security-Policy", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
            and not self.is_private(request, response)
            and "nonce-" not in csp
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and reads_only_its_parameters(request)
        )

    @staticmethod
    def set_public(response, seconds_left, seconds_to_change=None):
        """Public caching headers for a page kept `seconds_left` more here. A browser or CDN
        keeps it at most a minute; a CDN may serve it stale a few minutes more while it asks
        again, but never past the page's next change by itself (`seconds_to_change`: "Open
        now" turning to "Closed", scheduled content)."""
        max_age = max(0, min(settings.PAGE_CACHE_MAX_AGE, int(seconds_left)))
        stale = settings.PAGE_CACHE_STALE_WHILE_REVALIDATE
        if seconds_to_change is not None:
            stale = max(0, min(stale, int(seconds_to_change) - max_age))
        patch_cache_control(response, public=True, max_age=max_age,
                            stale_while_revalidate=stale)

    def replay(self, entry, now, request):
        compressed = entry.get("gzip") if accepts_gzip(request) else None
        response = HttpResponse(entry["body"] if compressed is None else b"",
                                status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        if compressed is not None:
            compress(response, compressed)
        changes_at = entry.get("changes")
        self.set_public(response, entry["expires"] - now, changes_at and changes_at - now)
        # How a cache says it answered. Always 0: a hit was checked against the current
        # content now, so it is as fresh as a page just made, and the time it was kept here
        # must not count against a browser's or a CDN's max-age.
        response["Age"] = "0"
        return response
