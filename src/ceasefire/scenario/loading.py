"""Reading, checking and writing scenario files, with errors that name the place.

YAML is read with PyYAML's safe loader (no object construction). Every problem is
reported at once with the file, the line, the dotted path (ids where they help, as in
``regions[kramatorsk-belt].control.RU``), what was wrong and a hint.
"""

from __future__ import annotations

import difflib
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ceasefire.errors import Problem, ScenarioError
from ceasefire.scenario.checks import check_scenario
from ceasefire.scenario.model import Scenario

__all__ = [
    "builtin_names",
    "builtin_text",
    "dump_scenario",
    "load_scenario",
    "read_scenario_text",
    "scenario_from_dict",
    "scenario_to_dict",
]

_BUILTIN_PACKAGE = "ceasefire.scenario.builtin"

MAX_NODES = 1_000_000
"""YAML nodes a scenario may hold once its aliases are expanded (alaska-2025 has ~10,000).

Aliases let a small file stand for an enormous one ("billion laughs"): every check and
every engine walks the expanded data, so the expanded size is what is bounded."""
MAX_DEPTH = 64
"""Nesting depth of a scenario document (a scenario needs fewer than ten levels)."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, with YAML 1.2 booleans: ``NO`` (Norway) and ``on`` stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)



def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """Read a date; an impossible one (2030-02-30) stays text, so validation names its place."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def builtin_names() -> list[str]:
    """Return the names of the built-in scenarios."""
    folder = resources.files(_BUILTIN_PACKAGE)
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def builtin_text(name: str) -> str:
    """The YAML text of the built-in scenario ``name`` (one of :func:`builtin_names`)."""
    return resources.files(_BUILTIN_PACKAGE).joinpath(f"{name}.yaml").read_text("utf-8")


def load_scenario(source: str | os.PathLike[str] | Scenario) -> Scenario:
    """Load a scenario: a built-in name (``alaska-2025``), a YAML file, or a Scenario.

    Built-in scenarios are held to the strict evidence rule: every number cites a claim.

    Raises
    ------
    ScenarioError
        Listing every problem found, each with file, line, path and hint.
    """
    if isinstance(source, Scenario):
        return source
    text = str(source)
    if text in builtin_names():
        return read_scenario_text(builtin_text(text), file=f"{text} (built-in)",
                                  strict_evidence=True)
    path = Path(source)
    if not path.is_file():
        known = ", ".join(builtin_names())
        hint = f"give a YAML file or a built-in name ({known})"
        raise ScenarioError(Problem("", f"no such file or built-in scenario: {text!r}", hint))
    try:
        content = path.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(Problem("", f"not UTF-8 text ({error.reason})",
                                    "save the file as UTF-8", file=str(path))) from None
    return read_scenario_text(content, file=str(path))


