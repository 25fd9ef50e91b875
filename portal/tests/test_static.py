"""Static files: whitenoise serves hashed, compressed files collected by the manifest storage."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from portal.tests.support import PRODUCTION_ENV, clean_env

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = clean_env(**PRODUCTION_ENV)
    code = (
        "import django; from django.conf import settings; django.setup()\n"
        f"settings.STATIC_ROOT = {str(root)!r}\n"
        "from django.core.management import call_command\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return root


def test_collectstatic_writes_hashed_and_compressed_files(collected):
    css = [p.name for p in (collected / "css").iterdir()]
    hashed = [name for name in css if name.startswith("portal.") and name.endswith(".css")]
    assert len([n for n in hashed if n != "portal.css"]) == 1
    assert any(name.endswith(".css.gz") for name in css)
    assert (collected / "vendor" / "bootstrap" / "LICENSE").exists()
    assert (collected / "staticfiles.json").exists()


@pytest.mark.django_db
def test_whitenoise_serves_compressed_hashed_files_with_long_cache(collected):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=collected, STORAGES=storages):
        hashed_name = next(
            p.name for p in (collected / "css").iterdir()
            if p.name.startswith("portal.") and p.suffix == ".css" and p.name != "portal.css"
        )
        response = Client().get(f"/static/css/{hashed_name}", HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "immutable" in response["Cache-Control"]
        assert response.headers["Content-Type"].startswith("text/css")
        b"".join(response.streaming_content)
        response.close()


def test_bootstrap_is_vendored_with_its_licence():
    vendor = BASE_DIR / "static" / "vendor" / "bootstrap"
    assert "Bootstrap v5." in (vendor / "bootstrap.min.css").read_text()[:200].replace("  ", " ")
    assert "MIT License" in (vendor / "LICENSE").read_text()
    assert os.path.getsize(vendor / "bootstrap.bundle.min.js") > 10_000


def custom_properties(css):
    """{name: value} of the custom properties the stylesheet defines, and the names it uses."""
    defined = dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", css))
    used = set(re.findall(r"var\(\s*(--[\w-]+)", css))
    return defined, used


def unresolved(css, known=()):
    """Custom properties that are used but never defined, or defined in terms of themselves
    (directly or through others): the browser drops every declaration that uses them."""
    defined, used = custom_properties(css)
    problems = dict.fromkeys(used - defined.keys() - set(known), "used, never defined")
    for name in defined:
        seen, stack = set(), [name]
        while stack:
            current = stack.pop()
            for ref in re.findall(r"var\(\s*(--[\w-]+)", defined.get(current, "")):
                if ref == name:
                    problems[name] = "defined in terms of itself"
                elif ref not in seen:
                    seen.add(ref)
                    stack.append(ref)
    return problems


def test_every_custom_property_of_the_stylesheets_resolves():
    # Bootstrap's own properties, set by the vendored stylesheet for each component.
    import django

    bootstrap = custom_properties((BASE_DIR / "static/vendor/bootstrap/bootstrap.min.css")
                                  .read_text())[0]
    # The admin's own colours, which the editing stylesheet follows.
    admin = custom_properties((Path(django.__file__).parent / "contrib/admin/static/admin/css"
                               / "base.css").read_text())[0]
    for sheet, known in [("portal.css", bootstrap), ("print.css", bootstrap),
                         ("admin-editing.css", admin)]:
        css = (BASE_DIR / "static" / "css" / sheet).read_text()
        assert unresolved(css, known=known) == {}, sheet


def test_the_property_check_finds_loops_and_missing_tokens():
    css = ":root { --a: var(--a); --b: var(--c); --c: var(--b); --d: red; }\n" \
          "p { color: var(--d); border-color: var(--missing); }"
    assert unresolved(css) == {"--a": "defined in terms of itself",
                               "--b": "defined in terms of itself",
                               "--c": "defined in terms of itself",
                               "--missing": "used, never defined"}
