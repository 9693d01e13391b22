"""What reaches the terminal: user text never read as markup, no control sequences,
``--json`` alone on stdout, bounded ``--draws``, shell completion and runnable examples."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from ceasefire.cli import app, common, complete, main

_ESC = "\x1b"
_EVIL = f"{_ESC}[31mRED{_ESC}]0;TITLE\x07{_ESC}[0m"


# --- user text read as markup ----------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["deals", "tutorial", "--draws", "50", "--near", "[/x]"],
    ["evidence", "tutorial", "[/x]"],
    ["whatif", "tutorial", "-n", "50", "--lever", "[/x]=on"],
    ["forecast", "tutorial", "--model", "[/x]"],
    ["show", "[/x].yaml"],
    ["validate", "[/x].yaml"],
    ["forecast", "tutorial", "--eum-preset", "[bold]x[/]"],
])
def test_user_text_is_never_read_as_markup(cli, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = cli(*argv)
    assert status in (1, 2)
    assert "Traceback" not in err and "MarkupError" not in err
    shown = next((word for word in argv if "[" in word), "")
    assert shown.split("=")[0] in out + err  # shown as typed, brackets included


def test_a_scenario_file_named_like_markup_works(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("new", "[/x].yaml", "--from", "tutorial")[0] == 0
    status, out, _ = cli("validate", "[/x].yaml")
    assert status == 0 and "ok: [/x].yaml" in out


def test_report_error_prints_brackets_literally(capsys):
    from ceasefire.errors import InputError

    common.report_error(InputError("--near '[/x]' [bold]names[/bold] nothing"))
    assert "'[/x]' [bold]names[/bold] nothing" in capsys.readouterr().err


# --- terminal escapes --------------------------------------------------------------------


def test_clean_removes_control_sequences_and_characters():
    assert common.clean(_EVIL) == "RED"
    assert common.clean("a\x00b\x7fc\x85d\tE\nF") == "abc d E\nF"  # breaks: one space
    assert common.clean("\x9b31mred") == "red"  # the one-byte CSI
    assert common.clean("Zaporizhzhia – 100 km²") == "Zaporizhzhia – 100 km²"


@pytest.fixture
def evil_scenario(tmp_path):
    """The tutorial with escape sequences in its name, an actor's and a proposal's name."""
    text = (Path(__file__).resolve().parents[2] / "src/ceasefire/scenario/builtin/tutorial.yaml"
            ).read_text("utf-8")
    evil = json.dumps(_EVIL)  # a YAML double-quoted scalar with \u001b escapes
    text = re.sub(r"(?m)^name: .*$", lambda m: f"name: {evil}", text, count=1)
    text = re.sub(r"(?m)^(\s+name: )North$", lambda m: m.group(1) + evil, text, count=1)
    path = tmp_path / "evil.yaml"
    path.write_text(text, "utf-8")
    return path


def test_show_strips_escapes_from_scenario_text(cli, evil_scenario):
    from ceasefire.scenario import load_scenario

    assert _ESC in load_scenario(str(evil_scenario)).name  # the file does carry them
    status, out, _ = cli("show", str(evil_scenario))
    assert status == 0
    assert _ESC not in out and "\x07" not in out and "TITLE" not in out
    assert "RED" in out


def test_analyze_strips_escapes_from_scenario_text(cli, evil_scenario):
    status, out, err = cli("analyze", str(evil_scenario), "-n", "60",
                           "--decomposition-draws", "20", "--no-report")
    assert status == 0, err
    assert _ESC not in out + err and "\x07" not in out + err


# --- --json alone on stdout --------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["scenarios"],
    ["show", "tutorial"],
    ["validate", "tutorial"],
    ["evidence", "tutorial"],
    ["forecast", "tutorial"],
    ["deals", "tutorial", "--draws", "60", "--seed", "1"],
    ["analyze", "tutorial", "-n", "60", "--decomposition-draws", "20", "--no-report"],
    ["whatif", "tutorial", "-n", "60", "--lever", "arms-package=off"],
    ["calibrate", "tutorial", "-n", "60"],
])
def test_json_is_alone_on_stdout_and_stderr_is_empty(cli, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = cli(*argv, "--json")
    assert status == 0, err
    assert err == ""
    assert isinstance(json.loads(out), dict)


def test_deals_json_with_export_still_prints_only_json(cli, tmp_path):
    target = tmp_path / "deals.csv"
    status, out, err = cli("deals", "tutorial", "--draws", "60", "--seed", "1", "--json",
                           "--export", str(target))
    assert status == 0 and err == ""
    assert json.loads(out)["kind"] == "deals" and target.is_file()


def test_progress_is_drawn_only_on_a_terminal(capsys):
    with common.progress(common.out_console, "working") as tell:
        tell("half", 0.5)
    assert capsys.readouterr() == ("", "")


# --- --draws bounds ----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["deals", "analyze", "whatif", "calibrate"])
def test_huge_draws_is_a_usage_error(cli, command):
    status, _, err = cli(command, "tutorial", "--draws", "99999999999999999999999",
                         "--lever", "arms-package=off") if command == "whatif" else \
        cli(command, "tutorial", "--draws", "99999999999999999999999")
    assert status == 2
    assert "Traceback" not in err and "OverflowError" not in err
    assert "--draws" in err and re.search(r"less than or equal to \d+", err)


def test_deals_help_states_the_draws_limit(cli):
    status, out, _ = cli("deals", "--help")
    assert status == 0 and re.search(r"at most\W+100,000", out)


# --- shell completion --------------------------------------------------------------------


class _Ctx:
    def __init__(self, **params):
        self.params, self.args, self.parent = params, [], None


def test_complete_scenarios_lists_builtins_and_yaml_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("id: mine\n")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "more").mkdir()
    values = [value for value, _ in complete.scenarios("")]
    assert {"tutorial", "alaska-2025", "mine.yaml", "more/"} <= set(values)
    assert "notes.txt" not in values
    assert [v for v, _ in complete.scenarios("tu")] == ["tutorial"]


def test_complete_levers_of_the_named_scenario():
    ctx = _Ctx(scenario="tutorial")
    values = [value for value, _ in complete.levers(ctx, "arms")]
    assert values == ["arms-package=on", "arms-package=off"]
    assert [v for v, _ in complete.levers(ctx, "arms-package=of")] == ["arms-package=off"]
    # the default scenario of analyze and whatif when none is named
    assert "us-arms-package-10bn=on" in [v for v, _ in complete.levers(_Ctx(), "us-")]


def test_complete_proposals_and_parameters():
    ctx = _Ctx(scenario="tutorial")
    assert [v for v, _ in complete.proposals(ctx, "")] == [
        "freeze", "east-for-guarantee", "all-for-relief"]
    paths = complete.parameters(ctx, "actors.NO.")
    assert "actors.NO.discount_factor=" in paths  # NO stays Norway-proof: a string id
    assert all(p.startswith("actors.NO.") and p.endswith("=") for p in paths)
    assert "regions.east-valley.control.NO=" in complete.parameters(ctx, "regions.east")
    assert complete.parameters(ctx, "actors.NO.discount_factor=0") == []


def test_every_completed_parameter_is_accepted_by_set():
    from ceasefire.scenario import load_scenario
    from ceasefire.scenario.edit import with_values

    scenario = load_scenario("tutorial")
    for path in complete.parameters(_Ctx(scenario="tutorial"), "actors."):
        with_values(scenario, {path[:-1]: 0.9 if "discount" in path else 0.5})


def test_a_broken_file_completes_nothing(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("levers: [\n")
    assert complete.levers(_Ctx(scenario=str(broken)), "") == []


def test_completion_end_to_end_through_the_environment():
    env = {**os.environ, "_CEASEFIRE_COMPLETE": "complete_bash",
           "COMP_WORDS": "ceasefire deals tutorial --draws 5 --near e", "COMP_CWORD": "6"}
    code = "import sys; from ceasefire.cli import main; sys.exit(main())"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == ["east-for-guarantee"], done.stderr


def test_completion_can_be_installed():
    status = main(["--help"])
    assert status == 0


# --- every example in every --help runs ------------------------------------------------


def _examples() -> list[tuple[str, str]]:
    command = typer.main.get_command(app)
    found = []
    for name, sub in command.commands.items():
        texts = " ".join(filter(None, [sub.help, sub.epilog]))
        plain = re.sub(r"\[/?[a-z ]*\]", "", texts)
        for line in re.findall(r"Example: (ceasefire [^\n]+)", plain):
            found += [(name, part.strip()) for part in line.split("  or  ")]
    return found


def test_every_command_has_an_example():
    commands = {name for name, _ in _examples()}
    assert commands >= {"scenarios", "show", "validate", "new", "schema", "evidence",
                        "analyze", "whatif", "calibrate", "deals", "forecast", "report"}


_SLOW = {"analyze", "whatif", "calibrate", "report"}


@pytest.mark.parametrize("command, example", [
    pytest.param(name, example, marks=[pytest.mark.slow] if name in _SLOW else [],
                 id=example[:70])
    for name, example in _examples()])
def test_help_example_runs(command, example, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my.yaml", "--from", "tutorial"]) == 0  # the file examples name
    capsys.readouterr()
    for part in example.split("&&"):
        argv = shlex.split(part)
        target = None
        if ">" in argv:  # a shell redirection of standard output
            argv, target = argv[: argv.index(">")], argv[argv.index(">") + 1]
        if argv[1] == "new" and Path(argv[2]).exists():
            Path(argv[2]).unlink()
        for flag in ("--draws", "-n"):  # keep the examples quick, as they are written
            if flag in argv:
                argv[argv.index(flag) + 1] = str(min(int(argv[argv.index(flag) + 1]), 300))
        status = main(argv[1:])
        out, err = capsys.readouterr()
        assert status == 0, f"{part}: {err}"
        if target is not None:
            Path(target).write_text(out)
