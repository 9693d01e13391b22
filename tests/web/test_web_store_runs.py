"""The API's negotiate route, threats carried out and regions that fall, and the run store.

Every full run through the API is recorded in the run store (unless the settings turn the
store off) and listed by ``/api/runs``; uploaded scenarios are kept there, so a new app
on the same store still serves them.
"""

from __future__ import annotations

import pytest

from ceasefire.scenario import load_scenario
from ceasefire.scenario.loading import dump_scenario

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
pytest.importorskip("duckdb")


def _problem_at(response, field):
    assert response.status_code == 422, response.text
    found = [p for p in response.json()["detail"] if tuple(p["loc"][:2]) == ("body", field)]
    assert found, response.json()["detail"]
    return found[0]


# --- negotiate ---------------------------------------------------------------------------


def test_negotiate_tells_one_run_and_the_batch(client):
    response = client.post("/api/negotiate", json={"scenario": "tutorial", "draws": 40,
                                                   "draw": 3, "seed": 11})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "negotiate" and body["draws"] == 40 and body["seed"] == 11
    assert body["transcript"]["draw"] == 3
    assert set(body["strategies"].values()) == {"equilibrium"}
    assert body["comparison"] is None


def test_negotiate_with_a_strategy_compares_it_with_the_equilibrium(client):
    response = client.post("/api/negotiate", json={
        "scenario": "tutorial", "draws": 40, "strategies": {"NO": "boulware"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["strategies"]["NO"] == "boulware"
    assert body["comparison"] is not None and body["equilibrium"] is not None


def test_negotiate_in_the_background_is_a_job_with_progress(client):
    started = client.post("/api/negotiate", json={"scenario": "tutorial", "draws": 30,
                                                  "background": True})
    assert started.status_code == 202
    job_id = started.json()["id"]
    with client.stream("GET", f"/api/jobs/{job_id}/events") as events:
        kinds = [line for line in events.iter_lines() if line.startswith("event:")]
    assert kinds[-1] == "event: end"
    done = client.get(f"/api/jobs/{job_id}").json()
    assert done["status"] == "done" and done["result"]["kind"] == "negotiate"


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"draws": 30, "draw": 30}, "draw", "0 to 29"),
    ({"draw": -1}, "draw", ""),
    ({"strategies": {"XX": "boulware"}}, "strategies", "unknown player"),
    ({"strategies": {"NO": "sulk"}}, "strategies", "unknown strategy"),
    ({"strategies": {"NO": "../../etc"}}, "strategies", ""),
    ({"strategies": {"no": "boulware"}}, "strategies", ""),
    ({"draws": 10_000}, "draws", "allowed"),
    ({"horizon": 0}, "horizon", ""),
    ({"runs": 10}, "runs", ""),
])
def test_a_bad_negotiate_request_is_422_at_its_place(client, body, field, words):
    problem = _problem_at(client.post("/api/negotiate", json={"scenario": "tutorial",
                                                              **body}), field)
    assert words in problem["msg"]


def test_negotiate_on_an_unknown_scenario_is_404(client):
    assert client.post("/api/negotiate", json={"scenario": "no-such-war"}).status_code == 404


# --- threats carried out and regions that fall -------------------------------------------


def test_a_threat_carried_out_is_a_preliminary_answer_that_says_why_it_extrapolates(client):
    body = client.post("/api/whatif", json={"scenario": "tutorial",
                                            "carried_out": ["tariff-threat"]}).json()
    assert body["preliminary"] is True and body["carried_out"] == ["tariff-threat"]
    assert [e["parameter"] for e in body["extrapolated_parameters"]] == [
        "levers.tariff-threat"]
    assert "conditional" in body["extrapolated_parameters"][0]["reason"]


def test_only_a_conditional_lever_can_be_carried_out(client):
    problem = _problem_at(client.post("/api/whatif", json={
        "scenario": "tutorial", "carried_out": ["arms-package"]}), "carried_out")
    assert "tariff-threat" in problem["msg"]  # names the ones allowed
    _problem_at(client.post("/api/whatif", json={
        "scenario": "tutorial", "carried_out": ["tariff-threat"],
        "levers": {"tariff-threat": False}}), "carried_out")


def test_a_region_that_falls_changes_the_map_and_the_forecast(client):
    base = client.post("/api/whatif", json={"scenario": "tutorial", "view": True}).json()
    fallen = client.post("/api/whatif", json={
        "scenario": "tutorial", "view": True,
        "set": {"regions.east-valley.control": {"NO": 1.0, "SO": 0.0}}}).json()
    regions = [r["id"] for r in client.get("/api/scenarios/tutorial").json()["regions"]]
    k = regions.index("east-valley")

    def shares(answer):
        import base64

        import numpy as np

        color = answer["view"]["figures"]["map"]["data"][0]["marker"]["color"]
        if isinstance(color, dict):  # plotly's typed-array encoding
            return np.frombuffer(base64.b64decode(color["bdata"]), dtype=color["dtype"])
        return np.asarray(color, dtype=float)

    assert shares(base)[k] == pytest.approx(0.5)
    assert shares(fallen)[k] == pytest.approx(1.0)
    assert fallen["extrapolated"] is True
    assert fallen["agreement"]["p_within_12"]["variant"] != base["agreement"]["p_within_12"][
        "variant"]


def test_a_refined_threat_carried_out_has_a_view_of_the_variant(client):
    started = client.post("/api/whatif", json={
        "scenario": "tutorial", "draws": 40, "refine": True, "background": True,
        "carried_out": ["tariff-threat"]})
    assert started.status_code == 202
    job_id = started.json()["id"]
    with client.stream("GET", f"/api/jobs/{job_id}/events") as events:
        list(events.iter_lines())
    view = client.get(f"/api/jobs/{job_id}/view").json()
    assert view["carried_out"] == ["tariff-threat"] and view["preliminary"] is False


