"""Shared fixtures: the team's reference folder ``../shared`` (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_path() -> Path:
    """Return the reference folder: ``$CEASEFIRE_SHARED`` or ``<repo>/../shared``."""
    return Path(os.environ.get("CEASEFIRE_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's reference folder; tests that need it skip with the reason when it is absent."""
    path = shared_path()
    if not path.is_dir():
        pytest.skip(f"reference folder {path} is not here (set CEASEFIRE_SHARED to its path)")
    return path
