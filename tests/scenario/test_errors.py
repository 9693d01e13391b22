"""Each kind of bad input gets one clear problem: file, line, dotted path, message, hint."""

from __future__ import annotations

import pytest
from helpers_scenario import line_of, minimal_text

from ceasefire.errors import ScenarioError
from ceasefire.scenario import read_scenario_text

FILE = "broken.yaml"


def problems_of(text: str, *, strict: bool = False):
    with pytest.raises(ScenarioError) as caught:
        read_scenario_text(text, file=FILE, strict_evidence=strict)
    assert caught.value.file == FILE
    assert all(p.file == FILE for p in caught.value.problems)
    return caught.value.problems


def broken(old: str, new: str) -> str:
    text = minimal_text()
    assert text.count(old) == 1, old
    return text.replace(old, new)


def only(text: str, *, strict: bool = False):
    problems = problems_of(text, strict=strict)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_minimal_file_is_valid_even_in_strict_mode():
    scenario = read_scenario_text(minimal_text(), file=FILE, strict_evidence=True)
    assert scenario.id == "mini"


def test_yaml_syntax_error_names_its_line():
    text = broken("name: Mini war", "name: [Mini war")
    problem = only(text)
    assert problem.message.startswith("not valid YAML")
    assert problem.line == line_of(text, "name: [Mini war")
    assert "indentation" in problem.hint
    assert str(problem).startswith(f"{FILE}:{problem.line}: not valid YAML")


def test_not_a_mapping():
    problem = only("- just\n- a list\n")
    assert problem.message == "expected a mapping of scenario keys, got list"
    assert problem.line == 1
    assert "ceasefire new" in problem.hint


@pytest.mark.parametrize("text", ["", "# only a comment\n", "42\n", "just text\n"])
def test_empty_or_scalar_documents_are_not_scenarios(text):
    assert "expected a mapping" in only(text).message


def test_unknown_field_typo_suggests_the_right_name():
    text = broken("    province: Valleys", "    provnce: Valleys")
    problems = {p.path: p for p in problems_of(text)}
    typo = problems["regions[valley].provnce"]
    assert typo.message == "unknown field"
    assert typo.hint == "did you mean 'province'?"
    assert typo.line == line_of(text, "provnce")
    assert problems["regions[valley].province"].message == "required field is missing"


def test_unknown_top_level_field():
    text = broken("as_of: 2030-01-15", "as_of: 2030-01-15\nhorizon: 24")
    problem = only(text)
    assert (problem.path, problem.message, problem.line) == ("horizon", "unknown field", 6)
    assert "ceasefire schema" in problem.hint


def test_missing_required_field():
    text = broken("    area_km2: 1000\n", "")
    problem = only(text)
    assert problem.path == "regions[valley].area_km2"
    assert problem.message == "required field is missing"
    assert problem.hint == "add this field"
    # The record's first line: where the field should be added.
    assert problem.line == text.splitlines().index("  - id: valley") + 1


def test_wrong_type_is_one_problem_with_the_value_given():
    text = broken("area_km2: 1000", "area_km2: large")
    problem = only(text)
    assert problem.path == "regions[valley].area_km2"
    assert "valid number" in problem.message and "'large'" in problem.message
    assert "{low, mode, high}" in problem.hint
    assert problem.line == line_of(text, "area_km2: large")


def test_boolean_is_not_a_number():
    problem = only(broken("reserves: 40", "reserves: true"))
    assert problem.path == "economy[NO].reserves"
    assert "boolean" in problem.message


def test_share_above_one_suggests_the_fraction():
    text = broken("control: {NO: 0.6, SO: 0.4}", "control: {NO: 76, SO: 0.24}")
    problem = only(text)
    assert problem.path == "regions[valley].control.NO"
    assert problem.message == "expected a value in [0, 1], got 76"
    assert "did you mean 0.76?" in problem.hint
    assert problem.line == line_of(text, "control: {NO: 76")


def test_control_shares_summing_above_one():
    problem = only(broken("control: {NO: 0.6, SO: 0.4}", "control: {NO: 0.7, SO: 0.4}"))
    assert problem.path == "regions[valley].control"
    assert "sum to 1.1, more than 1" in problem.message
    assert "lower one" in problem.hint


def test_duplicate_id():
    text = minimal_text().replace("  - id: judgement\n", "  - id: front-report\n")
    problems = problems_of(text)
    dup = next(p for p in problems if "more than once" in p.message)
    assert dup.path == "evidence[front-report].id"
    assert dup.message == "evidence id 'front-report' is used more than once"
    assert "id of its own" in dup.hint


