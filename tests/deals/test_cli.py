from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from ceasefire.cli import main
from ceasefire.results import DealsResult
from ceasefire.workflows import explore as explore_deals


def test_deals_json_is_one_document(capsys):
    assert main(["deals", "tutorial", "--draws", "200", "--seed", "1", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["kind"] == "deals" and document["seed"] == 1 and document["draws"] == 200
    assert set(document["solutions"]) >= {"nash", "kalai-smorodinsky", "egalitarian",
                                           "most-robust"}
    assert document["likely_settlement"]["p_all_veto_accept"]["p"] >= 0
    assert set(document["proposals"]) == {"freeze", "east-for-guarantee", "all-for-relief"}
    top = document["top"][0]
    assert set(top["terms"]) == {"valley-line", "sanctions-relief", "guarantee"}
    assert 0 <= top["p_all_veto_accept"]["p"] <= 1 and top["p_all_veto_accept"]["se"] >= 0
    assert "wall_s" in document["run"]


def test_same_seed_differs_only_under_run():
    a = explore_deals("tutorial", draws=200, rng=5).to_dict()
    b = explore_deals("tutorial", draws=200, rng=5).to_dict()
    a.pop("run"), b.pop("run")
    assert a == b


def test_result_round_trips():
    document = json.loads(json.dumps(explore_deals("tutorial", draws=100, rng=2).to_dict()))
    assert DealsResult.from_dict(document).to_dict() == document


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_export_writes_every_package(tmp_path, suffix, capsys):
    path = tmp_path / f"deals{suffix}"
    assert main(["deals", "tutorial", "--draws", "100", "--seed", "1", "--export",
                 str(path)]) == 0
    table = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
    assert len(table) == 12
    assert {"valley-line", "p_all_veto_accept", "surplus_NO", "p_accept_SO"} <= set(table)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left


def test_unknown_proposal_is_an_error_listing_the_known_ones(capsys):
    assert main(["deals", "tutorial", "--draws", "50", "--near", "nope"]) == 1
    err = capsys.readouterr().err
    assert "nope" in err and "freeze" in err


def test_no_stake_is_shown_as_such(capsys):
    # the patron PA holds a veto only over the terms it delivers (relief, guarantee): in
    # a package without them it has no stake, and is not shown as accepting it
    assert main(["deals", "tutorial", "--draws", "100", "--seed", "1", "--near",
                 "freeze"]) == 0
    out = capsys.readouterr().out
    assert "no stake" in out
    freeze = next(line for line in out.splitlines() if line.startswith("freeze "))
    assert "PA ·" in freeze and "PA 100%" not in freeze


def test_unknown_export_type_is_an_error(tmp_path, capsys):
    assert main(["deals", "tutorial", "--draws", "50", "--export",
                 str(tmp_path / "x.xlsx")]) == 1
    assert ".parquet" in capsys.readouterr().err


def test_help_has_an_example(capsys):
    main(["deals", "--help"])
    assert "ceasefire deals tutorial" in capsys.readouterr().out


def test_cli_import_stays_light():
    code = ("import sys, ceasefire.cli; "
            "print([m for m in ('plotly', 'scipy', 'pandas', 'numpy.linalg') "
            "if m in sys.modules and m != 'numpy.linalg'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_pareto_figure_has_points_and_frontier():
    from ceasefire.report.deal_figures import pareto_figure

    result = explore_deals("tutorial", draws=100, rng=1)
    figure = pareto_figure(result)
    assert [trace.name for trace in figure.data] == ["packages", "Pareto frontier"]
    cloud = result.cloud
    assert cloud.parties == ["NO", "SO"] and any(cloud.frontier)
    # read back from JSON, the result draws the same figure (the sample rides in it)
    again = pareto_figure(type(result).from_dict(result.to_dict()))
    assert again.to_dict() == figure.to_dict()
