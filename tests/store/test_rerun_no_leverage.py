"""``ceasefire analyze --no-leverage`` and the rerun of runs recorded without the leverage
decomposition (the web app's analyze records ``leverage: false``): both go through the
command line, not the engine's fallback (``runs_cmds._replay_engine``)."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from ceasefire.cli import main

pytest.importorskip("duckdb")

_ANALYZE = ("analyze", "tutorial", "--draws", "60", "--seed", "3",
            "--decomposition-draws", "10", "--no-report", "--json")


def _json(argv: list[str]) -> tuple[int, dict]:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        status = main(argv)
    return status, json.loads(out.getvalue()) if out.getvalue().strip() else {}


@pytest.fixture
def no_engine_fallback(monkeypatch):
    """A rerun that would fall back on the engine's API fails the test."""
    from ceasefire.cli import runs_cmds

    def refuse(*args, **kwargs):
        raise AssertionError("the rerun fell back on the engine's API")

    monkeypatch.setattr(runs_cmds, "_replay_engine", refuse)


def test_no_leverage_leaves_the_decomposition_out_and_reruns_identically(
        store_file, no_engine_fallback):
    status, without = _json([*_ANALYZE, "--no-leverage", "--store", str(store_file)])
    assert status == 0
    assert without["leverage"]["factors"] == {}
    status, default = _json([*_ANALYZE, "--no-store"])
    assert status == 0 and default["leverage"]["factors"]  # on by default, as before

    from ceasefire.store import RunStore

    stored = RunStore(store_file).get(without["run"]["id"])
    assert stored.options["leverage"] is False
    status, rerun = _json(["runs", "rerun", stored.id, "--store", str(store_file), "--json"])
    assert status == 0 and rerun["identical"] is True
    again = RunStore(store_file).get(rerun["rerun"])
    assert again.options["leverage"] is False
    assert again.result["leverage"]["factors"] == {}


def test_a_run_recorded_as_the_web_records_it_reruns_through_the_command_line(
        store, store_file, no_engine_fallback):
    import ceasefire

    # what the web app's /api/analyze records (src/ceasefire/web/app.py)
    options = {"draws": 40, "seed": 5, "horizon": None, "leverage": False}
    result = ceasefire.analyze("tutorial", draws=40, rng=5, leverage=False)
    from ceasefire.cli.common import scenario_text

    run_id = store.record("analyze", result, scenario_source="tutorial",
                          scenario_text=scenario_text("tutorial"), options=options,
                          outputs={"no_report": True})
    status, rerun = _json(["runs", "rerun", run_id, "--store", str(store_file), "--json"])
    assert status == 0 and rerun["identical"] is True, rerun
    assert store.get(rerun["rerun"]).result["leverage"]["factors"] == {}