def test_unknown_actor_in_control():
    text = broken("control: {NO: 0.6, SO: 0.4}", "control: {NO: 0.6, XX: 0.4}")
    problem = only(text)
    assert problem.path == "regions[valley].control.XX"
    assert problem.message == "unknown belligerent 'XX'"
    assert problem.hint == "use one of: NO, SO"
    assert problem.line == line_of(text, "XX: 0.4")


def test_proposal_naming_a_missing_issue():
    problem = only(broken("terms: {valley-fate: to-north}", "terms: {valley-fat: to-north}"))
    assert problem.path == "proposals[give-valley].terms.valley-fat"
    assert problem.message == "unknown issue 'valley-fat'"
    assert "valley-fate" in problem.hint


def test_proposal_naming_a_missing_option():
    problem = only(broken("terms: {valley-fate: to-north}", "terms: {valley-fate: to-south}"))
    assert problem.path == "proposals[give-valley].terms.valley-fate"
    assert problem.message == "'to-south' is not an option of issue 'valley-fate'"
    assert problem.hint == "use one of: stays, to-north"


def test_issue_default_that_is_not_an_option():
    problem = only(broken("default: stays", "default: stay"))
    assert problem.path == "issues[valley-fate].default"
    assert "'stay' is not an option" in problem.message


def test_lever_effect_path_naming_nothing():
    text = broken("path: economy.NO.export_loss", "path: economy.NO.export_los")
    problem = only(text)
    assert problem.path == "levers[sanctions].effects[0].path"
    assert problem.message == ("'economy.NO.export_los' names no numeric parameter a lever "
                               "can change")
    assert problem.hint.startswith("did you mean 'economy.NO.export_loss'")
    assert problem.line == line_of(text, "export_los")


def test_lever_effect_path_far_from_any_gets_the_format():
    text = broken("path: economy.NO.export_loss", "path: nowhere.at.all")
    problem = only(text)
    assert "collection.ID.field" in problem.hint


def test_lever_effect_on_an_actor_field_is_refused():
    # An actor's fields are read once for the run: such a lever would silently do nothing.
    text = broken("path: economy.NO.export_loss", "path: actors.NO.discount_factor")
    problem = only(text)
    assert problem.path == "levers[sanctions].effects[0].path"
    assert "hold for the whole run" in problem.message


def test_evidence_citing_an_unknown_claim():
    text = broken("sources: {reserves: [front-report]}", "sources: {reserves: [front-reprot]}")
    problem = only(text)
    assert problem.path == "economy[NO].sources.reserves"
    assert problem.message == "cites unknown claim 'front-reprot'"
    assert "add the claim" in problem.hint
    assert problem.line == line_of(text, "front-reprot")


def test_claim_cited_by_nothing():
    text = minimal_text() + (
        "  - id: orphan\n    claim: Nobody cites this.\n    grade: opinion\n"
        "    source: {outlet: Somewhere}\n"
    )
    problem = only(text)
    assert problem.path == "evidence[orphan]"
    assert problem.message == "claim 'orphan' supports no parameter"
    assert "cite it" in problem.hint
    assert problem.line == line_of(text, "- id: orphan")


def test_mode_outside_the_range():
    text = broken("{low: 0.96, mode: 0.98, high: 0.99}", "{low: 0.96, mode: 0.995, high: 0.99}")
    problem = only(text)
    assert problem.path == "actors[SO].discount_factor"
    assert problem.message == "mode 0.995 lies outside [low, high] = [0.96, 0.99]"
    assert problem.hint == "put the mode inside the range"
    assert problem.line == line_of(text, "mode: 0.995")


def test_low_above_high():
    problem = only(broken("{low: 0.96, mode: 0.98, high: 0.99}",
                          "{low: 0.99, mode: 0.98, high: 0.96}"))
    assert problem.path == "actors[SO].discount_factor"
    assert "must not exceed high" in problem.message
    assert problem.hint == "swap the two"


def test_normal_distribution_on_a_share_leaves_zero_one():
    text = broken("control: {NO: 0.6, SO: 0.4}",
                  "control: {NO: {dist: normal, mean: 0.6, sd: 0.1}, SO: 0.4}")
    problem = only(text)
    assert problem.path == "regions[valley].control.NO"
    assert problem.message == "expected a value in [0, 1], got a distribution over [-inf, inf]"
    assert "{low, mode, high}" in problem.hint


def test_unknown_distribution_name():
    problem = only(broken("control: {NO: 0.6, SO: 0.4}",
                          "control: {NO: {dist: gaussian, mean: 0.6, sd: 0.1}, SO: 0.4}"))
    assert problem.path == "regions[valley].control.NO"
    assert "normal, lognormal, uniform, triangular, pert" in problem.hint


