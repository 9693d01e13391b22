"""Figure-by-figure comparison of two result documents."""

from __future__ import annotations

import pytest

from ceasefire.errors import InputError
from ceasefire.store import diff_documents
from ceasefire.store.diff import figures


def _doc(**body):
    return {"schema_version": 4, "kind": "analyze", "ceasefire_version": "0.1.0",
            "scenario": {"id": "tutorial", "as_of": "2025-08-15", "hash": "sha256:a"},
            "seed": 3, "draws": 100, "run": {"wall_s": 1.0}, **body}


def test_figures_are_dotted_paths_with_their_standard_errors():
    found = figures(_doc(proposals={"freeze": {"p_all_veto_accept": {"p": 0.4, "se": 0.05}}},
                         packages=[{"id": "swap", "p": 0.1}, {"id": "freeze", "p": 0.2}],
                         bands=[1.0, 2.0], likely="freeze"))
    assert found["proposals.freeze.p_all_veto_accept.p"].se == 0.05
    assert "proposals.freeze.p_all_veto_accept.se" not in found
    assert found["packages.swap.p"].value == 0.1  # a list of records keyed by id
    assert found["bands[1]"].value == 2.0 and found["likely"].se is None
    assert not any(path.startswith(("run", "seed", "scenario")) for path in found)


def test_equal_documents_are_identical_whatever_their_run_metadata():
    a = _doc(x={"p": 0.5, "se": 0.01})
    b = {**_doc(x={"p": 0.5, "se": 0.01}), "run": {"wall_s": 9.0, "id": "abc"}}
    result = diff_documents(a, b)
    assert result.identical and result.counts() == {"equal": 1}


def test_changes_are_judged_against_monte_carlo_error():
    a = _doc(small={"p": 0.50, "se": 0.02}, large={"p": 0.10, "se": 0.01},
             mean={"mean": 1.0}, likely="freeze", gone=1)
    b = _doc(small={"p": 0.52, "se": 0.02}, large={"p": 0.30, "se": 0.01},
             mean={"mean": 1.5}, likely="swap", new=2)
    result = diff_documents(a, b)
    by_path = {c.path: c for c in result.changes}
    assert by_path["small.p"].status == "within-error"
    assert by_path["large.p"].status == "beyond-error" and by_path["large.p"].z > 10
    assert by_path["mean.mean"].status == "changed"
    assert by_path["likely"].status == "changed"
    assert by_path["gone"].status == "only-a" and by_path["new"].status == "only-b"
    ranked = [c.path for c in result.ranked()]
    assert ranked[0] == "large.p" and ranked[-1] == "small.p"
    assert sum(result.counts().values()) == result.compared


def test_envelope_inputs_that_differ_are_named():
    b = _doc()
    b.update(seed=4, scenario={"id": "tutorial", "as_of": "2025-08-15", "hash": "sha256:b"})
    names = [i.name for i in diff_documents(_doc(), b).inputs]
    assert names == ["seed", "scenario.hash"]


def test_results_of_different_kinds_are_not_compared():
    with pytest.raises(InputError, match="cannot compare a 'analyze' result with a 'deals'"):
        diff_documents(_doc(), {**_doc(), "kind": "deals"})