def read_scenario_text(text: str, *, file: str | None = None,
                       strict_evidence: bool = False) -> Scenario:
    """Parse YAML text into a validated Scenario."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(error, "problem", None) or str(error)
        context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
        if context and start is not None and line is not None and start.line + 1 != line:
            # An unclosed bracket or quote is noticed lines later; point at where it opens.
            what = f"{what} ({context} that starts here; noticed at line {line})"
            line = start.line + 1
        raise ScenarioError(Problem("", f"not valid YAML: {what}",
                                    "check indentation and quoting near this line",
                                    file=file, line=line), file=file) from None
    except RecursionError:
        raise ScenarioError(_too_deep(file, None), file=file) from None
    _check_size(root, file)
    try:
        data = yaml.load(text, Loader=_Loader) if root is not None else None
    except (yaml.YAMLError, ValueError, TypeError) as error:
        # Composed but not constructible: an unknown tag, an impossible date, a list as a key.
        mark = getattr(error, "problem_mark", None)
        what = getattr(error, "problem", None) or str(error)
        raise ScenarioError(Problem("", f"not valid scenario YAML: {what}",
                                    "write plain values: numbers, text, lists and mappings",
                                    file=file, line=mark.line + 1 if mark else None),
                            file=file) from None
    if not isinstance(data, dict):
        raise ScenarioError(Problem("", f"expected a mapping of scenario keys, got "
                                    f"{type(data).__name__}",
                                    "start from `ceasefire new FILE --from alaska-2025`",
                                    file=file, line=1), file=file)
    problems = [Problem(format_path(data, loc), message, hint, file=file, line=line)
                for loc, line, message, hint in _duplicate_keys(root, ())]
    if not problems:
        return scenario_from_dict(data, file=file, strict_evidence=strict_evidence, _root=root)
    # Report the duplicates together with whatever else is wrong, not one batch at a time.
    try:
        scenario_from_dict(data, file=file, strict_evidence=strict_evidence, _root=root)
    except ScenarioError as error:
        problems.extend(error.problems)
    raise ScenarioError(problems, file=file)


def _too_deep(file: str | None, line: int | None) -> Problem:
    return Problem("", f"the document is nested more than {MAX_DEPTH} levels deep",
                   "a scenario needs fewer than ten levels; check for runaway brackets or "
                   "indentation", file=file, line=line)


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_size(root: Any, file: str | None) -> None:
    """Refuse a recursive alias, a document nested too deeply, or one that aliases blow up.

    Walks the composed node graph once (iteratively, each shared node once), computing
    the expanded size and depth of every node, so the check itself is linear in the
    file's size whatever its aliases expand to.

    Raises
    ------
    ScenarioError
        Naming the line of the recursive node, or the limit that was passed.
    """
    if root is None:
        return
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            size[key] = min(MAX_NODES + 1, 1 + sum(size[id(c)] for c in children))
            height[key] = 1 + max((height[id(c)] for c in children), default=0)
            if height[key] > MAX_DEPTH:
                raise ScenarioError(_too_deep(file, node.start_mark.line + 1), file=file)
            continue
        if key in size:
            continue
        if key in on_path:
            raise ScenarioError(Problem(
                "", "recursive alias: this value contains itself through an alias (*name)",
                "an alias may repeat an anchored value, not sit inside it; write the value "
                "out", file=file, line=node.start_mark.line + 1), file=file)
        if len(on_path) >= MAX_DEPTH:
            raise ScenarioError(_too_deep(file, node.start_mark.line + 1), file=file)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)
    if size[id(root)] > MAX_NODES:
        raise ScenarioError(Problem(
            "", f"the document expands to more than {MAX_NODES:,} values through its "
            "aliases (*name)", "write the values out, or alias fewer nested aliases",
            file=file, line=None), file=file)


def scenario_from_dict(data: dict[str, Any], *, file: str | None = None,
                       strict_evidence: bool = False, _root: Any = None) -> Scenario:
    """Validate plain data (as read from YAML or JSON) into a Scenario.

    Raises
    ------
    ScenarioError
        With every structural problem, or else every cross-reference problem.
    """
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        errors = _relevant(error.errors())
        cache: dict[int, dict[str, Any]] = {}
        problems = [_problem(data, _root, _clean_loc(e["loc"]), _message(e), file, cache)
                    for e in errors]
        raise ScenarioError(_suggest_names(_dedupe(problems)), file=file) from None
    found = check_scenario(scenario, strict_evidence=strict_evidence)
    if found:
        cache = {}
        problems = [_problem(data, _root, loc, (message, hint), file, cache)
                    for loc, message, hint in found]
        raise ScenarioError(problems, file=file)
    return scenario


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Return the scenario as plain data that :func:`scenario_from_dict` reads back."""
    return scenario.model_dump(mode="json", exclude_unset=True)


def dump_scenario(scenario: Scenario) -> str:
    """Return the scenario as YAML text, keys in the model's order.

    Text is written as readable Unicode; where a string holds a character PyYAML would
    not read back as written (a NEL line break, say), the whole file is escaped instead.
    """
    data = scenario_to_dict(scenario)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if yaml.load(text, Loader=_Loader) != yaml.load(yaml.safe_dump(data), Loader=_Loader):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=100)
    return text


# --- error formatting ---------------------------------------------------------------------

