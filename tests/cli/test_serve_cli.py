"""``ceasefire serve``: its options reach the web app's settings; the server is not started.

``uvicorn.run`` is replaced by a function that keeps the app it is given, so each test
looks at the app ``serve`` built: ``--store``/``--no-store`` and ``$CEASEFIRE_STORE``
choose its run store as for the other commands.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def served(monkeypatch):
    """The apps ``serve`` handed to uvicorn, with the address asked for."""
    apps: list[tuple[object, dict]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: apps.append((app, kwargs)))
    return apps


def _state(apps):
    assert len(apps) == 1
    return apps[0][0].state.ceasefire


def test_store_names_the_file_runs_and_uploads_go_to(cli, served, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from ceasefire.scenario import load_scenario
    from ceasefire.scenario.loading import dump_scenario
    from ceasefire.store import RunStore

    monkeypatch.setenv("CEASEFIRE_STORE", str(tmp_path / "env.duckdb"))
    path = tmp_path / "chosen.duckdb"
    status, _, err = cli("serve", "--store", str(path), "--port", "8123", "--workers", "1")
    assert status == 0, err
    state = _state(served)
    assert (state.settings.run_store, state.settings.use_store) == (str(path), True)
    assert served[0][1]["port"] == 8123 and state.settings.job_workers == 1
    assert f"runs recorded in {path}" in err.replace("\n", "")
    # the app uses it: an upload lands in that file, not in the environment's
    with TestClient(served[0][0]) as client:
        created = client.post("/api/scenarios", content=dump_scenario(load_scenario("tutorial")),
                              headers={"content-type": "text/plain"})
    assert created.status_code == 201, created.text
    assert ["upload-" + found for found in RunStore(path).scenario_ids()] == [
        created.json()["id"]]
    assert not (tmp_path / "env.duckdb").exists()


def test_without_store_the_environment_variable_chooses_it(cli, served, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("CEASEFIRE_STORE", str(tmp_path / "env.duckdb"))
    status, _, err = cli("serve")
    assert status == 0, err
    state = _state(served)
    assert state.settings.run_store is None and state.settings.use_store is True
    assert state.store._store().path == tmp_path / "env.duckdb"
    assert "runs recorded in" in err and "env.duckdb" in err


def test_no_store_records_nothing(cli, served, tmp_path, monkeypatch):
    monkeypatch.setenv("CEASEFIRE_STORE", str(tmp_path / "env.duckdb"))
    status, _, err = cli("serve", "--no-store")
    assert status == 0, err
    state = _state(served)
    assert state.settings.use_store is False and state.store is None
    assert "runs recorded" not in err


def test_a_store_that_cannot_be_used_is_refused_before_serving(cli, served, tmp_path):
    status, _, err = cli("serve", "--store", str(tmp_path))
    assert status == 1 and served == []
    assert "is a folder; fix" in err.replace("\n", "")
    # --no-store does not look at it
    status, _, err = cli("serve", "--store", str(tmp_path), "--no-store")
    assert status == 0, err
    assert _state(served).store is None
