"""docs/negotiate.md: its Python example runs as written and its strategy names exist."""

from __future__ import annotations

import re
from pathlib import Path

from ceasefire.bargaining.strategies import STRATEGIES

DOC = Path(__file__).resolve().parents[2] / "docs" / "negotiate.md"


def test_the_python_example_runs():
    example = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    exec(compile(example, "docs/negotiate.md", "exec"), {})


def test_every_strategy_in_the_table_exists():
    rows = re.findall(r"^\| (`.*?) \| (?:anyone|mediator) \|", DOC.read_text(), re.M)
    names = {name for row in rows for name in re.findall(r"`([a-z-]+)", row)}
    assert names == set(STRATEGIES)
