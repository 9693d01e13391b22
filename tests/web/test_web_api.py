"""The JSON API in process: every route, and bad requests of every kind.

Each bad request must get a clear error (its status, and for 422 the place of each
problem), and the server must keep answering after it.
"""

from __future__ import annotations

import json
import time

import pytest

from ceasefire.scenario import load_scenario
from ceasefire.scenario.loading import dump_scenario

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _locs(response):
    return [tuple(problem["loc"]) for problem in response.json()["detail"]]


# --- scenarios ---------------------------------------------------------------------------


def test_lists_the_built_in_scenarios(client):
    response = client.get("/api/scenarios")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["scenarios"]]
    assert {"tutorial", "alaska-2025"} <= set(ids)


def test_a_scenario_shows_its_levers_and_the_ranges_sliders_move_in(client):
    body = client.get("/api/scenarios/tutorial").json()
    assert [lever["id"] for lever in body["levers"]] == ["export-sanctions", "arms-package",
                                                         "tariff-threat"]
    north = next(a for a in body["actors"] if a["id"] == "NO")
    assert north["discount_factor"] == {"low": 0.96, "mode": 0.98, "high": 0.99}


def test_an_unknown_scenario_is_404_and_names_the_known_ones(client):
    response = client.get("/api/scenarios/no-such-war")
    assert response.status_code == 404
    assert "tutorial" in response.json()["detail"]


@pytest.mark.parametrize("bad", ["tutorial.yaml", "..", "~root", "Tutorial", "a" * 81,
                                 "%2Fetc%2Fpasswd", "..%2F..%2Fetc%2Fpasswd"])
def test_a_path_like_scenario_id_in_the_url_is_refused(client, bad):
    response = client.get(f"/api/scenarios/{bad}")
    assert response.status_code in (404, 422)
    assert "root:" not in response.text


@pytest.mark.parametrize("bad", ["../tutorial", "/etc/passwd", "tutorial.yaml",
                                 "C:\\scenario", "src/ceasefire/scenario/builtin/tutorial"])
def test_a_path_like_scenario_id_in_a_body_is_422_at_its_place(client, bad):
    response = client.post("/api/whatif", json={"scenario": bad})
    assert response.status_code == 422
    assert ("body", "scenario") in _locs(response)


def test_validate_accepts_a_scenario_as_text_and_as_json(client):
    text = dump_scenario(load_scenario("tutorial"))
    as_text = client.post("/api/scenarios/validate", content=text,
                          headers={"content-type": "application/yaml"})
    assert as_text.status_code == 200 and as_text.json()["valid"] is True
    as_json = client.post("/api/scenarios/validate", json={"text": text})
    assert as_json.status_code == 200 and as_json.json()["id"] == "tutorial"


def test_validate_lists_each_problem_with_its_path(client):
    text = dump_scenario(load_scenario("tutorial")).replace(
        "discount_factor: 0.98", "discount_factor: 1.7", 1)
    response = client.post("/api/scenarios/validate", content=text,
                           headers={"content-type": "text/plain"})
    assert response.status_code == 422
    paths = [problem["path"] for problem in response.json()["detail"]]
    assert any("discount_factor" in path for path in paths), paths


def test_validate_points_at_the_line_of_broken_yaml(client):
    response = client.post("/api/scenarios/validate", content="id: x\n  bad: [\n",
                           headers={"content-type": "text/plain"})
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["line"] is not None and "YAML" in problem["msg"]


def test_an_upload_gets_an_id_and_is_served_by_it(client):
    text = dump_scenario(load_scenario("tutorial")).replace(
        "Tutorial: North against South", "Uploaded: North against South", 1)
    response = client.post("/api/scenarios", content=text,
                           headers={"content-type": "text/plain"})
    assert response.status_code == 201
    scenario_id = response.json()["id"]
    assert scenario_id.startswith("upload-")
    assert client.get(f"/api/scenarios/{scenario_id}").json()["name"].startswith("Uploaded")
    assert scenario_id in [row["id"] for row in client.get("/api/scenarios").json()["scenarios"]]


