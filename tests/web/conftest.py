"""Fixtures of the web tests: small, fast apps (the tutorial, a few hundred draws at most)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from ceasefire.web import Settings, create_app

SMALL = {"dashboard_draws": {"tutorial": 120, "alaska-2025": 60}, "quick_draws": 80,
         "max_draws": 400}


def client_of(**changes):
    """A TestClient on an app with small limits (and ``changes``), its lifespan running."""
    from fastapi.testclient import TestClient

    return TestClient(create_app(Settings(**{**SMALL, **changes})))


@pytest.fixture
def make_client():
    """``client_of`` as a fixture: a TestClient with the given settings changed."""
    return client_of


@pytest.fixture(scope="module")
def client():
    with client_of() as test_client:
        yield test_client