@pytest.mark.parametrize("value", ["1.0", "1", "0", "1.02"])
def test_discount_factor_must_lie_strictly_inside_zero_one(value):
    problem = only(broken("discount_factor: 0.98\n", f"discount_factor: {value}\n"))
    assert problem.path == "actors[NO].discount_factor"
    assert problem.message.startswith("expected a value in (0, 1), got ")
    assert "strictly between 0 and 1" in problem.hint


def test_discount_factor_given_as_percent_suggests_the_fraction():
    problem = only(broken("discount_factor: 0.98\n", "discount_factor: 98\n"))
    assert "did you mean 0.98?" in problem.hint


def test_wrong_format_version():
    text = broken("format_version: 1", "format_version: 2")
    problem = only(text)
    assert problem.path == "format_version"
    assert problem.message == "this file is in format 2, this ceasefire reads format 1"
    assert "ceasefire new" in problem.hint
    assert problem.line == 2


def test_duplicate_yaml_key():
    text = broken("    area_km2: 1000\n", "    area_km2: 1000\n    area_km2: 2000\n")
    problem = only(text)
    assert problem.path == "regions[valley].area_km2"
    assert problem.message == "key 'area_km2' appears twice"
    assert "silently" in problem.hint
    assert problem.line == line_of(text, "area_km2: 2000")


def test_duplicate_key_is_reported_with_the_other_problems():
    text = broken("    area_km2: 1000\n", "    area_km2: 1000\n    area_km2: 2000\n")
    text = text.replace("format_version: 1", "format_version: 3")
    paths = [p.path for p in problems_of(text)]
    assert paths == ["regions[valley].area_km2", "format_version"]


def test_norway_stays_a_string():
    scenario = read_scenario_text(minimal_text(), file=FILE)
    assert scenario.actors[0].id == "NO"
    assert scenario.regions[0].control == {"NO": 0.6, "SO": 0.4}
    assert scenario.actors[0].side == "NO"


@pytest.mark.parametrize("word", ["yes", "on", "off", "no", "y", "N"])
def test_yaml11_booleans_stay_strings(word):
    text = broken("name: Mini war", f"name: {word}")
    assert read_scenario_text(text).name == word


def test_number_without_evidence_in_strict_mode():
    text = broken("    reserves: 40\n", "    reserves: 40\n    war_spending_per_month: 3\n")
    read_scenario_text(text, file=FILE)  # fine without the strict rule
    problem = only(text, strict=True)
    assert problem.path == "economy[NO].war_spending_per_month"
    assert problem.message == "war_spending_per_month has no evidence"
    assert "sources: {war_spending_per_month: [claim-id]}" in problem.hint
    assert problem.line == line_of(text, "war_spending_per_month: 3")


def test_every_problem_is_reported_at_once():
    text = (minimal_text()
            .replace("    province: Valleys", "    provnce: Valleys")
            .replace("discount_factor: 0.98\n", "discount_factor: 98\n")
            .replace("area_km2: 1000", "area_km2: -5"))
    problems = problems_of(text)
    assert sorted(p.path for p in problems) == [
        "actors[NO].discount_factor", "regions[valley].area_km2",
        "regions[valley].province", "regions[valley].provnce",
    ]
    assert str(problems_of(text)[0]).count("\n") == 0


def test_every_cross_reference_problem_is_reported_at_once():
    text = (minimal_text()
            .replace("control: {NO: 0.6, SO: 0.4}", "control: {NO: 0.6, XX: 0.4}")
            .replace("terms: {valley-fate: to-north}", "terms: {valley-fate: to-south}")
            .replace("path: economy.NO.export_loss", "path: economy.NO.nothing"))
    assert len(problems_of(text)) == 3


def test_error_message_lists_the_file_and_every_problem():
    text = (minimal_text().replace("control: {NO: 0.6, SO: 0.4}", "control: {NO: 0.6, XX: 0.4}")
            .replace("default: stays", "default: stay"))
    with pytest.raises(ScenarioError) as caught:
        read_scenario_text(text, file=FILE)
    head, *lines = str(caught.value).splitlines()
    assert head == f"{FILE}: 2 problems"
    assert len(lines) == 2 and all(line.startswith(f"  {FILE}:") for line in lines)


def test_scenario_error_is_a_value_error():
    with pytest.raises(ValueError, match="expected a mapping"):
        read_scenario_text("[]")


def test_unsafe_yaml_tags_are_refused():
    text = "!!python/object/apply:os.system ['echo hacked']\n"
    problem = only(text)
    assert "not valid scenario YAML" in problem.message


def test_impossible_date_is_a_scenario_error():
    problem = only(broken("as_of: 2030-01-15", "as_of: 2030-02-30"))
    assert (problem.path, problem.line) == ("as_of", 5)
    assert "'2030-02-30'" in problem.message
