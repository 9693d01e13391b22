"""Helpers of the interop tests: the draws used, and a small hand-made domain."""

from __future__ import annotations

import itertools

import numpy as np

from ceasefire.interop import Domain

DRAWS = 40
SEED = 7
DRAW = 3

def small_domain() -> Domain:
    """Three issues, one excluded pair, two belligerents and a patron whose veto reaches
    only the packages that use its guarantee; utilities that are not additive (the
    interaction terms), with a zone of agreement that is neither empty nor everything."""
    options = (("none", "half", "all"), ("no", "yes"), ("no", "yes"))
    rows = [o for o in itertools.product(range(3), range(2), range(2)) if o != (2, 1, 1)]
    outcomes = np.array(rows)
    a, b, c = outcomes.T
    share = (a + b + c) / 4
    utility = np.stack([share - 0.35 + 0.1 * a * b,
                        0.75 - share - 0.05 * a * c,
                        0.2 - 0.5 * c * b], axis=1)
    required = np.stack([np.ones(len(rows), bool), np.ones(len(rows), bool), c == 1], axis=1)
    return Domain(name="hand-made", issues=("territory", "relief", "guarantee"),
                  options=options, outcomes=outcomes, parties=("NO", "SO", "PA"),
                  utility=utility, required=required)
