"""Shared set-up of the sensitivity tests: a tutorial variant with a parameter that enters
nothing, and a runner of the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire.scenario.builtin import __file__ as _builtin

TUTORIAL = Path(_builtin).with_name("tutorial.yaml")

OBSERVER = """  - id: OB
    name: Observer
    role: third-party
    side: SO
    veto: none
    discount_factor: {low: 0.9, mode: 0.95, high: 0.99}
    sources: {discount_factor: [assumed-weights]}
"""
DUMMY = "actors.OB.discount_factor"
"""An uncertain parameter that enters no output: the patience of an actor without a say."""


@pytest.fixture(scope="session")
def with_dummy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tutorial with an observer whose uncertain discount factor nothing reads."""
    text = TUTORIAL.read_text("utf-8")
    text = text.replace("\nregions:\n", "\n" + OBSERVER + "regions:\n", 1)
    path = tmp_path_factory.mktemp("scenarios") / "tutorial-observer.yaml"
    path.write_text(text, "utf-8")
    return path

