"""Shared fixtures: the team's reference folder ``../shared``.

Tests that read a reference file get its path from :func:`shared_file` (or the
``shared_file`` fixture). When the file is missing they skip with the place it is
expected, so a fresh clone without ``../shared`` still passes; with
``CEASEFIRE_REQUIRE_SHARED=1`` (CI sets it in ``.ci/run``) they fail instead, so a
missing reference file can never pass silently.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REQUIRE_SHARED = "CEASEFIRE_REQUIRE_SHARED"
"""Environment variable: ``1`` turns a missing reference file from a skip into a failure."""


def shared_path() -> Path:
    """Return the reference folder: ``$CEASEFIRE_SHARED`` or ``<repo>/../shared``."""
    return Path(os.environ.get("CEASEFIRE_SHARED", REPO.parent / "shared"))


def _missing(what: str, path: Path) -> None:
    """Skip, or fail where ``CEASEFIRE_REQUIRE_SHARED=1``, saying where ``what`` is expected."""
    message = (f"{what} is expected at {path} but is not there "
               f"(set CEASEFIRE_SHARED to the reference folder; default <repo>/../shared)")
    if os.environ.get(REQUIRE_SHARED) == "1":
        pytest.fail(f"{message}; {REQUIRE_SHARED}=1 requires it", pytrace=False)
    pytest.skip(message)


def shared_file(relpath: str) -> Path:
    """Path of the reference file ``relpath`` under :func:`shared_path`.

    Missing: the test skips with the expected place, or fails where
    ``CEASEFIRE_REQUIRE_SHARED=1`` (CI).
    """
    path = shared_path() / relpath
    if not path.exists():
        _missing(f"reference file {relpath!r}", path)
    return path


@pytest.fixture(name="shared_file", scope="session")
def shared_file_fixture() -> Callable[[str], Path]:
    """:func:`shared_file` as a fixture (``conftest`` is not importable by name)."""
    return shared_file


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The reference folder; skip (or fail where required) with the reason when absent.

    Prefer ``shared_file``: it checks the very file a test reads.
    """
    path = shared_path()
    if not path.is_dir():
        _missing("the reference folder", path)
    return path


@pytest.fixture(autouse=True, scope="session")
def _private_run_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Record the runs of every test in a temporary store, never the user's data folder.

    Subprocesses inherit it through the environment; tests of the store pass their own.
    """
    path = tmp_path_factory.mktemp("run-store") / "runs.duckdb"
    previous = os.environ.get("CEASEFIRE_STORE")
    os.environ["CEASEFIRE_STORE"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("CEASEFIRE_STORE", None)
    else:
        os.environ["CEASEFIRE_STORE"] = previous


# --- the browser tests (the report and the dashboard) -------------------------------------

CHROMIUM = os.environ.get("CEASEFIRE_CHROMIUM", "/usr/bin/chromium")
"""Debian's Chromium; never a browser download."""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions"]


def _no_browser(reason: str) -> None:
    """Skip, or fail where the environment says the browser test must run."""
    if os.environ.get("CEASEFIRE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; CEASEFIRE_REQUIRE_BROWSER=1 requires the browser test "
                    "(install: pip install playwright; apt-get install -y chromium)",
                    pytrace=False)
    pytest.skip(f"{reason} (set CEASEFIRE_REQUIRE_BROWSER=1 to make this a failure)")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, for one test module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed")
    if shutil.which(CHROMIUM) is None:
        _no_browser(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run ``ceasefire ARGV...`` at 80 columns; return (exit status, stdout, stderr)."""
    from ceasefire.cli import main

    monkeypatch.setenv("COLUMNS", "80")

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run