def test_evidence_of_a_lever_lists_its_claims_with_source_and_grade(client):
    body = client.get("/api/scenarios/tutorial/evidence",
                      params={"path": "levers.arms-package"}).json()
    assert body["claims"]
    claim = body["claims"][0]
    assert {"id", "claim", "grade", "source", "supports"} <= set(claim)


def test_evidence_of_an_unknown_path_is_422(client):
    response = client.get("/api/scenarios/tutorial/evidence", params={"path": "levers.nope"})
    assert response.status_code == 422
    assert "levers.nope" in response.json()["message"]


# --- request validation ------------------------------------------------------------------


def test_too_many_draws_is_422_naming_the_limit(client):
    response = client.post("/api/analyze", json={"scenario": "tutorial", "draws": 100_000})
    assert response.status_code == 422
    assert _locs(response) == [("body", "draws")]
    assert "400" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(("body", "place"), [
    ({"scenario": "tutorial", "draws": 0}, ("body", "draws")),
    ({"scenario": "tutorial", "draws": "many"}, ("body", "draws")),
    ({"scenario": "tutorial", "seed": -1}, ("body", "seed")),
    ({"scenario": "tutorial", "levers": {"arms-package": "maybe"}},
     ("body", "levers", "arms-package")),
    ({"scenario": "tutorial", "set": {"no dots": 1}}, ("body", "set", "no dots", "[key]")),
    ({"scenario": "tutorial", "colour": "red"}, ("body", "colour")),
])
def test_a_malformed_field_is_422_at_its_place(client, body, place):
    response = client.post("/api/whatif", json=body)
    assert response.status_code == 422
    assert place in _locs(response), _locs(response)


