"""``ceasefire negotiate`` and its result: one JSON document, clear errors before any work,
reproducible with a seed, and the same forecast as ``analyze`` on the same draws."""

from __future__ import annotations

import json
from functools import cache

import jsonschema
import pytest

from ceasefire.cli import main
from ceasefire.errors import InputError
from ceasefire.results import NegotiationResult, load_result, result_schema
from ceasefire.workflows import negotiate as negotiate_module
from ceasefire.workflows.negotiate import negotiate

RUNS = 120


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@cache
def _result(*strategies: str) -> NegotiationResult:
    return negotiate("tutorial", runs=RUNS, draw=2, strategies=strategies, rng=4)


def test_json_is_one_document_that_round_trips(capsys):
    status, out, err = _cli(capsys, "negotiate", "tutorial", "--runs", str(RUNS), "--seed",
                            "4", "--draw", "2", "--strategy", "NO=boulware", "--json")
    assert status == 0, err
    document = json.loads(out)  # the whole of stdout is one document
    assert document["kind"] == "negotiate" and document["seed"] == 4
    assert document["draws"] == RUNS and document["transcript"]["draw"] == 2
    errors = list(jsonschema.Draft202012Validator(result_schema("negotiate"))
                  .iter_errors(document))
    assert not errors, [e.message[:200] for e in errors[:3]]
    back = load_result(document)
    assert isinstance(back, NegotiationResult) and back.to_dict() == document
    assert back.comparison is not None and back.equilibrium is not None


def test_the_same_seed_gives_the_same_talks():
    first = negotiate("tutorial", runs=60, draw=5, rng=9, strategies=("SO=conceder",))
    again = negotiate("tutorial", runs=60, draw=5, rng=9, strategies=("SO=conceder",))
    assert {k: v for k, v in first.to_dict().items() if k != "run"} == {
        k: v for k, v in again.to_dict().items() if k != "run"}


def test_the_equilibrium_batch_is_analyze_s_forecast_on_the_same_draws():
    import ceasefire

    analysed = ceasefire.analyze("tutorial", draws=RUNS, rng=4, decomposition_draws=20,
                                 leverage=False)
    told = _result()
    assert told.batch.by_month == analysed.agreement.by_month
    assert told.batch.packages == analysed.agreement.packages
    assert told.batch.narrow_at_least_one_by == analysed.agreement.narrow.at_least_one_by
    assert told.comparison is None and told.equilibrium is None


def test_analyze_carries_the_typical_transcript_and_the_batch():
    import ceasefire

    analysed = ceasefire.analyze("tutorial", draws=RUNS, rng=4, decomposition_draws=20,
                                 leverage=False)
    talks = analysed.negotiation
    assert talks is not None
    assert talks.batch.by_month == analysed.agreement.by_month
    assert "median" in talks.transcript.rule
    document = analysed.to_dict()
    assert type(analysed).from_dict(document).to_dict() == document


def test_the_result_reads_well(capsys):
    result = _result("NO=boulware")
    text = repr(result)
    assert len(text) < 1000 and "NegotiationResult" in text and "NO=boulware" in text
    assert set(result.TABLES) >= {"transcript", "by_month", "packages", "concessions"}
    frame = result.to_frame("transcript")
    assert len(frame) == len(result.transcript.months) and "outcome" in frame.columns
    assert len(result.to_frame("comparison")) == len(result.batch.by_month)


def test_the_human_output_tells_the_months_then_the_batch(capsys):
    status, out, err = _cli(capsys, "negotiate", "tutorial", "--runs", str(RUNS), "--seed",
                            "4", "--draw", "2")
    assert status == 0, err
    first = _result().transcript.months[0].month
    assert first in out and "Over 120 runs" in out and "Concessions" in out
    assert "against the equilibrium" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_the_comparison_is_printed_with_a_strategy(capsys):
    status, out, err = _cli(capsys, "negotiate", "tutorial", "--runs", str(RUNS), "--seed",
                            "4", "--strategy", "NO=boulware")
    assert status == 0, err
    assert "NO=boulware against the equilibrium, same draws" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--strategy", "XX=boulware"], "unknown player 'XX'"),
    (["--strategy", "NO=stubborn"], "stubborn"),
    (["--strategy", "NO"], "expected PLAYER=STRATEGY"),
    (["--strategy", "NO=single-text"], "mediator"),
    (["--draw", "50", "--runs", "50"], "--draw 50"),
])
def test_bad_arguments_fail_before_any_work(capsys, monkeypatch, argv, message):
    def refuse(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")

    monkeypatch.setattr(negotiate_module, "prepare", refuse)
    status, out, err = _cli(capsys, "negotiate", "tutorial", *argv, "--json")
    assert status == 1 and out == ""
    assert message in err


def test_a_scenario_without_proposals_is_refused():
    from ceasefire.scenario import load_scenario

    bare = load_scenario("tutorial").model_copy(update={"proposals": []})
    with pytest.raises(InputError, match="no proposals"):
        negotiate(bare, runs=10)
