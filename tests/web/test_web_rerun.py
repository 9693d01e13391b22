"""A run made through the API reruns from the run store to the identical result.

The web app records each full run's options under the CLI's names (analyze without the
leverage decomposition is ``--no-leverage``), and under the engine's where the command line
has no flag for them (forecast on several models); ``ceasefire runs rerun`` must repeat the
run exactly, as it does a CLI run.
"""

from __future__ import annotations

import json

import pytest

from ceasefire.cli import main
from ceasefire.scenario import load_scenario
from ceasefire.scenario.loading import dump_scenario

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
pytest.importorskip("duckdb")


@pytest.fixture
def store_file(tmp_path, monkeypatch):
    path = tmp_path / "runs.duckdb"
    monkeypatch.setenv("CEASEFIRE_STORE", str(tmp_path / "elsewhere.duckdb"))
    return path


def _rerun(capsys, store_file, run_id):
    """``ceasefire runs rerun RUN_ID --json``: its exit status and document."""
    capsys.readouterr()
    status = main(["runs", "rerun", run_id, "--store", str(store_file), "--json"])
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out.strip() else {"error": err})


def test_an_analyze_through_the_api_reruns_identically(make_client, store_file, capsys):
    with make_client(run_store=str(store_file)) as app:
        response = app.post("/api/analyze", json={"scenario": "tutorial", "draws": 40,
                                                  "seed": 5})
        assert response.status_code == 200, response.text
        body = response.json()
        stored = app.get(f"/api/runs/{body['run']['id']}").json()
    assert body["leverage"]["factors"] == {}  # the web's analyze leaves the decomposition out
    assert stored["options"] == {"draws": 40, "seed": 5, "horizon": None, "leverage": False}
    status, document = _rerun(capsys, store_file, body["run"]["id"])
    assert status == 0, document
    assert document["identical"] is True and document["diff"]["changes"] == []
    from ceasefire.store import RunStore

    again = RunStore(store_file).get(document["rerun"])
    assert again.result["run"]["rerun_of"] == body["run"]["id"]
    # rerun through the command line (--no-leverage): recorded with every flag of it
    assert {name: again.options[name] for name in stored["options"]} == stored["options"]
    assert again.command == "analyze" and again.options["no_report"] is True


def test_an_analyze_of_an_uploaded_scenario_reruns_identically(make_client, store_file,
                                                               capsys):
    text = dump_scenario(load_scenario("tutorial")).replace(
        "Tutorial: North against South", "Uploaded: North against South", 1)
    with make_client(run_store=str(store_file)) as app:
        scenario_id = app.post("/api/scenarios", content=text,
                               headers={"content-type": "text/plain"}).json()["id"]
        body = app.post("/api/analyze", json={"scenario": scenario_id, "draws": 30,
                                              "seed": 2}).json()
    status, document = _rerun(capsys, store_file, body["run"]["id"])
    assert status == 0, document
    assert document["identical"] is True


@pytest.mark.parametrize(("command", "request_body", "recorded"), [
    ("deals", {"draws": 20, "start": 0, "top": 5},
     {"draws": 20, "seed": 7, "start_month": 0, "top": 5}),
    ("forecast", {"models": ["compromise", "median"]},
     {"models": ["compromise", "median"], "dimension": None}),
    ("forecast", {"models": ["median"]}, {"model": "median", "dimension": None}),
])
def test_other_runs_through_the_api_rerun_identically(make_client, store_file, capsys,
                                                      command, request_body, recorded):
    with make_client(run_store=str(store_file)) as app:
        response = app.post(f"/api/{command}", json={"scenario": "tutorial", **request_body})
        assert response.status_code == 200, response.text
        run_id = response.json()["run"]["id"]
        assert app.get(f"/api/runs/{run_id}").json()["options"] == recorded
    status, document = _rerun(capsys, store_file, run_id)
    assert status == 0, document
    assert document["identical"] is True
