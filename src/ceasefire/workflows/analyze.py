"""``analyze`` and ``whatif``: the main job and its variations, on prepared draws."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ceasefire.bargaining.analysis import AnalysisOptions, run_analysis
from ceasefire.bargaining.summary import summarise
from ceasefire.deals import DealOptions, explore_deals
from ceasefire.errors import InputError
from ceasefire.results import AnalyzeResult, SensitivityResult, WhatifResult
from ceasefire.scenario.compile import resolve_seed
from ceasefire.scenario.edit import with_values
from ceasefire.sensitivity.run import SensitivityOptions
from ceasefire.workflows.forecast import scenario_forecast
from ceasefire.workflows.prepare import ScenarioSource, prepare, scenario_of

__all__ = ["SENSITIVITY_DEFAULTS", "analyze", "sensitivity_options", "whatif"]

Progress = Callable[[str, float], None]


SENSITIVITY_DEFAULTS: dict[str, Any] = {"method": "morris", "samples": 8, "replicates": 1,
                                        "fit_draws": 250}
"""The sensitivity section's defaults: Morris screening of every uncertain parameter with 8
trajectories of one forward path each, the game fitted on the analysis's first 250 draws.
A forward pass costs about as much on 8 paths as on 1 (its months are the loop), so the
cost is about (parameters + 1) passes: 341 on ``alaska-2025`` (docs/sensitivity.md)."""


def sensitivity_options(**changes: Any) -> SensitivityOptions:
    """The options of ``analyze``'s sensitivity section, with ``changes`` applied.

    :data:`SENSITIVITY_DEFAULTS` with ``changes`` on top, checked; ``fit_draws`` is the
    subset of the analysis's draws the game is fitted on, ``samples`` the Morris
    trajectories (or Sobol base samples).
    """
    return SensitivityOptions.of(**{**SENSITIVITY_DEFAULTS, **changes})


def analyze(scenario: ScenarioSource, options: AnalysisOptions | None = None, *,
            rng: int | np.random.Generator | None = None,
            deals: DealOptions | None = None,
            sensitivity: SensitivityOptions | None = None,
            sensitivity_workers: int | None = None, progress: Progress | None = None,
            **changes: Any) -> AnalyzeResult:
    """Run every engine on a scenario and return the typed result.

    Parameters
    ----------
    scenario
        A Scenario, a built-in name or a YAML path.
    options
        :class:`AnalysisOptions`; keyword ``changes`` (``draws=5000``, ``workers=2``...)
        are applied on top and checked.
    rng
        Root seed or Generator; the seed used is recorded in the result.
    deals
        Also explore the deal space on the first ``deals.draws`` draws (same seed).
    sensitivity
        Also run the sensitivity analysis (:func:`ceasefire.sensitivity.sensitivity`,
        e.g. :func:`sensitivity_options`), on the same seed, its game fitted on the first
        ``sensitivity.fit_draws`` draws of the analysis (a subset) with the analysis's
        candidate packages.
    sensitivity_workers
        Play the sensitivity's sample on that many local processes (Dask; the numbers do
        not change); default in this process. Processes start the calling script afresh
        (``spawn``): a script that asks for them needs ``if __name__ == "__main__":``.
    progress
        Optional callback ``(stage, fraction done)``.
    """
    options = AnalysisOptions.of(options, **changes)
    tell = progress or (lambda stage, done: None)
    start = time.perf_counter()
    tell("sampling", 0.0)
    prepared = prepare(scenario, draws=options.draws, rng=rng, horizon=options.horizon)
    if sensitivity is not None:  # its outputs and parameters, before any work
        from ceasefire.sensitivity.design import require_salib
        from ceasefire.sensitivity.run import check

        check(prepared.scenario, sensitivity)
        require_salib()
    analysis = run_analysis(prepared.compiled, prepared.expected, options, progress=tell)
    result = summarise(analysis)
    extra: dict[str, Any] = {}
    if deals is not None and prepared.scenario.issues:
        tell("deal space", 0.8)
        deals = DealOptions.of(deals, workers=options.workers)
        sub = prepared.subset(deals.draws)
        # the analysis's equilibrium when the draws are the same; else solved on the subset
        extra["deals"] = explore_deals(sub.compiled, sub.expected, deals,
                                       equilibrium=analysis.equilibrium)
    if sensitivity is not None:
        tell("sensitivity", 0.85)
        extra["sensitivity"] = _sensitivity(
            prepared, analysis, sensitivity, sensitivity_workers,
            lambda stage, done: tell(f"sensitivity: {stage}", 0.85 + 0.05 * done))
    if prepared.scenario.stakeholders is not None:
        tell("stakeholder forecast", 0.9)
        extra["forecast"] = scenario_forecast(prepared.scenario)
    wall = dict(result.run["wall_s"], total=round(time.perf_counter() - start, 4))
    run = {**result.run, "wall_s": wall, "workers": options.workers,
           **{name: part.run for name, part in extra.items()}}
    typed = result.replace(**{name: part.nested() for name, part in extra.items()}, run=run)
    tell("done", 1.0)
    return typed


def _sensitivity(prepared: Any, analysis: Any, options: SensitivityOptions,
                 workers: int | None, progress: Progress) -> SensitivityResult:
    """The sensitivity section: fitted on the analysis's first draws, on its seed."""
    from ceasefire.sensitivity import sensitivity

    sub = prepared.subset(options.fit_draws)
    equilibrium = analysis.equilibrium
    return sensitivity(prepared.scenario, options, rng=prepared.seed, base=sub,
                       candidates=equilibrium.candidates if equilibrium is not None else None,
                       workers=workers if workers and workers > 1 else None,
                       progress=progress)


def whatif(scenario: ScenarioSource, options: AnalysisOptions | None = None, *,
           changes: Mapping[str, Any] | None = None, levers: Mapping[str, bool] | None = None,
           rng: int | np.random.Generator | None = None, **option_changes: Any,
           ) -> WhatifResult:
    """Analyse a scenario and a changed copy of it on the same draws.

    Parameters
    ----------
    changes
        Dotted parameter path -> new value (validated like a file).
    levers
        Lever id -> ``True`` (it happens: probability 1) or ``False`` (switched off).
    options, option_changes, rng
        As for :func:`analyze`; both runs use the same seed (common random numbers).
    """
    base_scenario = scenario_of(scenario)
    changes = dict(changes or {})
    levers = dict(levers or {})
    known = [lever.id for lever in base_scenario.levers]
    unknown = sorted(set(levers) - set(known))
    if unknown:
        raise InputError(f"--lever: unknown lever(s) {', '.join(map(repr, unknown))}; "
                         f"known levers of {base_scenario.id}: {', '.join(known) or 'none'}")
    set_values = dict(changes)
    for lever_id, on in levers.items():
        set_values[f"levers.{lever_id}.probability"] = 1.0 if on else 0.0
    variant_scenario = with_values(base_scenario, set_values)
    seed = resolve_seed(rng)
    # the two runs are the comparison: neither needs its own leverage decomposition
    options = AnalysisOptions.of(options, **{"leverage": False, **option_changes})
    base = analyze(base_scenario, options, rng=seed)
    variant = analyze(variant_scenario, options, rng=seed)
    return WhatifResult.compare(base, variant, changes=changes, levers=levers)
