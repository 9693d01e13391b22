"""Small tables shared by the forecast tests."""

from __future__ import annotations

import numpy as np

from ceasefire.forecast import StakeholderTable, make_table


def random_table(seed: int, n: int = 8, dims: int = 1, status_quo: bool = True) -> StakeholderTable:
    """A table with continuous random positions (no exact ties) on 0-100."""
    rng = np.random.default_rng(seed)
    sal = rng.uniform(0.1, 1.0, (n, dims))
    sal = sal / np.maximum(1.0, sal.sum(axis=1, keepdims=True))
    return make_table(
        actor_ids=[f"a{i}" for i in range(n)],
        positions=rng.uniform(5, 95, (n, dims)),
        saliences=sal,
        capabilities=rng.uniform(1, 100, n),
        dimension_ids=[f"d{k}" for k in range(dims)],
        scale_low=[0.0] * dims,
        scale_high=[100.0] * dims,
        status_quo=rng.uniform(5, 95, dims) if status_quo else None,
    )


EMISSION_STANDARDS = "peers/eum/data/with_outcomes/bdm1994_emission_standards.tsv"
"""BDM (1994) emission standards, relative to the reference folder ``../shared``."""


def emission_table(shared_file) -> StakeholderTable:
    """The emission standards table; ``shared_file`` is the conftest fixture of that name."""
    from ceasefire.forecast import read_eum_table

    return read_eum_table(shared_file(EMISSION_STANDARDS))
