"""Result documents of schema versions 4 and 5 (before ``analyze`` gained its optional
``negotiation`` and ``sensitivity`` parts, and ``agreement.fit_noise``) still read, list,
show and rerun.

A run store keeps the documents as they were written; versions 5 and 6 only added optional
parts, so an older document reads as a version-6 result with those parts absent.
"""

from __future__ import annotations

import copy
import json

import pytest

from ceasefire.cli import main
from ceasefire.cli.common import scenario_text
from ceasefire.errors import InputError
from ceasefire.results import SCHEMA_VERSION, AnalyzeResult, load_result

pytest.importorskip("duckdb")


def _version_4(document: dict, *, without_new_parts: bool = True) -> dict:
    old = copy.deepcopy(document)
    old["schema_version"] = 4
    if without_new_parts:
        for part in ("negotiation", "sensitivity"):
            old.pop(part, None)
        if old.get("agreement"):
            old["agreement"].pop("narrow", None)
            old["agreement"].pop("fit_noise", None)
    return old


def test_a_version_4_document_reads_as_the_current_version(small_result):
    document = small_result.to_dict()
    assert document["schema_version"] == SCHEMA_VERSION == 6
    assert document["negotiation"] is not None  # the part version 4 documents may lack
    result = load_result(_version_4(document))
    assert isinstance(result, AnalyzeResult)
    assert result.negotiation is None and result.sensitivity is None
    assert result.schema_version == SCHEMA_VERSION
    assert result.headline() == small_result.headline()
    # what it shares with the current document is unchanged
    again = result.to_dict()
    assert again["proposals"] == document["proposals"] and again["leverage"] == document[
        "leverage"]


def test_a_version_5_document_without_fit_noise_reads(small_result):
    document = small_result.to_dict()
    document["schema_version"] = 5
    document["agreement"].pop("fit_noise")
    result = load_result(document)
    assert result.agreement.fit_noise is None and result.schema_version == SCHEMA_VERSION
    assert result.headline() == small_result.headline()


@pytest.mark.parametrize("version", [3, 7, "4"])
def test_versions_this_one_cannot_read_are_refused_with_the_readable_ones(small_result,
                                                                          version):
    document = small_result.to_dict()
    document["schema_version"] = version
    with pytest.raises(InputError, match=r"schema_version.*schema_version 4 to 6"):
        load_result(document)


@pytest.fixture
def old_store(store, small_result):
    """A store holding one analyze run written as version 4 (its new parts left out)."""
    run_id = store.record("analyze", _version_4(small_result.to_dict()),
                          scenario_source="tutorial", scenario_text=scenario_text("tutorial"),
                          options={"draws": 100, "seed": 3, "decomposition_draws": 10},
                          outputs={"no_report": True})
    return store, run_id


def test_a_store_with_version_4_results_lists_and_shows_them(old_store, capsys, monkeypatch):
    store, run_id = old_store
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["runs", "list", "--store", str(store.path), "--json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["runs"]] == [run_id]
    assert main(["runs", "show", run_id, "--store", str(store.path)]) == 0
    out = capsys.readouterr().out
    assert "cannot be read" not in out
    assert "answer" in out
    assert store.get(run_id).load().negotiation is None
    assert main(["runs", "show", run_id, "--store", str(store.path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["result"]["schema_version"] == 4  # as stored


def test_a_version_4_run_reruns_identically_when_only_the_version_differs(
        store, small_result, capsys):
    # written just before the bump: the new parts there, the old version stamp
    run_id = store.record("analyze", _version_4(small_result.to_dict(),
                                                without_new_parts=False),
                          scenario_source="tutorial", scenario_text=scenario_text("tutorial"),
                          options={"draws": 100, "seed": 3, "decomposition_draws": 10},
                          outputs={"no_report": True})
    capsys.readouterr()
    status = main(["runs", "rerun", run_id, "--store", str(store.path), "--no-store",
                   "--json"])
    document = json.loads(capsys.readouterr().out)
    assert status == 0 and document["identical"] is True, document["diff"]
