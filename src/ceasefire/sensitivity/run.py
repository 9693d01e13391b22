"""``sensitivity``: which uncertain parameters drive the forecast, and by how much.

The steps: compile the scenario and fit the bargaining game once on its own draws; lay a
Sobol (Saltelli) or Morris design over the quantiles of every uncertain parameter (or the
ones chosen); refit on a base widened by the design's extreme rows if sampled parameters
that enter the regression features leave the fitted ranges; play every row by the forward
pass, in blocks (in process, on local workers or on a Dask cluster); turn the outputs into
indices with their confidence intervals (docs/sensitivity.md).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from ceasefire.errors import InputError
from ceasefire.options import Options
from ceasefire.results.sensitivity import (
    FitReport,
    OutputIndices,
    ParameterIndex,
    ParameterInfo,
    SensitivityResult,
)
from ceasefire.scenario import Scenario
from ceasefire.scenario.compile import compile_scenario, resolve_seed
from ceasefire.sensitivity.outputs import LINE_GRID

__all__ = ["CHANCE", "SensitivityOptions", "sensitivity"]

CHANCE = "chance"
"""The factor that stands for the war's own randomness in a Sobol design."""

Progress = Callable[[str, float], None]


class SensitivityOptions(Options):
    """The choices of a sensitivity analysis (the seed comes apart, as ``rng``)."""

    method: Literal["sobol", "morris"] = Field("sobol", description=(
        "sobol: first- and total-order indices (Saltelli); morris: screening (mu*, sigma)."))
    samples: int = Field(64, ge=2, le=65_536, description=(
        "Sobol base samples (a power of two) or Morris trajectories; the forward paths "
        "played are samples x (parameters + 3) x replicates (Sobol) or samples x "
        "(parameters + 1) x replicates (Morris)."))
    replicates: int = Field(4, ge=1, le=256, description=(
        "Forward paths averaged per sample row (the outputs are random: the war's noise)."))
    outputs: tuple[str, ...] | None = Field(None, description=(
        "Output ids, families (deal, accept, control, regions, all) or globs; default: "
        "deal-12, deal-24, every accept output and control."))
    parameters: tuple[str, ...] | None = Field(None, description=(
        "Globs of the parameter paths to analyse (default: every uncertain parameter); "
        "the others are held at their central values."))
    fit_draws: int = Field(1000, ge=20, le=20_000, description=(
        "Outer draws of the one fit of the bargaining game."))
    confidence: float = Field(0.95, gt=0.5, lt=1.0, description=(
        "Level of the bootstrap confidence intervals."))
    block_rows: int = Field(256, ge=1, le=65_536, description=(
        "Sample rows per work item (a block of one layer of the design)."))
    evaluation: Literal["forward", "resolve"] = Field("forward", description=(
        "forward: one fit, forward passes only; resolve: fit the game again on every "
        "block (the slow check of the forward-only evaluation)."))
    fitting_paths: int = Field(4, ge=1, le=64, description=(
        "Fitting paths per outer draw of the bargaining solver's regressions."))
    candidates: int = Field(48, ge=1, le=128, description=(
        "Candidate packages of the bargaining solver."))


def _scenario(source: Scenario | str | Path) -> Scenario:
    from ceasefire.workflows.prepare import scenario_of

    return scenario_of(source)


def check(source: Scenario | str | Path, options: SensitivityOptions) -> tuple[Scenario, Any,
                                                                                Any, Any]:
    """Validate the scenario, the outputs and the parameters before any work.

    Returns the scenario, its output choices, the chosen outputs and the chosen parameters
    (with every uncertain one).
    """
    from ceasefire.sensitivity.outputs import output_choices, select_outputs
    from ceasefire.sensitivity.parameters import select_parameters, uncertain_parameters

    scenario = _scenario(source)
    if not scenario.proposals:
        raise InputError(f"scenario {scenario.id!r} has no named proposals: the bargaining "
                         "game needs some; fix: add a proposals section")
    players = [a.id for a in scenario.actors if a.veto != "none"]
    choices = output_choices(scenario, players)
    outputs = select_outputs(choices, options.outputs)
    if options.method == "sobol" and (options.samples < 4
                                      or options.samples & (options.samples - 1)):
        raise InputError(f"--draws {options.samples}: Sobol needs a power of two of at "
                         "least 4 base samples (the Sobol' sequence's balance); fix: use "
                         "e.g. 32, 64 or 128, or --method morris")
    uncertain = uncertain_parameters(compile_scenario(scenario, draws=1, rng=0))
    if not uncertain:
        raise InputError(f"scenario {scenario.id!r} has no uncertain parameter: nothing to "
                         "analyse; fix: give some numbers as ranges ({low, mode, high})")
    chosen = select_parameters(uncertain, options.parameters)
    return scenario, outputs, chosen, uncertain


