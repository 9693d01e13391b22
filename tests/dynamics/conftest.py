"""Shared set-up of the dynamics tests: the built-in scenarios, loaded once a session."""

from __future__ import annotations

import pytest

from ceasefire.scenario import load_scenario


@pytest.fixture(scope="session")
def tutorial():
    return load_scenario("tutorial")


@pytest.fixture(scope="session")
def alaska():
    return load_scenario("alaska-2025")
