"""``ceasefire runs`` and the recording of every command, as a user runs them."""

from __future__ import annotations

import json

import pytest

from ceasefire.cli import main

_ANALYZE = ("analyze", "tutorial", "--draws", "100", "--decomposition-draws", "10",
            "--no-report")


@pytest.fixture
def cli(capsys, monkeypatch, store_file):
    """Run ``ceasefire ARGV...`` with the store in a temporary file; (status, out, err)."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("CEASEFIRE_STORE", str(store_file))

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture(scope="module")
def _analysed_store(tmp_path_factory):
    """A store holding two analyze runs of the tutorial, seeds 3 and 4, made once."""
    import contextlib
    import io

    path = tmp_path_factory.mktemp("analysed") / "runs.duckdb"
    ids = []
    for seed in ("3", "4"):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            assert main([*_ANALYZE, "--seed", seed, "--json", "--store", str(path)]) == 0
        ids.append(json.loads(out.getvalue())["run"]["id"])
    return path, ids


@pytest.fixture
def two_analyses(_analysed_store, store_file):
    """Two analyze runs (ids, oldest first) in this test's own copy of the store."""
    import shutil

    path, ids = _analysed_store
    shutil.copy(path, store_file)
    return ids


def test_a_run_is_recorded_and_listed(cli, two_analyses, store_file):
    assert store_file.is_file()
    status, out, _ = cli("runs", "list", "--json")
    runs = json.loads(out)["runs"]
    assert status == 0 and [r["id"] for r in runs] == two_analyses[::-1]
    assert [r["seed"] for r in runs] == [4, 3] and runs[0]["command"] == "analyze"
    status, out, _ = cli("runs", "list")
    assert status == 0 and two_analyses[0] in out and "tutorial" in out


def test_show_gives_inputs_options_answer_and_tables(cli, two_analyses):
    status, out, _ = cli("runs", "show", two_analyses[0])
    assert status == 0
    for words in ("analyze", "tutorial", "seed", "draws=100", "likely settlement", "proposals"):
        assert words in out
    status, out, _ = cli("runs", "show", two_analyses[0][:5], "--json")
    record = json.loads(out)
    assert record["options"]["draws"] == 100 and record["seed"] == 3
    assert record["scenario"]["text"].lstrip().startswith(("#", "format_version", "id"))


def test_rerun_gives_the_identical_result(cli, two_analyses):
    status, out, _ = cli("runs", "rerun", two_analyses[0], "--json")
    document = json.loads(out)
    assert status == 0 and document["identical"] is True
    assert document["diff"]["counts"] == {"equal": document["diff"]["compared"]}
    # the rerun is recorded as one, with the same seed
    status, out, _ = cli("runs", "show", "last", "--json")
    rerun = json.loads(out)
    assert rerun["id"] == document["rerun"] and rerun["seed"] == 3
    assert rerun["result"]["run"]["rerun_of"] == two_analyses[0]
    status, out, _ = cli("runs", "rerun", two_analyses[0], "--no-store")
    assert status == 0 and "identical result" in out


def test_rerun_of_a_drawn_seed_uses_the_seed_recorded(cli):
    status, out, _ = cli("deals", "tutorial", "--draws", "100", "--json")
    assert status == 0
    status, out, _ = cli("runs", "rerun", "last", "--no-store", "--json")
    assert status == 0 and json.loads(out)["identical"] is True


def test_diff_names_the_seed_and_ranks_the_changed_figures(cli, two_analyses):
    status, out, _ = cli("runs", "diff", *two_analyses, "--json")
    document = json.loads(out)
    assert status == 0 and not document["identical"]
    assert {"name": "seed", "a": 3, "b": 4} in document["inputs"]
    statuses = {c["status"] for c in document["changes"]}
    assert statuses <= {"beyond-error", "within-error", "changed", "only-a", "only-b"}
    assert all(c["se"] is not None for c in document["changes"]
               if c["status"] in ("beyond-error", "within-error"))
    status, out, _ = cli("runs", "diff", *two_analyses, "--top", "3")
    assert status == 0 and "Inputs that differ" in out and "figures compared" in out