def sensitivity(source: Scenario | str | Path, options: SensitivityOptions | None = None, *,
                rng: int | np.random.Generator | None = None, workers: int | None = None,
                scheduler: str | None = None, progress: Progress | None = None,
                base: Any = None, candidates: Sequence[Any] | None = None,
                ) -> SensitivityResult:
    """Sensitivity of the outputs to the scenario's uncertain parameters.

    Parameters
    ----------
    source
        A scenario, a built-in name or a YAML file.
    options
        :class:`SensitivityOptions` (method, samples, replicates, outputs, parameters).
    rng
        Root seed or Generator (drawn and recorded when None).
    workers, scheduler
        Play the blocks on ``workers`` local processes or on a Dask scheduler (the numbers
        are the same either way).
    progress
        Optional callback ``(stage, fraction done)``.
    base
        The draws to fit the game on (a :class:`ceasefire.workflows.prepare.Prepared` of
        the same scenario, e.g. the first draws of an analysis on the same seed); default
        the scenario's first ``options.fit_draws`` draws on ``rng``.
    candidates
        The packages the fitted game may offer (e.g. an analysis's own, so that the
        sample plays the same game); default: the fit searches them.

    References
    ----------
    1. Saltelli, A. et al. (2010) *Computer Physics Communications* 181(2): 259-270.
       doi:10.1016/j.cpc.2009.09.018
    2. Morris, M. D. (1991) *Technometrics* 33(2): 161-174.
       doi:10.1080/00401706.1991.10484804
    3. Longstaff, F. & Schwartz, E. (2001) *Review of Financial Studies* 14(1): 113-147.
       doi:10.1093/rfs/14.1.113
    """
    from ceasefire.bargaining.equilibrium import SolverOptions, fit_game, play
    from ceasefire.dynamics import simulate_war
    from ceasefire.results.base import ScenarioMeta
    from ceasefire.sensitivity.design import analyse, design, require_salib
    from ceasefire.sensitivity.evaluate import (
        Layers,
        Task,
        build_rows,
        concatenate,
        feature_parameters,
        fit_for,
        out_of_range,
        run_items,
    )
    from ceasefire.workflows.prepare import prepare

    options = options or SensitivityOptions()
    tell = progress or (lambda stage, done: None)
    clock = {"start": time.perf_counter()}
    scenario, outputs, chosen, uncertain = check(source, options)
    require_salib()
    seed = resolve_seed(rng)
    design_seed, noise_root, edge_seed, cover_seed, fit_seed = (
        np.random.SeedSequence(seed, spawn_key=(0x5E45, k)) for k in range(5))

    tell("fitting the bargaining game", 0.0)
    if base is None:
        base = prepare(scenario, draws=options.fit_draws, rng=seed)
    elif base.scenario.id != scenario.id:
        raise InputError(f"base: draws of scenario {base.scenario.id!r}, not of "
                         f"{scenario.id!r}; fix: fit on the analysed scenario's draws")
    solver = SolverOptions(fitting_paths=options.fitting_paths, candidates=options.candidates)
    fitted = fit_game(base.compiled, base.expected, solver,
                      candidates=tuple(candidates) if candidates is not None else None)
    clock["fit"] = time.perf_counter()

    notes = []
    if not options.outputs:  # leave out parties without a say over a proposal
        probe = base.compiled.subset(min(8, base.compiled.draws))
        required = play(probe, simulate_war(probe, noise=False), fitted, truces=False).required
        players = list(fitted.game.players)
        outputs = tuple(o for o in outputs if o.family != "accept"
                        or required[o.proposal, players.index(o.party)])

    analysed = tuple(uncertain.index(p) for p in chosen)
    names = [p.path for p in chosen] + ([CHANCE] if options.method == "sobol" else [])
    d = design(options.method, names, options.samples,
               rng=np.random.default_rng(design_seed))
    k = len(chosen)
    if options.method == "sobol":  # A and the A_B(i) of the parameters play on A's noise
        groups = [0] * (k + 1) + [1, 1]
    else:  # a Morris trajectory plays on one set of paths
        groups = [0] * (k + 1)
    unit_points = d.layers if options.method == "sobol" else _morris_units(d.layers)
    layers = Layers.of(options.method, unit_points, groups)
    template = base.compiled.subset(1)

    # refit only when a parameter that enters the features leaves the fitted range
    extremes = np.stack([unit_points.min(axis=(0, 1)), unit_points.max(axis=(0, 1))])[:, :k]
    edges = build_rows(template, uncertain, analysed, extremes, noise=edge_seed)
    outside = out_of_range(base.compiled, edges, feature_parameters(base.compiled))
    fit_draws = base.compiled.draws
    if outside and options.evaluation == "forward":
        tell("fitting again on a wider base", 0.05)
        rows = np.concatenate([unit_points[0], unit_points[-1]])[:, :k]
        cover = concatenate(base.compiled,
                            build_rows(template, uncertain, analysed, rows, noise=cover_seed),
                            fit_seed)
        fitted = fit_for(cover, solver, candidates=fitted.candidates)
        fit_draws = cover.draws
        notes.append(f"refitted on {cover.draws} draws (the scenario's {base.compiled.draws} "
                     f"and the design's {rows.shape[0]} extreme rows): "
                     f"{', '.join(outside)} left the range of the first fit")
        clock["fit"] = time.perf_counter()

    task = Task(template=template, uncertain=uncertain, analysed=analysed, fitted=fitted,
                outputs=outputs, replicates=options.replicates, layers=layers,
                block_rows=options.block_rows, noise_root=noise_root,
                resolve=options.evaluation == "resolve")
    values = run_items(task, workers=workers, scheduler=scheduler,
                       progress=lambda stage, done: tell(stage, 0.1 + 0.85 * done))
    clock["play"] = time.perf_counter()
    indices = analyse(d, values, confidence=options.confidence)
    notes += _notes(options, outputs, indices)
    result = SensitivityResult(
        scenario=ScenarioMeta.of(scenario), seed=seed, draws=options.samples,
        method=options.method, confidence=options.confidence, samples=options.samples,
        replicates=options.replicates,
        evaluations=layers.count * layers.rows * options.replicates,
        parameters={p.path: _info(p) for p in chosen},
        outputs={o.id: _output(o.label, indices, i, k, options.method)
                 for i, o in enumerate(outputs)},
        fit=FitReport(draws=fit_draws, refit=bool(outside) and options.evaluation == "forward",
                      outside=outside, evaluation=options.evaluation),
        notes=notes)
    end = time.perf_counter()
    return result.with_run(
        wall_s={"fit": round(clock["fit"] - clock["start"], 3),
                "play": round(clock["play"] - clock["fit"], 3),
                "total": round(end - clock["start"], 3)},
        workers=workers or 1, scheduler=scheduler, block_rows=options.block_rows)


