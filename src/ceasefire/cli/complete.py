"""Shell completion of scenario names, lever, proposal and parameter ids.

Each function is a typer ``autocompletion=`` callback ``(ctx, incomplete) -> [(value,
help)]``. The ids come from the scenario named earlier on the command line
(``ctx.params``), read as plain YAML: completion runs on every Tab, so it must be cheap
and must never fail (a broken file completes nothing rather than printing an error).
"""

from __future__ import annotations

import contextlib
import glob
import os
from importlib import resources
from typing import Any

import typer

__all__ = ["levers", "parameters", "proposals", "scenario_ids", "scenarios"]

_BUILTIN_PACKAGE = "ceasefire.scenario.builtin"
#: The scenario a command uses when none is named (analyze, whatif, calibrate).
_DEFAULT = "alaska-2025"
#: Files larger than this are not read while completing.
_MAX_BYTES = 2_000_000
_SCENARIO_PARAMS = ("scenario", "scenario_name", "source")
_YAML = (".yaml", ".yml")
#: Options that take no value, so the word after them may be the scenario.
_FLAGS = frozenset({"--json", "--no-report", "--deals", "--strict", "--force", "--debug",
                    "--help"})


def _builtins() -> list[str]:
    folder = resources.files(_BUILTIN_PACKAGE)
    return sorted(entry.name[: -len(".yaml")] for entry in folder.iterdir()
                  if entry.name.endswith(".yaml"))


def scenarios(incomplete: str) -> list[tuple[str, str]]:
    """Built-in scenario names, then YAML files and folders matching ``incomplete``."""
    items = [(name, "built-in scenario") for name in _builtins() if name.startswith(incomplete)]
    for path in sorted(glob.glob(glob.escape(incomplete) + "*")):
        if os.path.isdir(path):
            items.append((path + os.sep, "folder"))
        elif path.endswith(_YAML):
            items.append((path, "scenario file"))
    return items


def _named_scenario(ctx: typer.Context | None) -> str:
    """The scenario named on the command line, or the commands' default."""
    if ctx is None:
        return _DEFAULT
    for name in _SCENARIO_PARAMS:
        if isinstance(ctx.params.get(name), str):
            return ctx.params[name]
    # While completing, click may leave the positional argument unparsed in ``ctx.args``;
    # the parent's args hold the words after the command name.
    words = [*ctx.args]
    if ctx.parent is not None:
        words += [*ctx.parent.args]
    k = 0
    while k < len(words):
        word = words[k]
        if not word.startswith("-"):
            return word
        k += 1 if word in _FLAGS or "=" in word else 2
    return _DEFAULT


def _scenario_data(ctx: typer.Context | None) -> dict[str, Any]:
    """The raw YAML of the scenario named on the command line (``{}`` if unreadable)."""
    import yaml

    source = _named_scenario(ctx)
    with contextlib.suppress(Exception):
        if source in _builtins():
            text = resources.files(_BUILTIN_PACKAGE).joinpath(f"{source}.yaml").read_text(
                "utf-8")
        elif os.path.isfile(source) and os.path.getsize(source) <= _MAX_BYTES:
            with open(source, encoding="utf-8") as stream:
                text = stream.read()
        else:
            return {}
        data = yaml.load(text, Loader=_loader())
        return data if isinstance(data, dict) else {}
    return {}


def _loader() -> type:
    """A safe YAML loader that keeps ``NO`` (an actor id) a string, as scenario files do.

    The scenario loader's own class would cost its imports (pydantic, the model) on
    every Tab; this one only changes the booleans.
    """
    import re

    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                 re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))
    return Loader


def scenario_ids(data: dict[str, Any], collection: str) -> list[tuple[str, str]]:
    """``(id, name)`` of each record of ``collection`` (``levers``, ``proposals``, ...)."""
    records = data.get(collection)
    if not isinstance(records, list):
        return []
    return [(str(r["id"]), str(r.get("name") or r.get("factor") or ""))
            for r in records if isinstance(r, dict) and "id" in r]


def levers(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """``ID=on`` and ``ID=off`` for each lever of the scenario (``--lever``)."""
    lever_id, sep, _ = incomplete.partition("=")
    items = []
    for identifier, name in scenario_ids(_scenario_data(ctx), "levers"):
        if sep and identifier == lever_id:
            items += [(f"{identifier}={state}", name) for state in ("on", "off")
                      if f"{identifier}={state}".startswith(incomplete)]
        elif not sep and identifier.startswith(incomplete):
            items += [(f"{identifier}=on", name), (f"{identifier}=off", name)]
    return items


def proposals(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The ids of the scenario's named proposals (``--near``)."""
    return [(identifier, name)
            for identifier, name in scenario_ids(_scenario_data(ctx), "proposals")
            if identifier.startswith(incomplete)]


def _paths(node: Any, prefix: str) -> list[str]:
    """Dotted paths to the values of ``node``: records by id, an uncertain value whole."""
    if isinstance(node, dict):
        if {"low", "high"} <= node.keys() or "dist" in node:
            return [prefix]  # an uncertain value: set as a whole
        out = []
        for key, value in node.items():
            if key in ("id", "name", "sources", "description", "note"):
                continue
            out += _paths(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(node, list):
        out = []
        for item in node:
            if isinstance(item, dict) and "id" in item:
                out += _paths(item, f"{prefix}.{item['id']}")
        return out
    return [prefix] if isinstance(node, (int, float)) and not isinstance(node, bool) else []


def parameters(ctx: typer.Context, incomplete: str) -> list[str]:
    """Parameter paths of the scenario followed by ``=`` (``--set PATH=VALUE``)."""
    if "=" in incomplete:
        return []
    data = _scenario_data(ctx)
    skip = ("evidence", "format_version", "horizon_months")
    paths = [path for key, value in data.items() if key not in skip
             for path in _paths(value, str(key))]
    return [f"{path}=" for path in paths if path.startswith(incomplete)]