@pytest.mark.parametrize("raw", [b"{", b"[1, 2]", b"null", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_422(client, raw):
    response = client.post("/api/whatif", content=raw,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_an_oversize_body_is_413_declared_or_streamed(make_client):
    with make_client(max_body_bytes=2_000) as small:
        big = json.dumps({"scenario": "tutorial", "set": {"a.b": "x" * 5_000}})
        assert small.post("/api/whatif", content=big,
                          headers={"content-type": "application/json"}).status_code == 413

        def chunks():
            for _ in range(10):
                yield b" " * 1_000

        streamed = small.post("/api/scenarios/validate", content=chunks(),
                              headers={"content-type": "text/plain"})
        assert streamed.status_code == 413
        assert "2,000 bytes" in streamed.json()["detail"]
        assert small.get("/api/health").status_code == 200


# --- quick what-if -----------------------------------------------------------------------


def test_the_quick_base_is_the_full_solve_and_not_preliminary(client):
    body = client.post("/api/whatif", json={"scenario": "tutorial"}).json()
    assert body["preliminary"] is False and body["extrapolated"] is False
    assert body["agreement"]["p_within_12"]["difference"] == {"d": 0.0, "se": 0.0}


def test_a_lever_flip_is_a_preliminary_interpolation_with_standard_errors(client):
    body = client.post("/api/whatif", json={"scenario": "tutorial",
                                            "levers": {"arms-package": False}}).json()
    assert body["preliminary"] is True
    assert body["extrapolated"] is False
    within = body["agreement"]["p_within_12"]
    assert set(within) == {"base", "variant", "difference"}
    assert within["variant"]["se"] >= 0 and within["difference"]["se"] >= 0


def test_a_lever_that_never_varied_is_flagged_as_extrapolated(client):
    body = client.post("/api/whatif", json={"scenario": "tutorial",
                                            "levers": {"export-sanctions": False}}).json()
    assert body["extrapolated"] is True
    assert [e["parameter"] for e in body["extrapolated_parameters"]] == [
        "levers.export-sanctions"]


def test_a_parameter_outside_the_sampled_range_is_flagged_inside_it_not(client):
    inside = client.post("/api/whatif", json={
        "scenario": "tutorial", "set": {"actors.NO.discount_factor": 0.975}}).json()
    assert inside["extrapolated"] is False
    outside = client.post("/api/whatif", json={
        "scenario": "tutorial", "set": {"actors.NO.discount_factor": 0.999}}).json()
    assert outside["extrapolated"] is True
    reason = outside["extrapolated_parameters"][0]
    assert reason["parameter"] == "actors.NO.discount_factor"
    assert "range" in reason["reason"]


def test_the_quick_view_carries_the_reports_figures(client):
    body = client.post("/api/whatif", json={"scenario": "tutorial", "view": True,
                                            "levers": {"arms-package": True}}).json()
    figures = body["view"]["figures"]
    assert set(figures) == {"agreement", "acceptance", "timing", "map"}
    assert all(figure["data"] for figure in figures.values())
    assert figures["map"]["views"] and figures["map"]["proposals"][0] == "now"
    freeze = body["view"]["acceptance"]["freeze"]
    assert set(freeze) >= {"acceptance", "p_all_veto_accept", "binding"}


def test_an_unknown_lever_and_a_bad_parameter_path_are_422(client):
    lever = client.post("/api/whatif", json={"scenario": "tutorial",
                                             "levers": {"no-such-lever": True}})
    assert lever.status_code == 422 and "no-such-lever" in lever.json()["message"]
    path = client.post("/api/whatif", json={"scenario": "tutorial",
                                            "set": {"actors.XX.discount_factor": 0.9}})
    assert path.status_code == 422
    assert path.json()["detail"][0]["path"].startswith("actors")


def test_a_value_invalid_at_its_path_is_422_with_the_path(client):
    response = client.post("/api/whatif", json={"scenario": "tutorial",
                                                "set": {"actors.NO.discount_factor": 3}})
    assert response.status_code == 422
    assert any("discount_factor" in p["path"] for p in response.json()["detail"])


# --- full runs, jobs and the limits ------------------------------------------------------


def test_analyze_waits_for_the_result(client):
    response = client.post("/api/analyze", json={"scenario": "tutorial", "draws": 40})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "analyze" and body["draws"] == 40 and body["seed"] == 7


def test_a_background_job_reports_progress_and_its_result(client):
    started = client.post("/api/whatif", json={"scenario": "tutorial", "draws": 40,
                                               "refine": True, "background": True,
                                               "levers": {"arms-package": False}})
    assert started.status_code == 202
    job = started.json()
    assert started.headers["location"] == f"/api/jobs/{job['id']}"
    with client.stream("GET", f"/api/jobs/{job['id']}/events") as events:
        lines = [line for line in events.iter_lines() if line.startswith("event:")]
    assert lines[0] == "event: progress" and lines[-1] == "event: end"
    done = client.get(f"/api/jobs/{job['id']}").json()
    assert done["status"] == "done" and done["result"]["kind"] == "whatif"
    answer = client.get(f"/api/jobs/{job['id']}/view")
    view = answer.json()
    assert answer.status_code == 200 and view.get("preliminary") is False, (
        answer.status_code, view)
    assert "agreement" in view["view"]["figures"]


def test_an_unknown_job_is_404_and_a_malformed_job_id_422(client):
    assert client.get("/api/jobs/" + "0" * 32).status_code == 404
    assert client.get("/api/jobs/../../etc").status_code in (404, 422)


def test_deals_and_forecast_answer(client):
    deals = client.post("/api/deals", json={"scenario": "tutorial", "draws": 30})
    assert deals.status_code == 200, deals.text
    assert deals.json()["kind"] == "deals"
    forecast = client.post("/api/forecast", json={"scenario": "tutorial",
                                                  "models": ["compromise", "median"]})
    assert forecast.status_code == 200, forecast.text
    assert forecast.json()["kind"] == "forecast"


def test_a_run_over_its_budget_is_stopped_with_504_and_the_server_answers_on(make_client):
    with make_client(request_timeout_s=0.5, isolation="process") as slow:
        start = time.perf_counter()
        response = slow.post("/api/analyze", json={"scenario": "tutorial", "draws": 400})
        assert response.status_code == 504
        assert "budget" in response.json()["detail"]
        assert time.perf_counter() - start < 20
        health = slow.get("/api/health")
        assert health.status_code == 200
        assert health.json()["full_runs"]["in"] == 0  # the stopped run freed its slot
        assert slow.get("/api/scenarios/tutorial").status_code == 200


def test_a_quick_answer_over_its_budget_is_504_and_the_server_answers_on(make_client):
    with make_client(quick_timeout_s=0.05) as hurried:
        response = hurried.post("/api/whatif", json={"scenario": "tutorial", "draws": 50})
        assert response.status_code == 504
        assert hurried.get("/api/health").status_code == 200


def test_a_full_queue_answers_503_with_retry_after(make_client):
    with make_client(job_workers=1, job_queue=0, request_timeout_s=5) as busy:
        first = busy.post("/api/analyze", json={"scenario": "tutorial", "draws": 300,
                                                "background": True})
        assert first.status_code == 202
        second = busy.post("/api/analyze", json={"scenario": "tutorial", "draws": 10})
        assert second.status_code == 503
        assert second.headers["retry-after"] == "5"
        assert "retry" in second.json()["detail"]
        assert busy.get("/api/health").status_code == 200


# --- the page and its assets -------------------------------------------------------------


def test_every_response_forbids_loads_from_outside(client):
    for path in ("/", "/api/scenarios", "/static/dashboard.js", "/api/openapi.json"):
        policy = client.get(path).headers["content-security-policy"]
        assert "default-src 'none'" in policy and "http" not in policy


def test_the_page_and_plotly_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and 'src="/static/plotly.min.js"' in page.text
    assert "http://" not in page.text and "https://" not in page.text
    plotly = client.get("/static/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    assert client.get("/static/secret.py").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_the_openapi_spec_lists_every_route(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/scenarios", "/api/scenarios/{scenario_id}", "/api/scenarios/validate",
            "/api/analyze", "/api/whatif", "/api/deals", "/api/forecast", "/api/negotiate",
            "/api/runs", "/api/jobs/{job_id}", "/api/jobs/{job_id}/events"} <= set(paths)


# --- the run store (read only) -----------------------------------------------------------


def test_runs_of_the_store_are_listed_and_shown(make_client, tmp_path):
    pytest.importorskip("duckdb")
    from ceasefire.store import RunStore
    from ceasefire.workflows import stakeholder_forecast

    path = tmp_path / "runs.duckdb"
    run_id = RunStore(path).record("forecast", stakeholder_forecast(
        "tutorial", models=["compromise"]), scenario_source="tutorial")
    with make_client(run_store=str(path)) as stored:
        listed = stored.get("/api/runs").json()["runs"]
        assert [row["id"] for row in listed] == [run_id]
        shown = stored.get("/api/runs/last").json()
        assert shown["id"] == run_id and shown["result"]["kind"] == "forecast"
        assert stored.get("/api/runs/no-such-run").status_code == 404
        assert stored.get("/api/runs/..%2Fetc").status_code in (404, 422)


def test_the_same_what_if_asked_again_is_answered_from_memory(client):
    body = {"scenario": "tutorial", "levers": {"tariff-threat": True}}
    first = client.post("/api/whatif", json=body).json()
    again = client.post("/api/whatif", json=body).json()
    assert first["cached"] is False and again["cached"] is True
    assert again["agreement"] == first["agreement"]


def test_in_thread_isolation_a_run_over_budget_is_504_and_frees_its_slot_when_done(
        make_client):
    with make_client(request_timeout_s=0.3, isolation="thread") as threaded:
        response = threaded.post("/api/analyze", json={"scenario": "tutorial", "draws": 60})
        assert response.status_code == 504
        assert threaded.get("/api/health").status_code == 200
        deadline = time.monotonic() + 60
        while threaded.get("/api/health").json()["full_runs"]["in"]:
            assert time.monotonic() < deadline, "the thread's slot was never freed"
            time.sleep(0.2)