def _morris_units(layers: np.ndarray) -> np.ndarray:
    from ceasefire.sensitivity.design import morris_quantiles

    return morris_quantiles(layers)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _info(p: Any) -> ParameterInfo:
    low, high = p.range()
    return ParameterInfo(kind=p.kind, distribution=p.describe(), low=low, high=high,
                         central=p.central())


def _index(indices: Any, o: int, i: int) -> ParameterIndex:
    fields = ("first", "first_ci", "total", "total_ci", "mu_star", "mu_star_ci", "sigma",
              "mu")
    return ParameterIndex(**{f: _finite(getattr(indices, f)[o, i]) for f in fields})


def _output(label: str, indices: Any, o: int, k: int, method: str) -> OutputIndices:
    entries = {indices.names[i]: _index(indices, o, i) for i in range(k)}
    ranked = dict(sorted(entries.items(), key=lambda kv: -kv[1].importance))
    return OutputIndices(label=label, mean=float(indices.mean[o]),
                         variance=float(indices.variance[o]), indices=ranked,
                         chance=_index(indices, o, k) if method == "sobol" else None)


def _notes(options: SensitivityOptions, outputs: Any, indices: Any) -> list[str]:
    notes = [f"each sample row is played on {options.replicates} forward path(s) and the "
             "outputs averaged: the indices explain that average (docs/sensitivity.md)"]
    if options.method == "sobol":
        notes.append(f"'{CHANCE}' is the war's own randomness as one more factor: its total "
                     "order is the share of the variance no assumption explains")
    constant = [o.id for i, o in enumerate(outputs) if not indices.variance[i] > 0]
    if constant:
        notes.append(f"no variance over the sample, so no indices: {', '.join(constant)}")
    if any(o.family == "line" for o in outputs):
        notes.append("the line question's reservation points are read on a grid of "
                     f"{LINE_GRID} lines (steps of {100 / (LINE_GRID - 1):g}); a gainer that "
                     "accepts no line counts as 100, a loser that concedes none as 0")
    return notes
