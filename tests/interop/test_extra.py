"""NegMAS is optional: the core never imports it, and its absence gives a clear error."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ceasefire.errors import CeasefireError

SRC = Path(__file__).resolve().parents[2] / "src" / "ceasefire"


def test_only_the_bridge_imports_negmas():
    importers = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "negmas" or n.startswith("negmas.") for n in names):
                importers.add(path.relative_to(SRC).as_posix())
    assert importers <= {"interop/negmas_bridge.py"}


def test_importing_the_interop_package_and_cli_loads_no_negmas():
    code = ("import sys, ceasefire.interop, ceasefire.interop.negmas_bridge, "
            "ceasefire.cli.interop_cmds; print('negmas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_missing_negmas_names_the_extra(monkeypatch, hand_made):
    from ceasefire.interop.negmas_bridge import negmas_check

    monkeypatch.setitem(sys.modules, "negmas", None)  # import negmas now fails
    with pytest.raises(CeasefireError, match=r"pip install 'ceasefire\[negmas\]'"):
        negmas_check(hand_made)
