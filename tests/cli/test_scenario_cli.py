"""The scenario commands: scenarios, show, validate, new, schema, evidence."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from ceasefire.cli import main
from ceasefire.scenario import builtin_names, load_scenario

SCENARIO_TESTS = Path(__file__).resolve().parents[1] / "scenario"
MINIMAL = SCENARIO_TESTS / "minimal.yaml"




@pytest.fixture
def three_problems(tmp_path):
    text = (MINIMAL.read_text()
            .replace("    province: Valleys", "    provnce: Valleys")
            .replace("discount_factor: 0.98\n", "discount_factor: 98\n")
            .replace("area_km2: 1000", "area_km2: -5"))
    path = tmp_path / "three.yaml"
    path.write_text(text)
    return path


def test_scenarios_lists_the_builtins(cli):
    status, out, _ = cli("scenarios")
    assert status == 0
    assert "tutorial" in out and "2030-01-15" in out and "3 actors" in out
    assert max(map(len, out.splitlines())) <= 80


def test_scenarios_json(cli):
    status, out, _ = cli("scenarios", "--json")
    document = json.loads(out)
    assert status == 0 and document["kind"] == "scenarios"
    assert set(document["scenarios"]) == set(builtin_names())
    assert document["scenarios"]["tutorial"]["counts"]["regions"] == 3


def test_show_tutorial_reads_well_at_80_columns(cli):
    status, out, _ = cli("show", "tutorial")
    assert status == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    for heading in ("Actors", "Regions", "Levers", "Issues", "Proposals",
                    "Stakeholder dimensions", "Evidence"):
        assert heading in [line.strip() for line in lines]
    assert "NO 50% SO 50%" in out          # control percentages
    assert "████████▓▓▓▓▓▓▓▓" in out       # and bars
    assert "21,500 km²" in out             # total area
    assert "2030-03" in out and "70%" in out  # the arms package starts in month 2
    assert "deal space: 12 packages" in out
    assert "east-for-guarantee" in out and "guarantee=patron-guarantee" in out
    assert re.search(r"modelling-assumption +11", out)
    assert "0.98 (0.96–0.99)" in out       # an uncertain discount factor
    # ids are never split across lines (the descriptive text wraps instead)
    for identifier in ("east-for-guarantee", "export-sanctions", "arms-package", "valley-line",
                       "north-heartland", "all-for-relief"):
        assert identifier in out


def test_show_keeps_the_longest_ids_whole(cli):
    status, out, _ = cli("show", "alaska-2025")
    assert status == 0 and max(map(len, out.splitlines())) <= 80
    for identifier in ("donetsk-for-zaporizhzhia-kherson", "long-range-strikes-on-russia",
                       "zaporizhzhia-ru-held", "secondary-tariffs-ultimatum",
                       "sumy-border=russian-withdrawal", "znpp-zone=iaea-demilitarised"):
        assert identifier in out


def test_show_in_a_real_80_column_process():
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-m", "ceasefire.cli", "show", "tutorial"],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0 and "No module named ceasefire.cli.__main__" in done.stderr:
        done = subprocess.run([sys.executable, "-c", "import sys; from ceasefire.cli import main;"
                               " sys.exit(main(sys.argv[1:]))", "show", "tutorial"],
                              capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert max(map(len, done.stdout.splitlines())) <= 80
    assert "Regions" in done.stdout


def test_show_json_holds_the_whole_scenario(cli):
    status, out, _ = cli("show", str(MINIMAL), "--json")
    document = json.loads(out)
    assert status == 0 and document["kind"] == "show"
    assert document["scenario"]["id"] == "mini"
    assert document["data"]["regions"][0]["control"] == {"NO": 0.6, "SO": 0.4}
    assert document["deal_space"] == 2


def test_validate_ok(cli):
    status, out, _ = cli("validate", str(MINIMAL))
    assert status == 0
    assert out.startswith(f"ok: {MINIMAL}: 2 actors, 1 region, 1 lever, 1 issue, 1 proposal")


def test_validate_reports_every_problem_once_per_line(cli, three_problems):
    status, out, err = cli("validate", str(three_problems))
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == f"error: {three_problems}: 4 problems"
    problems = lines[1:]
    assert len(problems) == 4
    assert all(line.startswith(f"  {three_problems}:") for line in problems)
    assert any(":12: actors[NO].discount_factor: expected a value in (0, 1), got 98" in line
               and "did you mean 0.98?" in line for line in problems)
    assert any("regions[valley].provnce: unknown field (hint: did you mean 'province'?)" in line
               for line in problems)
    assert "Traceback" not in out + err


def test_validate_three_problems_three_lines(cli, tmp_path):
    text = (MINIMAL.read_text()
            .replace("control: {NO: 0.6, SO: 0.4}", "control: {NO: 0.6, XX: 0.4}")
            .replace("terms: {valley-fate: to-north}", "terms: {valley-fate: to-south}")
            .replace("path: economy.NO.export_loss", "path: economy.NO.nothing"))
    path = tmp_path / "x.yaml"
    path.write_text(text)
    status, out, _ = cli("validate", str(path))
    assert status == 1
    assert len(out.splitlines()) == 1 + 3


def test_validate_json(cli, three_problems):
    status, out, _ = cli("validate", str(three_problems), "--json")
    document = json.loads(out)  # JSON only on stdout
    assert status == 1
    assert document["valid"] is False
    assert len(document["problems"]) == 4
    first = document["problems"][0]
    assert set(first) == {"file", "line", "path", "message", "hint"}
    assert first["file"] == str(three_problems) and isinstance(first["line"], int)


def test_validate_json_ok(cli):
    status, out, _ = cli("validate", "tutorial", "--json")
    document = json.loads(out)
    assert status == 0 and document["valid"] is True and document["problems"] == []
    assert document["scenario"]["hash"].startswith("sha256:")


def test_validate_strict_needs_evidence_for_every_number(cli, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL.read_text().replace(
        "    reserves: 40\n", "    reserves: 40\n    war_spending_per_month: 3\n"))
    assert cli("validate", str(path))[0] == 0
    status, out, _ = cli("validate", str(path), "--strict")
    assert status == 1
    assert "economy[NO].war_spending_per_month: war_spending_per_month has no evidence" in out


def test_validate_missing_file(cli):
    status, out, err = cli("validate", "no-such-file.yaml")
    assert status == 1
    assert "no such file or built-in scenario" in out + err
    assert "Traceback" not in out + err


def test_errors_of_other_commands_are_short_without_debug(cli, three_problems):
    status, out, err = cli("show", str(three_problems))
    assert status == 1
    assert "4 problem" in err and "Traceback" not in out + err


def test_debug_shows_the_traceback(three_problems):
    from ceasefire.errors import ScenarioError

    with pytest.raises(ScenarioError):
        main(["--debug", "show", str(three_problems)])


def test_cli_process_exits_1_without_traceback(three_problems):
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from ceasefire.cli import main; "
         "sys.exit(main(sys.argv[1:]))", "validate", str(three_problems)],
        capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert len([line for line in done.stdout.splitlines() if line.startswith("  ")]) == 4


def test_new_copies_a_builtin_that_validates(cli, tmp_path):
    target = tmp_path / "mine.yaml"
    status, out, _ = cli("new", str(target), "--from", "tutorial")
    assert status == 0 and f"wrote {target}" in out
    copy = load_scenario(target)
    assert copy == load_scenario("tutorial")  # evidence included
    assert len(copy.evidence) == len(load_scenario("tutorial").evidence) == 11
    assert cli("validate", str(target))[0] == 0
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_new_refuses_to_overwrite(cli, tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("precious\n")
    status, _, err = cli("new", str(target), "--from", "tutorial")
    assert status == 1
    assert "already exists" in err and "--force" in err
    assert target.read_text() == "precious\n"
    assert cli("new", str(target), "--from", "tutorial", "--force")[0] == 0
    assert load_scenario(target).id == "tutorial"


def test_new_from_an_unknown_name(cli, tmp_path):
    status, _, err = cli("new", str(tmp_path / "x.yaml"), "--from", "atlantis")
    assert status == 1 and "tutorial" in err
    assert not (tmp_path / "x.yaml").exists()


def test_schema_to_stdout_and_to_a_file(cli, tmp_path):
    status, out, _ = cli("schema")
    schema = json.loads(out)
    assert status == 0
    jsonschema.Draft202012Validator.check_schema(schema)
    target = tmp_path / "sub" / "scenario.schema.json"
    assert cli("schema", "--out", str(target))[0] == 0
    assert json.loads(target.read_text()) == schema


def test_evidence_for_a_parameter(cli):
    status, out, _ = cli("evidence", str(MINIMAL), "regions.valley.control")
    assert status == 0
    assert out.splitlines()[0] == "1 claim behind regions.valley.control in mini"
    assert "front-report · confirmed · Example News · 2030-01-10" in out
    assert "supports: regions.valley.control (and 5 other parameters)" in out
    assert max(map(len, out.splitlines())) <= 80


def test_evidence_all_claims_json(cli):
    status, out, _ = cli("evidence", str(MINIMAL), "--json")
    document = json.loads(out)
    assert status == 0 and document["kind"] == "evidence" and document["path"] is None
    assert list(document["claims"]) == ["front-report", "judgement"]
    judgement = document["claims"]["judgement"]
    assert judgement["grade"] == "modelling-assumption" and judgement["disputed"] is False
    assert judgement["supports"] == ["actors.NO.discount_factor", "actors.SO.discount_factor",
                                     "issues.valley-fate.options.to-north.control"]
    assert document["claims"]["front-report"]["source"]["date"] == "2030-01-10"


def test_evidence_shows_disputed_claims(cli, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(MINIMAL.read_text().replace(
        "    grade: confirmed\n", "    grade: unconfirmed\n    disputed: true\n"))
    status, out, _ = cli("evidence", str(path), "actors.NO")
    assert status == 0 and "DISPUTED" not in out  # actors.NO cites only the judgement
    status, out, _ = cli("evidence", str(path), "economy.NO")
    assert "front-report · unconfirmed · Example News · 2030-01-10 · DISPUTED" in out


def test_evidence_for_a_path_that_names_nothing(cli):
    status, _, err = cli("evidence", "tutorial", "regions.atlantis")
    assert status == 1
    assert "names no record or parameter" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["scenarios", "show", "validate", "new", "schema",
                                     "evidence"])
def test_every_command_has_help_with_an_example(cli, command):
    status, out, _ = cli(command, "--help")
    assert status == 0
    assert "Example: ceasefire " + command in " ".join(out.split())


def test_alaska_evidence_for_a_region_when_present(cli):
    if "alaska-2025" not in builtin_names():
        pytest.skip("alaska-2025 is not there yet")
    from ceasefire.errors import ScenarioError

    try:
        scenario = load_scenario("alaska-2025")
    except ScenarioError:
        pytest.skip("alaska-2025 does not validate yet")
    region = scenario.regions[0].id
    status, out, _ = cli("evidence", "alaska-2025", f"regions.{region}.control")
    assert status == 0 and f"regions.{region}.control" in out
    status, out, _ = cli("show", "alaska-2025")
    assert status == 0 and max(map(len, out.splitlines())) <= 80
