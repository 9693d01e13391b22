"""``ceasefire sweep``: JSON alone on stdout, tables for people, errors that name the fix."""

from __future__ import annotations

import json
import socket

import pytest

from ceasefire.cli import main
from ceasefire.results import load_result

SMALL = ("tutorial", "--draws", "120", "--block", "50", "--seed", "8", "--fit-draws", "80",
         "--candidates", "12", "--fitting-paths", "1", "--no-store")


@pytest.fixture
def cli(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_json_is_the_only_thing_on_stdout_and_reads_back(cli):
    status, out, err = cli("sweep", *SMALL, "--json")
    assert status == 0, err
    document = json.loads(out)
    result = load_result(document)
    assert result.kind == "sweep" and result.draws == 120 and result.blocks == 3
    assert result.to_dict() == document


def test_the_summary_shows_the_answers(cli):
    status, out, _ = cli("sweep", *SMALL)
    assert status == 0
    for words in ("P(deal within 12 months)", "Agreed packages", "Acceptance now",
                  "Control at", "120 draws in 3 blocks, in process"):
        assert words in out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("argv", "words"), [
    (("--workers", "0"), ["--workers", "got 0", "--workers 2"]),
    (("--block", "0"), ["--block", "got 0"]),
    (("--draws", "-5"), ["--draws", "got -5"]),
    (("--scheduler", "no-port"), ["--scheduler", "tcp://HOST:PORT"]),
    (("--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"), ["give one of them"]),
])
def test_bad_options_give_one_line_naming_the_option_and_the_fix(cli, argv, words):
    status, out, err = cli("sweep", *SMALL, *argv, "--json")
    assert status == 1 and out == ""
    assert err.startswith("error:") and all(w in err for w in words), err


def test_an_unreachable_scheduler_is_refused_before_the_fit(cli, monkeypatch):
    def no_fit(*args, **kwargs):
        raise AssertionError("fitted before checking the scheduler")

    monkeypatch.setattr("ceasefire.bargaining.equilibrium.fit_game", no_fit)
    address = f"tcp://127.0.0.1:{_free_port()}"
    status, _, err = cli("sweep", *SMALL, "--scheduler", address)
    assert status == 1 and "no Dask scheduler answers" in err and "dask scheduler" in err
