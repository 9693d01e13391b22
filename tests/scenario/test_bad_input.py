"""Bad input found by fuzzing (issue 12): each gives a clear error, or is handled.

A file that validates must never crash a command: each reproducer is either refused by
``validate`` with its place and a fix, or runs through ``analyze``, ``deals`` and
``forecast``. Reproducers are built from the minimal scenario, changed one thing at a time.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from helpers_scenario import minimal_text

from ceasefire.errors import MAX_LISTED_PROBLEMS, InputError, ScenarioError
from ceasefire.scenario import load_scenario, read_scenario_text, scenario_to_dict
from ceasefire.scenario.checks import MAX_OPTIONS, MAX_OPTIONS_PER_ISSUE
from ceasefire.scenario.compile import compile_scenario
from ceasefire.scenario.loading import MAX_DEPTH, _Loader
from ceasefire.scenario.text import printable

FILE = "bad.yaml"
MINIMAL: dict[str, Any] = yaml.load(minimal_text(), Loader=_Loader)


def mutated(change) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    change(data)
    return data


def problems_of(text: str) -> list:
    with pytest.raises(ScenarioError) as caught:
        read_scenario_text(text, file=FILE)
    return caught.value.problems


def only(data_or_text: dict[str, Any] | str):
    text = data_or_text if isinstance(data_or_text, str) else yaml.safe_dump(data_or_text)
    problems = problems_of(text)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# --- validate crashed ----------------------------------------------------------------------


def test_recursive_alias_is_refused_at_its_line():
    text = minimal_text() + "a: &a [*a]\n"
    problem = only(text)
    assert "recursive alias" in problem.message
    assert problem.line == len(text.splitlines())
    assert "write the value out" in problem.hint


def test_billion_laughs_is_refused_without_expanding():
    levels = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * 9)}]" for k in range(1, 10)]
    problem = only(minimal_text() + "\n".join(levels) + "\n")
    assert "expands to more than" in problem.message
    assert "aliases" in problem.message


def test_small_aliases_are_still_allowed():
    text = minimal_text().replace("    sources: {reserves: [front-report]}",
                                  "    sources: &cite {reserves: [front-report]}")
    assert read_scenario_text(text, file=FILE).economy[0].sources == {"reserves": ["front-report"]}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 100_000])
def test_deep_nesting_is_refused(depth):
    problem = only(minimal_text() + "deep: " + "[" * depth + "]" * depth + "\n")
    assert "nest" in problem.message


def test_many_unknown_keys_are_counted_not_all_listed():
    count = 5_000
    text = minimal_text() + "".join(f"unknown-{k}: 1\n" for k in range(count))
    with pytest.raises(ScenarioError) as caught:
        read_scenario_text(text, file=FILE)
    error = caught.value
    assert error.total == count
    assert len(error.problems) == MAX_LISTED_PROBLEMS + 1
    assert error.problems[0].line == len(minimal_text().splitlines()) + 1
    assert error.problems[-1].message == f"\u2026 and {count - MAX_LISTED_PROBLEMS:,} more problems"
    assert f"{count:,} problems" in str(error)


# --- numbers that validated, then broke a command -------------------------------------------

def _region(data, key, value):
    data["regions"][0][key] = value


NUMBERS = {
    "value-nan": (lambda d: _region(d, "value", {"NO": float("nan")}),
                  "regions[valley].value.NO", "finite"),
    "value-inf": (lambda d: _region(d, "value", {"NO": float("-inf")}),
                  "regions[valley].value.NO", "finite"),
    "value-huge": (lambda d: _region(d, "value", {"NO": 1e308}),
                   "regions[valley].value.NO", "magnitude"),
    "area-inf": (lambda d: _region(d, "area_km2", float("inf")),
                 "regions[valley].area_km2", "finite"),
    "pert-nan": (lambda d: _region(d, "value", {"NO": {"low": 0, "mode": float("nan"),
                                                        "high": 1}}),
                 "regions[valley].value.NO.mode", "finite"),
    "lognormal-overflow": (lambda d: _region(d, "value", {"NO": {"dist": "lognormal",
                                                                  "mu": 1000, "sigma": 0}}),
                           "regions[valley].value.NO", "lognormal"),
    "normal-wide": (lambda d: _region(d, "value", {"NO": {"dist": "normal", "mean": 0,
                                                           "sd": 5e14}}),
                    "regions[valley].value.NO", "normal"),
    "uniform-huge": (lambda d: _region(d, "value", {"NO": {"dist": "uniform", "low": -1e308,
                                                            "high": 1e308}}),
                     "regions[valley].value.NO.low", "magnitude"),
    "discount-nan": (lambda d: d["actors"][0].update(discount_factor=float("nan")),
                     "actors[NO].discount_factor", "finite"),
}


@pytest.mark.parametrize("case", sorted(NUMBERS))
def test_non_finite_or_huge_numbers_are_refused_with_their_path(case):
    change, path, word = NUMBERS[case]
    problems = problems_of(yaml.safe_dump(mutated(change)))
    assert path in [p.path for p in problems], "\n".join(map(str, problems))
    problem = next(p for p in problems if p.path == path)
    assert word in problem.message
    assert problem.line is not None


def test_stakeholder_scale_must_be_finite():
    data = scenario_to_dict(load_scenario("tutorial"))
    data["stakeholders"]["dimensions"][0]["scale"]["high"] = float("inf")
    problems = problems_of(yaml.safe_dump(data))
    assert any(p.path.endswith("scale.high") and "finite" in p.message for p in problems)


# --- the structure validated, then broke a command ------------------------------------------


def test_no_actor_with_a_veto_is_refused():
    def no_veto(data):
        for actor in data["actors"]:
            actor.pop("veto")

    problem = only(mutated(no_veto))
    assert problem.path == "actors"
    assert "no actor holds a veto" in problem.message
    assert "veto: all" in problem.hint


def _line_issue(gainer: str, loser: str):
    def change(data):
        data["actors"].append({"id": "PA", "name": "Patron", "role": "patron", "side": "SO",
                               "discount_factor": 0.98})
        data["issues"].append({
            "id": "line", "name": "Line", "kind": "line", "default": "freeze",
            "line": {"regions": ["valley"], "gainer": gainer, "loser": loser,
                     "reference_area_km2": 100},
            "options": [{"id": "freeze", "x": 0}, {"id": "half", "x": 50}]})
    return change


def test_line_gainer_must_be_a_belligerent():
    problem = only(mutated(_line_issue("PA", "SO")))
    assert problem.path == "issues[line].line.gainer"
    assert "'PA' is not a belligerent" in problem.message
    assert "NO, SO" in problem.hint


def test_line_gainer_and_loser_differ():
    problem = only(mutated(_line_issue("SO", "SO")))
    assert problem.path == "issues[line].line.loser"


def test_options_per_issue_are_bounded():
    def many(data):
        data["issues"][0]["options"] += [{"id": f"o-{k}", "control": {"NO": 0.5}}
                                         for k in range(MAX_OPTIONS_PER_ISSUE)]
    problem = only(mutated(many))
    assert problem.path == "issues[valley-fate].options"
    assert f"at most {MAX_OPTIONS_PER_ISSUE}" in problem.message


def test_options_of_all_issues_are_bounded():
    def many(data):
        per = MAX_OPTIONS_PER_ISSUE - 1
        for k in range(MAX_OPTIONS // per + 1):
            data["issues"].append({"id": f"term-{k}", "name": "T", "kind": "term",
                                   "default": "o-0",
                                   "options": [{"id": f"o-{j}"} for j in range(per)]})
    problem = only(mutated(many))
    assert problem.path == "issues"
    assert f"at most {MAX_OPTIONS}" in problem.message


# --- the commands: clear errors, or correct output --------------------------------------------


REFUSED = {
    "nan": lambda d: _region(d, "value", {"NO": float("nan")}),
    "no-veto": lambda d: [a.pop("veto") for a in d["actors"]],
    "patron-gainer": _line_issue("PA", "SO"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
@pytest.mark.parametrize("command", [
    ("validate",),
    ("analyze", "--draws", "50", "--no-report", "--json"),
    ("deals", "--draws", "50", "--json"),
])
def test_commands_refuse_a_bad_file_cleanly(cli, tmp_path, case, command):
    path = tmp_path / f"{case}.yaml"
    path.write_text(yaml.safe_dump(mutated(REFUSED[case])), "utf-8")
    status, out, err = cli(command[0], str(path), *command[1:])
    assert status in (1, 2)
    assert "Traceback" not in out + err
    assert f"{path.name}:" in out + err  # the place: file and line
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no partial file


def _no_proposals(data):
    data.pop("proposals")


def _no_issues(data):
    data.pop("proposals")
    data.pop("issues")


@pytest.mark.parametrize("change", [_no_proposals, _no_issues])
def test_analyze_runs_without_proposals(cli, tmp_path, change):
    path = tmp_path / "bare.yaml"
    path.write_text(yaml.safe_dump(mutated(change)), "utf-8")
    assert cli("validate", str(path))[0] == 0
    status, out, err = cli("analyze", str(path), "--draws", "50", "--no-report", "--json")
    assert status == 0, err
    document = json.loads(out)
    assert document["kind"] == "analyze"
    assert "Traceback" not in err


def test_deals_without_issues_says_so(cli, tmp_path):
    path = tmp_path / "bare.yaml"
    path.write_text(yaml.safe_dump(mutated(_no_issues)), "utf-8")
    status, _, err = cli("deals", str(path), "--draws", "50", "--json")
    assert status == 1
    assert "declares no issues" in err
    assert "Traceback" not in err


def test_deals_without_proposals_runs(cli, tmp_path):
    path = tmp_path / "bare.yaml"
    path.write_text(yaml.safe_dump(mutated(_no_proposals)), "utf-8")
    status, out, err = cli("deals", str(path), "--draws", "50", "--json")
    assert status == 0, err
    assert json.loads(out)["kind"] == "deals"


def test_validate_refuses_recursive_alias_on_the_command_line(cli, tmp_path):
    path = tmp_path / "alias.yaml"
    path.write_text(minimal_text() + "a: &a [*a]\n", "utf-8")
    status, out, err = cli("validate", str(path))
    assert status == 1
    assert "recursive alias" in out + err
    assert "Traceback" not in out + err


# --- strict compiled parameters --------------------------------------------------------------


@pytest.fixture(scope="module")
def compiled():
    return compile_scenario(load_scenario("tutorial"), draws=8, rng=3)


def test_a_misspelt_parameter_is_an_error_naming_the_nearest(compiled):
    with pytest.raises(InputError) as caught:
        compiled.get("economy.NO.export_los")
    message = str(caught.value)
    assert "'economy.NO.export_los'" in message
    assert "did you mean 'economy.NO.export_loss'" in message


@pytest.mark.parametrize("path", ["forces.NO.combat_powr", "regions.nowhere.area_km2",
                                  "actors.NO.discount"])
def test_unknown_paths_never_default_to_zero(compiled, path):
    with pytest.raises(InputError, match="unknown parameter path"):
        compiled.get(path, 0.0)
    with pytest.raises(InputError, match="unknown parameter path"):
        compiled.series(path)


def test_paths_a_scenario_may_leave_out_take_their_default(compiled):
    s = compiled.scenario
    no_record = next(a.id for a in s.actors if all(o.id != a.id for o in s.opinion))
    assert np.all(compiled.get(f"opinion.{no_record}.support", 0.5) == 0.5)
    issue = s.issues[0]
    option = issue.options[0]
    missing = next(a.id for a in s.actors if a.id not in option.value)
    assert np.all(compiled.get(f"issues.{issue.id}.options.{option.id}.value.{missing}") == 0)


def test_compiled_parameters_come_out_unchanged(compiled):
    assert np.all(compiled.get("bargaining.base_hazard")
                  == compiled.params["bargaining.base_hazard"])


# --- terminal control characters ------------------------------------------------------------


@pytest.mark.parametrize(("raw", "shown"), [
    ("North \x1b[31mred\x1b[0m war", "North red war"),
    ("title\x1b]0;PWNED\x07 here", "title here"),
    ("osc with st\x1b]8;;http://x\x1b\\ end", "osc with st end"),
    ("bell\x07 null\x00 del\x7f c1\x85\x9b31m", "bell null del c1 "),
    ("two\nlines\r\nand\ttab", "two lines and tab"),
    ("plain Ünïcode – text", "plain Ünïcode – text"),
])
def test_printable_strips_control_characters(raw, shown):
    assert printable(raw) == shown


def test_printable_can_keep_paragraphs():
    assert printable("one\r\ntwo\x1b[1m\nthree\x07", keep_newlines=True) == "one\ntwo\nthree"


def test_a_name_with_escapes_loads_and_prints_clean(tmp_path):
    data = mutated(lambda d: d.update(name="Mini \x1b[31mred\x1b]0;TITLE\x07 war"))
    path = Path(tmp_path / "escape.yaml")
    path.write_text(yaml.safe_dump(data), "utf-8")
    scenario = load_scenario(path)
    assert scenario.name == data["name"]  # the model keeps the text as written
    assert printable(scenario.name) == "Mini red war"
