import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from conditions.models import Condition
from portal.search import PER_TYPE
from portal.tests.support import active_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def test_search_finds_every_kind_of_content(client, demo):
    html = client.get("/search/", {"q": "neuroblastoma"}).content.decode()
    for heading in ["Conditions", "Stories", "Clinics and programs", "Support services",
                    "Clinical trials"]:
        assert f'class="h4">{heading}</h2>' in html, heading
    assert '<a href="/conditions/neuroblastoma/">Neuroblastoma</a>' in html


def test_search_matches_synonyms_and_every_word(client, demo):
    html = client.get("/search/", {"q": "wilms"}).content.decode()
    assert '<a href="/conditions/nephroblastoma/">Nephroblastoma</a>' in html
    both = client.get("/search/", {"q": "interpreter Spanish"}).content.decode()
    assert '<a href="/support/interpreter-services/">Interpreter services</a>' in both
    assert "Summer camp" not in both


def test_search_leaves_out_drafts(client, demo):
    Condition.objects.filter(slug="retinoblastoma").update(status="draft")
    html = client.get("/search/", {"q": "retinoblastoma"}).content.decode()
    assert '<a href="/conditions/retinoblastoma/">' not in html


def test_search_without_matches_suggests_where_to_look(client, demo):
    html = client.get("/search/", {"q": "qwertyuiop"}).content.decode()
    assert "Nothing matches “qwertyuiop”." in html
    assert '<a href="/conditions/">Conditions A to Z</a>' in html


def test_empty_and_overlong_searches_are_handled(client):
    empty = client.get("/search/")
    assert empty.status_code == 200
    assert "result-count" not in empty.content.decode()
    long = client.get("/search/", {"q": "x" * 500})
    assert long.status_code == 200
    assert "Ensure this value has at most 200 characters" in long.content.decode()


def test_search_shows_at_most_a_page_of_each_kind(client):
    for i in range(PER_TYPE + 5):
        Condition.objects.create(name=f"Sarcoma {i}", slug=f"sarcoma-{i}", summary="s",
                                 status="published")
    html = client.get("/search/", {"q": "sarcoma"}).content.decode()
    assert html.count('href="/conditions/sarcoma-') == PER_TYPE
    assert "Only the first matches are shown" in html


def test_search_terms_are_shown_inert(client):
    html = client.get("/search/", {"q": '<script>alert(1)</script>"><img src=x onerror=alert(2)>'})
    assert active_content(html.content.decode()) == []


def test_search_uses_one_query_per_kind_of_content_however_many_words(client, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.search import searchables
    from portal.tests.support import schedule_known

    def queries(q):
        schedule_known()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": q}).status_code == 200
        return captured.captured_queries

    one, eight = queries("zzqx"), queries("a a a a a a a zzqx")
    assert len(one) == len(eight)
    # The words are subqueries of one query per kind: a word adds no join to the outer query.
    search_sql = [q["sql"] for q in eight if " IN (SELECT " in q["sql"]]
    assert len(search_sql) == len(searchables())


def test_only_the_portals_feature_apps_are_asked_for_search_and_demo_modules(settings,
                                                                              monkeypatch):
    """An installed third-party app with `search` and `demo` modules is never picked up, even
    when it is installed inside the project's folder (as in .venv)."""
    import tempfile

    (settings.BASE_DIR / ".test-media").mkdir(exist_ok=True)
    tmp_path = Path(tempfile.mkdtemp(dir=settings.BASE_DIR / ".test-media"))
    package = tmp_path / "outside_app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "search.py").write_text("SEARCHES = ['not the portal']\n")
    (package / "demo.py").write_text("def load():\n    raise AssertionError('not ours')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from django.apps import apps

    from portal.apps import feature_modules

    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "outside_app"]
    assert apps.is_installed("outside_app")
    for name in ["search", "demo"]:
        found = [module.__name__ for module in feature_modules(name)]
        assert "outside_app." + name not in found
        assert all(module.split(".")[0] in settings.FEATURE_APPS for module in found)
    assert [module.__name__ for module in feature_modules("search")] == [
        "conditions.search", "care_sites.search", "trials.search", "pages.search",
    ]
    shutil.rmtree(tmp_path)