def test_diff_of_two_scenarios_on_one_seed_names_the_scenario_fields(cli, tmp_path):
    from ceasefire.cli.common import scenario_text

    text = scenario_text("tutorial")
    changed = tmp_path / "tutorial-patient.yaml"
    old = "discount_factor: {low: 0.96, mode: 0.98, high: 0.99}"
    assert old in text
    changed.write_text(text.replace(old, "discount_factor: 0.97", 1))
    ids = []
    for scenario in ("tutorial", str(changed)):
        status, out, _ = cli("forecast", scenario, "--json")
        assert status == 0
        ids.append(json.loads(out)["run"]["id"])
    status, out, _ = cli("runs", "diff", *ids, "--json")
    names = [i["name"] for i in json.loads(out)["inputs"]]
    assert "scenario.hash" in names
    assert any(n.startswith("scenario:actors.") and n.endswith(".discount_factor")
               for n in names)


def test_no_store_records_nothing(cli, store_file):
    status, _, _ = cli("forecast", "tutorial", "--no-store")
    assert status == 0 and not store_file.exists()


def test_store_option_wins_over_the_environment(cli, tmp_path, store_file):
    elsewhere = tmp_path / "elsewhere" / "runs.duckdb"
    status, _, _ = cli("forecast", "tutorial", "--store", str(elsewhere))
    assert status == 0 and elsewhere.is_file() and not store_file.exists()
    status, out, _ = cli("runs", "list", "--store", str(elsewhere), "--json")
    assert len(json.loads(out)["runs"]) == 1


def test_a_bad_store_fails_before_any_work(cli, tmp_path):
    status, out, err = cli(*_ANALYZE, "--store", str(tmp_path))
    assert status == 1 and out == "" and "is a folder" in err
    bad = tmp_path / "x.duckdb"
    bad.write_text("not a database" * 10)
    status, _, err = cli(*_ANALYZE, "--store", str(bad))
    assert status == 1 and "not a DuckDB database file" in " ".join(err.split())


def test_unknown_run_is_a_clear_error(cli, two_analyses):
    for argv in (("runs", "show", "ffffffff"), ("runs", "rerun", "ffffffff"),
                 ("runs", "diff", "ffffffff", "last"), ("report", "ffffffff")):
        status, _, err = cli(*argv)
        assert status == 1 and "no such run" in err and "ceasefire runs list" in err, argv


def test_export_writes_the_record_the_result_the_scenario_and_a_table(cli, two_analyses,
                                                                        tmp_path):
    run_id = two_analyses[0]
    status, out, _ = cli("runs", "export", run_id)
    assert status == 0 and json.loads(out)["id"] == run_id
    target = tmp_path / "result.json"
    status, _, _ = cli("runs", "export", run_id, "--result", "--out", str(target))
    from ceasefire.results import load_result

    assert status == 0 and load_result(json.loads(target.read_text())).seed == 3
    status, out, _ = cli("runs", "export", run_id, "--scenario")
    assert status == 0 and "tutorial" in out
    status, out, _ = cli("runs", "export", run_id, "--table", "proposals")
    assert status == 0 and out.splitlines()[0].startswith("proposal,actor,p,se")
    status, _, err = cli("runs", "export", run_id, "--table", "nothing")
    assert status == 1 and "no table 'nothing'" in err


def test_rm_removes_runs(cli, two_analyses):
    status, out, _ = cli("runs", "rm", two_analyses[0])
    assert status == 0 and "removed 1 run" in out
    status, out, _ = cli("runs", "list", "--json")
    assert [r["id"] for r in json.loads(out)["runs"]] == [two_analyses[1]]


def test_report_renders_a_stored_run(cli, two_analyses, tmp_path):
    pytest.importorskip("plotly")
    status, _, _ = cli("report", two_analyses[0], "--out", str(tmp_path / "report"))
    assert status == 0 and (tmp_path / "report" / "report.html").is_file()