_UNION_TAGS = {"float", "pert", "triangular", "uniform", "normal", "lognormal",
               "function-after[check()]", "function-before[_default_to_pert()]"}


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union-branch markers from an error location."""
    out = []
    for part in loc:
        if isinstance(part, str) and (part in _UNION_TAGS or part.startswith(
                ("function-", "tagged-union["))):
            continue
        out.append(part)
    return tuple(out)


_HINTS = {
    "missing": "add this field",
    "extra_forbidden": "remove it or check its spelling against `ceasefire schema`",
    "float_parsing": "write a number, or {low, mode, high} for an uncertain one",
    "float_type": "write a number, or {low, mode, high} for an uncertain one",
    "string_pattern_mismatch": "actor ids are short upper-case (RU, UA); others kebab-case",
    "literal_error": "",
    "union_tag_invalid": "dist is one of normal, lognormal, uniform, triangular, pert",
    "date_from_datetime_parsing": "write the date as YYYY-MM-DD",
    "finite_number": "write a number; NaN and infinity cannot be computed with",
}


def _message(error: dict[str, Any]) -> tuple[str, str]:
    message = error["msg"]
    hint = _HINTS.get(error["type"], "")
    if "; hint: " in message:
        message, hint = message.split("; hint: ", 1)
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if error["type"] == "missing":
        message = "required field is missing"
    elif error["type"] == "extra_forbidden":
        message = "unknown field"
    elif "input" in error and error["type"] not in ("out_of_range", "format_version"):
        given = error["input"]
        if not isinstance(given, (dict, list)):
            message = f"{message}, got {given!r}"
    return message, hint


_NUMBER_ERRORS = {"float_type", "float_parsing"}
_MAPPING_ERRORS = {"model_attributes_type", "dict_type", "model_type"}


def _relevant(errors: list[Any]) -> list[Any]:
    """Keep, of a number-or-distribution value, the errors of the form the user wrote.

    A mapping was meant as a distribution (drop "should be a number"); a scalar was meant
    as a number (drop "should be a mapping"). Nothing is dropped if nothing else remains.
    """
    def meant_otherwise(e: Any) -> bool:
        given = e.get("input")
        if e["type"] in _NUMBER_ERRORS and isinstance(given, dict):
            return True
        tagged = any(isinstance(p, str) and p.startswith("tagged-union[") for p in e["loc"])
        return e["type"] in _MAPPING_ERRORS and tagged and not isinstance(given, dict)

    kept = [e for e in errors if not meant_otherwise(e)]
    paths = [_clean_loc(e["loc"]) for e in kept]

    def explained(loc: tuple[Any, ...]) -> bool:
        return any(path[: len(loc)] == loc for path in paths)

    # A value none of whose errors is kept (at it or below it) keeps them all.
    return kept + [e for e in errors
                   if meant_otherwise(e) and not explained(_clean_loc(e["loc"]))]


def _suggest_names(problems: list[Problem]) -> list[Problem]:
    """Add "did you mean 'province'?" to an unknown field next to a missing one."""
    missing: dict[str, list[str]] = {}
    for p in problems:
        if p.message == "required field is missing":
            parent, _, name = p.path.rpartition(".")
            missing.setdefault(parent, []).append(name)
    out = []
    for p in problems:
        parent, _, name = p.path.rpartition(".")
        if p.message == "unknown field" and missing.get(parent):
            close = difflib.get_close_matches(name, missing[parent], n=1, cutoff=0.6)
            if close:
                p = Problem(p.path, p.message, f"did you mean {close[0]!r}?", p.file, p.line)
        out.append(p)
    return out


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """Keep one problem per path: a bad number fails every branch of the union."""
    seen: dict[str, Problem] = {}
    for problem in problems:
        seen.setdefault(problem.path, problem)
    return list(seen.values())


def _problem(data: Any, root: Any, loc: tuple[Any, ...], text: tuple[str, str],
             file: str | None, cache: dict[int, dict[str, Any]] | None = None) -> Problem:
    message, hint = text
    return Problem(path=format_path(data, loc), message=message, hint=hint, file=file,
                   line=_line_of(root, loc, {} if cache is None else cache))


def format_path(data: Any, loc: tuple[Any, ...]) -> str:
    """Format a location as ``regions[kramatorsk-belt].control.RU`` (ids where known)."""
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            label = item.get("id") if isinstance(item, dict) else None
            label = label if isinstance(label, str) and label else part
            text += f"[{label!r}]" if isinstance(label, str) and _ODD.search(label) else \
                f"[{label}]"
            node = item
        else:
            # Keys with spaces, dots or newlines are quoted, so a path stays on one line.
            shown = repr(part) if isinstance(part, str) and (_ODD.search(part) or not part) \
                else str(part)
            text += f".{shown}" if text else shown
            node = node.get(part) if isinstance(node, dict) else None
    return text


_ODD = re.compile(r"[^\w\-]")


def _line_of(root: Any, loc: tuple[Any, ...], cache: dict[int, dict[str, Any]]) -> int | None:
    """Line of ``loc`` in the composed document; ``cache`` holds each mapping's key index.

    The index makes looking up N problems in one mapping of N keys linear, not quadratic.
    """
    node, line = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            index = cache.get(id(node))
            if index is None:
                index = cache[id(node)] = {}
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode):
                        index.setdefault(k.value, (k, v))
            match = index.get(str(part))
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    if line is None and root is not None:
        return root.start_mark.line + 1
    return line


def _duplicate_keys(node: Any, loc: tuple[Any, ...]):
    """Yield ``(loc, line, message, hint)`` for each key that repeats in its mapping."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):  # a complex key; validation names it
                continue
            if key.value in seen:
                yield ((*loc, key.value), key.start_mark.line + 1,
                       f"key {key.value!r} appears twice",
                       "keep one of them; YAML would silently drop the first")
            seen.add(key.value)
            yield from _duplicate_keys(value, (*loc, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*loc, index))
