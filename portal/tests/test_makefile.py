"""The Makefile finds a Python 3.12+ by running candidates, not by trusting names on PATH."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def fake_shims(directory):
    """python3.13, python3.12 and python3 that are on PATH but fail, like pyenv shims."""
    directory.mkdir()
    for name in ["python3.13", "python3.12", "python3"]:
        shim = directory / name
        shim.write_text("#!/bin/sh\necho 'pyenv: version not installed' >&2\nexit 127\n")
        shim.chmod(0o755)
    return directory


def make_venv(tmp_path, pyenv_root, *extra):
    env = {
        "PATH": f"{tmp_path / 'shims'}:/usr/bin:/bin",
        "PYENV_ROOT": str(pyenv_root),
        "HOME": str(tmp_path),
    }
    return subprocess.run(
        ["make", "-f", str(BASE_DIR / "Makefile"), f"VENV={tmp_path / 'venv'}",
         str(tmp_path / "venv" / "bin" / "python"), *extra],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_failing_shims_are_skipped_for_a_pyenv_version(tmp_path):
    fake_shims(tmp_path / "shims")
    real = tmp_path / "pyenv" / "versions" / "3.99.0" / "bin"
    real.mkdir(parents=True)
    (real / "python3").symlink_to(sys.executable)
    result = make_venv(tmp_path, tmp_path / "pyenv")
    assert result.returncode == 0, result.stderr
    assert f"with {real / 'python3'}" in result.stdout
    assert (tmp_path / "venv" / "bin" / "python").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_no_usable_python_is_reported_clearly(tmp_path):
    fake_shims(tmp_path / "shims")
    result = make_venv(tmp_path, tmp_path / "no-pyenv")
    assert result.returncode != 0
    assert "No Python 3.12 or newer found" in result.stderr
    assert not (tmp_path / "venv").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_a_python_override_that_is_too_old_is_refused(tmp_path):
    fake_shims(tmp_path / "shims")
    result = make_venv(tmp_path, tmp_path / "no-pyenv", f"PYTHON={tmp_path / 'shims' / 'python3'}")
    assert result.returncode != 0
    assert "does not run as Python 3.12 or newer" in result.stderr
