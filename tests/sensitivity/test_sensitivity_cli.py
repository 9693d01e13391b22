"""``ceasefire sensitivity``: one JSON document, a tornado page, errors before any work."""

from __future__ import annotations

import json

import pytest

from ceasefire.results import SensitivityResult, load_result

FAST = ("--draws", "8", "--replicates", "1", "--fit-draws", "100", "--no-store",
        "--parameters", "actors.*.discount_factor", "--parameters", "beliefs.log_m")


def test_json_is_one_document_that_reads_back(cli):
    status, out, err = cli("sensitivity", "tutorial", *FAST, "--outputs", "deal,control",
                           "--seed", "3", "--json")
    assert status == 0, err
    document = json.loads(out)  # the whole of standard output is one document
    result = load_result(document)
    assert isinstance(result, SensitivityResult)
    assert set(result.outputs) == {"deal-12", "deal-24", "control"}
    assert set(result.parameters) == {"actors.NO.discount_factor",
                                      "actors.SO.discount_factor", "beliefs.log_m"}


def test_tables_and_a_tornado_page(cli, tmp_path):
    page = tmp_path / "figures" / "sensitivity.html"
    status, out, err = cli("sensitivity", "tutorial", *FAST, "--outputs", "control",
                           "--method", "morris", "--seed", "3", "--plot", str(page))
    assert status == 0, err
    assert "mu*" in out and "beliefs.log_m" in out
    text = page.read_text("utf-8")
    assert "tornado-" in text and "<table>" in text
    assert not list(page.parent.glob(".*.tmp-*"))  # written atomically, nothing left


@pytest.mark.parametrize(("argv", "message"), [
    (("--outputs", "deals"), "allowed: deal, accept, control, regions, line, all"),
    (("--outputs", "accept.peace.XX"), "names no output"),
    (("--method", "fast"), "allowed: sobol, morris"),
    (("--draws", "48"), "power of two"),
    (("--parameters", "nothing.*"), "matches no uncertain parameter"),
    (("--plot", "figure.png"), "HTML"),
])
def test_bad_choices_are_refused_with_the_valid_ones(cli, monkeypatch, argv, message):
    import ceasefire.bargaining.equilibrium as equilibrium

    def no_work(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")

    monkeypatch.setattr(equilibrium, "fit_game", no_work)
    status, out, err = cli("sensitivity", "tutorial", "--no-store", *argv)
    assert status == 1
    assert message in " ".join(err.split())
    assert out == ""


def test_list_shows_parameters_and_outputs(cli):
    status, out, err = cli("sensitivity", "tutorial", "--list", "--json")
    assert status == 0, err
    listing = json.loads(out)
    assert "levers.arms-package.happens" in listing["parameters"]
    assert "accept.freeze.NO" in listing["outputs"]
