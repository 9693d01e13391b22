"""``analyze --sensitivity``: what drives the answer, in the JSON, the report and the run store."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from ceasefire.cli import main
from ceasefire.errors import InputError
from ceasefire.results import AnalyzeResult, load_result

DRAWS, SUBSET, SAMPLES = 120, 60, 2
FAST = ("-n", str(DRAWS), "--seed", "9", "--decomposition-draws", "20", "-w", "1",
        "--fitting-paths", "1", "--candidates", "8")


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One run with --sensitivity: its JSON document, report page and store file."""
    folder = tmp_path_factory.mktemp("analyze-sensitivity")
    store = folder / "runs.duckdb"
    status, out, err = _run("analyze", "tutorial", *FAST, "--sensitivity",
                            "--sensitivity-draws", str(SUBSET), "--sensitivity-samples",
                            str(SAMPLES), "--out", str(folder / "report"), "--store",
                            str(store), "--json")
    assert status == 0, err
    page = (folder / "report" / "report.html").read_text("utf-8")
    return json.loads(out), page, store


def test_json_carries_indices_for_the_named_outputs(run):
    document, _, _ = run
    part = document["sensitivity"]
    assert part["kind"] == "sensitivity" and part["method"] == "morris"
    assert part["seed"] == document["seed"] == 9  # the analysis's seed
    assert part["fit"]["draws"] == SUBSET < document["draws"]  # a subset of its draws
    assert part["run"] == {}  # run metadata only at the top
    assert set(document["run"]["sensitivity"]["wall_s"]) == {"fit", "play", "total"}
    outputs = part["outputs"]
    assert {"deal-12", "deal-24", "control", "line.NO", "line.SO"} <= set(outputs)
    assert any(name.startswith("accept.") for name in outputs)
    parameters = set(part["parameters"])
    assert "actors.SO.discount_factor" in parameters and "beliefs.log_m" in parameters
    varied = [o for o in outputs.values() if o["variance"] > 0]
    assert varied
    for output in varied:  # every parameter, with Morris's measures filled in
        assert set(output["indices"]) == parameters
        assert all(i["mu_star"] is not None and i["mu_star"] >= 0 and i["total"] is None
                   for i in output["indices"].values())
    # the loser's reservation point moves with its patience (test_sensitivity_line.py)
    assert outputs["line.SO"]["indices"]["actors.SO.discount_factor"]["mu_star"] > 0
    result = load_result(document)  # the nested part reads back exactly
    assert isinstance(result, AnalyzeResult) and result.to_dict() == document
    frame = result.to_frame("sensitivity")
    assert {"output", "parameter", "mu_star"} <= set(frame.columns)
    assert len(frame) == sum(len(o["indices"]) for o in outputs.values())


def test_report_has_the_section_and_says_the_draws(run):
    _, page, _ = run
    assert '<section id="sensitivity">' in page
    assert "<h2>What drives the answer</h2>" in page
    section = page.split('<section id="sensitivity">')[1].split("</section>")[0]
    assert f"the first {SUBSET} of the report's {DRAWS} draws, a subset" in section
    assert "Computed on a subset of draws" in section
    assert 'id="fig-sensitivity"' in section and "<table>" in section
    assert "mu*" in section and "actors.SO.discount_factor" in section
    assert f"{SAMPLES} trajectories" in section


def test_the_run_store_keeps_it(run):
    from ceasefire.store import RunStore

    document, _, store = run
    record = RunStore(store).get("last")
    assert record.kind == "analyze"
    assert record.result["sensitivity"] == document["sensitivity"]
    rows = RunStore(store).table(record.id, "sensitivity")
    assert rows and {r["output"] for r in rows} == set(document["sensitivity"]["outputs"])


def test_without_the_flag_there_is_none(tmp_path):
    status, out, err = _run("analyze", "tutorial", *FAST, "--no-report", "--no-store",
                            "--json")
    assert status == 0, err
    document = json.loads(out)
    assert document["sensitivity"] is None and "sensitivity" not in document["run"]


def test_a_bad_choice_is_refused_before_any_work(monkeypatch):
    import importlib

    workflow = importlib.import_module("ceasefire.workflows.analyze")

    def no_work(*args, **kwargs):
        raise AssertionError("the analysis started before the sensitivity was checked")

    monkeypatch.setattr(workflow, "run_analysis", no_work)
    with pytest.raises(InputError, match="power of two"):
        workflow.analyze("tutorial", draws=50, rng=1,
                         sensitivity=workflow.sensitivity_options(method="sobol", samples=6))
    with pytest.raises(InputError, match="names no output"):
        workflow.analyze("tutorial", draws=50, rng=1,
                         sensitivity=workflow.sensitivity_options(outputs=("line.XX",)))


def test_the_summary_names_what_drives_the_answer(run):
    from rich.console import Console

    from ceasefire.cli.analyze_cmds import print_summary

    document, _, _ = run
    result = load_result(document)
    console = Console(file=io.StringIO(), width=400)
    print_summary(console, result)
    text = " ".join(console.file.getvalue().split())
    assert "what drives the answer:" in text
    assert f"the game fitted on the first {SUBSET} of {DRAWS} draws, a subset" in text
    assert "mu*" in text