# --- the run store -----------------------------------------------------------------------


def test_every_full_run_through_the_api_is_listed_in_the_run_store(make_client, tmp_path):
    path = tmp_path / "runs.duckdb"
    with make_client(run_store=str(path)) as app:
        ids = {}
        for command, body in [
                ("analyze", {"draws": 30}), ("deals", {"draws": 20}),
                ("forecast", {"models": ["compromise"]}), ("negotiate", {"draws": 20}),
                ("whatif", {"draws": 20, "refine": True, "levers": {"arms-package": False}})]:
            response = app.post(f"/api/{command}", json={"scenario": "tutorial", **body})
            assert response.status_code == 200, response.text
            ids[command] = response.json()["run"]["id"]
        listed = {row["id"]: row for row in app.get("/api/runs").json()["runs"]}
        assert set(ids.values()) == set(listed)
        for command, run_id in ids.items():
            assert listed[run_id]["command"] == command
            assert listed[run_id]["scenario_source"] == "tutorial"
        shown = app.get(f"/api/runs/{ids['whatif']}").json()
        assert shown["options"]["lever"] == ["arms-package=off"]
        assert shown["scenario"]["text"] == dump_text("tutorial")
        assert app.get("/api/runs", params={"command": "negotiate"}).json()["runs"][0][
            "id"] == ids["negotiate"]


def dump_text(name):
    from ceasefire.scenario import builtin_text

    return builtin_text(name)


def test_a_quick_answer_is_not_recorded_but_its_refinement_is(make_client, tmp_path):
    path = tmp_path / "runs.duckdb"
    with make_client(run_store=str(path)) as app:
        assert app.post("/api/whatif", json={"scenario": "tutorial",
                                             "levers": {"arms-package": False}}
                        ).status_code == 200
        assert app.get("/api/runs").json()["runs"] == []


def test_with_the_store_off_nothing_is_written(make_client, tmp_path):
    path = tmp_path / "runs.duckdb"
    with make_client(run_store=str(path), use_store=False) as app:
        response = app.post("/api/analyze", json={"scenario": "tutorial", "draws": 20})
        assert response.status_code == 200
        assert "id" not in (response.json().get("run") or {})
        text = dump_scenario(load_scenario("tutorial"))
        assert app.post("/api/scenarios", content=text,
                        headers={"content-type": "text/plain"}).status_code == 201
    assert not path.exists()


def test_an_upload_is_kept_in_the_store_and_served_after_a_restart(make_client, tmp_path):
    path = tmp_path / "runs.duckdb"
    text = dump_scenario(load_scenario("tutorial")).replace(
        "Tutorial: North against South", "Kept: North against South", 1)
    with make_client(run_store=str(path)) as first:
        created = first.post("/api/scenarios", content=text,
                             headers={"content-type": "text/plain"})
        assert created.status_code == 201
        scenario_id = created.json()["id"]
        run = first.post("/api/analyze", json={"scenario": scenario_id, "draws": 20}).json()
    with make_client(run_store=str(path)) as second:  # a new app, the same store
        listed = [row["id"] for row in second.get("/api/scenarios").json()["scenarios"]]
        assert scenario_id in listed
        assert second.get(f"/api/scenarios/{scenario_id}").json()["name"].startswith("Kept")
        quick = second.post("/api/whatif", json={"scenario": scenario_id, "draws": 20})
        assert quick.status_code == 200, quick.text
        stored = second.get(f"/api/runs/{run['run']['id']}").json()
        assert stored["scenario"]["source"] == scenario_id
        assert stored["scenario"]["text"] == text
    with make_client(run_store=str(tmp_path / "other.duckdb")) as elsewhere:
        assert elsewhere.get(f"/api/scenarios/{scenario_id}").status_code == 404


def test_the_oldest_uploads_are_forgotten_past_the_limit(make_client, tmp_path):
    path = tmp_path / "runs.duckdb"
    base = dump_scenario(load_scenario("tutorial"))
    ids = []
    with make_client(run_store=str(path), max_uploads=2) as app:
        for n in range(3):
            text = base.replace("Tutorial: North against South", f"Upload {n}", 1)
            ids.append(app.post("/api/scenarios", content=text,
                                headers={"content-type": "text/plain"}).json()["id"])
    with make_client(run_store=str(path), max_uploads=2) as again:
        listed = [row["id"] for row in again.get("/api/scenarios").json()["scenarios"]]
        assert ids[0] not in listed and ids[1] in listed and ids[2] in listed
        assert again.get(f"/api/scenarios/{ids[0]}").status_code == 404


def test_a_quick_variant_on_fewer_draws_plays_the_first_of_the_base_draws(make_client):
    body = {"scenario": "tutorial", "draws": 120, "levers": {"arms-package": False}}
    with make_client() as full_app, make_client(quick_variant_draws=40) as subset_app:
        full = full_app.post("/api/whatif", json=body).json()
        subset = subset_app.post("/api/whatif", json=body).json()
    assert (full["draws"], subset["draws"], subset["base_draws"]) == (120, 40, 120)
    full_12, subset_12 = full["agreement"]["p_within_12"], subset["agreement"]["p_within_12"]
    assert subset_12["base"] == full_12["base"]  # the base run is the whole one
    assert subset["preliminary"] is True
    # its standard error is that of a share of 40 draws, not of 120
    from ceasefire.results.stats import standard_error

    variant = subset_12["variant"]
    assert variant["p"] * 40 == pytest.approx(round(variant["p"] * 40))
    assert variant["se"] == pytest.approx(standard_error(variant["p"], 40))
    assert variant["se"] != pytest.approx(standard_error(variant["p"], 120))
