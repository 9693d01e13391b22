"""Benchmark of the month-by-month bargaining solver (issue #13, DESIGN 19).

Run: python benchmarks/bench_solver.py [--scenario alaska-2025] [--draws 2000]
[--fitting-paths 4] [--candidates 48] [--repeat 1] [--loop-paths 50] [--loop-months 0,6]

Reports the solve's wall time and its throughput in path-months x candidate packages a
second (the backward pass over the fitting paths plus the forward pass), and the whole
``ceasefire analyze`` at its defaults, whose target is 30 s on two cores (DESIGN 19).

*Against a plain per-path loop* (issue #13, "Tests and benchmarks"): on the forward paths
of the solve (those of the forward pass's first round, every threat off) and with the
solve's own fits, one month t of the solver's vectorised step, ``_month`` then
``_offers`` over all N paths, is timed against :func:`plain_offers`, a plain Python loop
over paths, candidate packages and players that takes the same decisions from the same
inputs. For each path it recomputes, from scalars, everything the month step computes:
the fitted continuation C_j (standardised features times the fit's coefficients, each
player on its own belief), the control each moving option leaves (territory options and
the line drawn on the summit map), each package's territory and claim-completion changes,
flows, one-off terms, sanctions relief, collapse hazard, deal value V - b and war value
X - b, each belligerent's ratification probability and audience cost, the gains
r (V - X) - (1 - r_j) a_j, the threat jumps, then each proposer's offer (acceptance by
every veto player, the proposer's best accepted package, the mediator's plan tabled when
none is accepted). Its inputs are the month's state on the path (control, war cost,
sanctions loss, opinion shift, features), the fit's coefficients and the board's
per-option and per-player parameters on that path; only path-independent structure
(which options each package picks, who holds a veto, which regions each option moves) is
read once, untimed. The loop's gains and continuation values must equal the vectorised
ones to 1e-9 (relative) and its offers must equal the vectorised offers on every path it
visits (a differing offer passes only where it is a rounding tie: two scores, or a score
and its threshold, within that tolerance); the script stops with an AssertionError
otherwise. Throughput is path-months x candidate packages a second; the loop's is
measured on ``--loop-paths`` paths spread over the draws (it scales linearly in them),
and the ratio is vectorised / loop.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ceasefire._memory import keep_freed_memory
from ceasefire.bargaining import equilibrium
from ceasefire.bargaining.board import COMPLETE
from ceasefire.bargaining.equilibrium import (
    FULL_MONTHS,
    NEVER,
    START_MONTHS,
    SolverOptions,
    _Game,
    _game,
    _month,
    _offers,
    _Setting,
    _setting,
    solve,
)
from ceasefire.bargaining.outcome import Equilibrium
from ceasefire.bargaining.regression import Fit
from ceasefire.dynamics import WarPaths, simulate_war
from ceasefire.scenario.compile import CompiledScenario
from ceasefire.workflows import analyze
from ceasefire.workflows.prepare import prepare

TOLERANCE = 1e-9
"""Relative agreement required of the loop's gains and continuation values."""


# --- the solve, its fits and its forward paths --------------------------------------------


@contextmanager
def _capturing_fits(store: list) -> Iterator[None]:
    """Keep the fits of every backward pass run inside (the main solve's comes last)."""
    original = equilibrium._backward

    def backward(*args, **kwargs):
        fits = original(*args, **kwargs)
        store.append(fits)
        return fits

    equilibrium._backward = backward
    try:
        yield
    finally:
        equilibrium._backward = original


def solve_with_fits(compiled: CompiledScenario, expected: WarPaths, options: SolverOptions,
                    ) -> tuple[Equilibrium, list[Fit]]:
    """:func:`solve`, and the continuation-value fits of its backward pass."""
    store: list[list[Fit]] = []
    with _capturing_fits(store):
        eq = solve(compiled, expected, options)
    return eq, store[-1]


def forward_setting(compiled: CompiledScenario, expected: WarPaths, eq: Equilibrium,
                    options: SolverOptions) -> tuple[_Game, _Setting]:
    """The game and the forward paths of the solve's first forward round (threats off)."""
    game = _game(compiled, expected)
    months = max(eq.months, START_MONTHS) + 1
    starts = {lever: np.full(compiled.draws, NEVER) for lever, _ in game.threats}
    forward = compiled.with_months(months).with_lever_start(starts)
    terms = [dict(c.terms) for c in eq.candidates]
    at = _setting(expected, game, terms, forward, simulate_war(forward, noise=True), 1,
                  options.squares)
    return game, at


# --- the plain loop -------------------------------------------------------------------------


@dataclass(frozen=True)
class PlainBoard:
    """Path-independent structure of a board, as Python lists (read once, untimed)."""

    packages: list[list[int]]  # the columns each package picks
    required: list[list[bool]]  # [P][J] whose veto applies
    moves: list[tuple[int, list[int], str, object]]  # column, regions, kind, its data
    claims: list[tuple[int, int, list[int]]]  # actor (player), other (belligerent), regions
    uncovered: list[list[list[int]]]  # [P][claim] claim regions no chosen column moves
    constitutional: list[list[bool]]  # [B][C]
    bel: list[int]  # player index of each belligerent
    side: list[int]  # belligerent (side) of each player


def plain_board(at: _Setting) -> PlainBoard:
    """The structure :func:`plain_offers` reads, from the board of ``at``."""
    board = at.board
    s, compiled = board.scenario, board.compiled
    belligerents = s.belligerents
    moves = []
    for c, regions, (issue, option_id), _ in board.moves:
        option = next(o for o in issue.options if o.id == option_id)
        if issue.kind == "territory":
            prefix = f"issues.{issue.id}.options.{option.id}.control"
            control = np.stack([compiled.get(f"{prefix}.{b}") if b in option.control
                                else np.zeros(compiled.draws) for b in belligerents])
            moves.append((c, list(regions), "territory", control))  # [B, N]
        else:
            line = issue.line
            moves.append((c, list(regions), "line",
                          (belligerents.index(line.gainer), belligerents.index(line.loser),
                           float(option.x))))
    moved_by = {c: set(regions) for c, regions, _, _ in moves}
    claims = [(int(board.claims.actor[k]), int(board.claims.other[k]),
               [int(r) for r in regions]) for k, regions in enumerate(board.claims.regions)]
    packages = board.index.tolist()
    uncovered = [[[r for r in regions if not any(r in moved_by.get(c, ()) for c in cols)]
                  for _, _, regions in claims] for cols in packages]
    return PlainBoard(packages=packages, required=board.required.tolist(), moves=moves,
                      claims=claims, uncovered=uncovered,
                      constitutional=board.constitutional.tolist(),
                      bel=board.belligerents.tolist(), side=board.side.tolist())


def _expit(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _ndtr(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


@dataclass(frozen=True)
class PlainPath:
    """What the loop found on one path: offers ``[Q]``, tabled ``[Q]``, gains ``[P][J]``,
    continuation ``[J]`` and the threat jumps ``[J]`` (X after refusing the mediator, less X)."""

    package: list[int]
    tabled: list[bool]
    gain: list[list[float]]
    predicted: list[float]
    threatened: list[float]


def plain_decide(gain: Sequence[Sequence[float]], required: Sequence[Sequence[bool]],
                 threatened: Sequence[float], game: _Game) -> tuple[list[int], list[bool]]:
    """Each proposer's offer on one path from its gains ``[P][J]`` (MODELS.md 2.5)."""
    packages, tabled = [], []
    J = len(threatened)
    for player in game.proposer_player.tolist():
        mediator = player == game.mediator
        best, top = -1, -math.inf
        for p, row in enumerate(gain):
            ok = True
            for j in range(J):
                floor = threatened[j] if mediator else 0.0
                if j != player and required[p][j] and not row[j] >= floor:
                    ok = False
                    break
            if ok and row[player] > top:
                best, top = p, row[player]
        chosen = best >= 0 and (mediator or top >= 0)
        table = mediator and game.plan is not None and not chosen
        packages.append(game.plan if table else best if chosen else -1)
        tabled.append(table)
    return packages, tabled


def plain_path(pb: PlainBoard, game: _Game, at: _Setting, coef: list[list[float]],
               mean: list[float], scale: list[float], slopes: list[tuple[int, int, float]],
               t: int, n: int) -> PlainPath:
    """The month-``t`` decisions on path ``n``, from scalars (see the module docstring)."""
    board, track = at.board, at.track
    J = len(pb.side)
    # the month's state on the path
    control = track.paths.control[t][:, :, n].tolist()  # [R][B]
    war_cost = track.war_cost[t][:, n].tolist()
    lost = track.lost[t][:, n].tolist()
    opinion = track.opinion_shift[t][:, n].tolist()
    x = track.features[t][n].tolist()
    # the board's parameters on the path
    delta = board.discount[:, n].tolist()
    annuity = at.annuity[:, n].tolist()
    value = board.value[:, :, n].tolist()  # [J][R]
    flow, once = board.flow[:, :, n].tolist(), board.once[:, :, n].tolist()  # [J][C]
    conceded = board.conceded_columns[:, :, n].tolist()
    log_h, relief = board.log_hazard[:, n].tolist(), board.relief[:, n].tolist()
    shift, support = board.shift[:, :, n].tolist(), board.support[:, :, n].tolist()  # [B][C]
    threshold = board.threshold[:, :, n].tolist()  # [kind][B]
    spread = board.spread[:, n].tolist()
    base_logit, sensitivity = float(board.base_logit[n]), float(board.sensitivity[n])
    share = board.audience_share[:, n].tolist()
    peace = (board.peace_value[:, n] - board.cost_weight[:, n]
             * board.peace_spending[:, n]).tolist()
    summit = board.summit.control[0][:, :, n].tolist()
    area = board.summit.area_km2[:, n].tolist()
    claim_value = board.claims.value[:, n].tolist()
    threat_p = {lever: float(at.threat_p[lever][n]) for lever, _ in game.threats}

    # the continuation, each player on its own belief
    z = [(x[f] - mean[f]) / scale[f] for f in range(len(x))]
    predicted = [sum(zf * cf for zf, cf in zip(z, coef[j], strict=True)) for j in range(J)]
    threatened = [0.0] * J
    for (lever, target), (_, f, slope) in zip(game.threats, slopes, strict=True):
        threatened[target] += min(0.0, delta[target] * annuity[target] * slope * (1.0 - x[f])
                                  * threat_p[lever])

    # what each moving option leaves, and its change to each player's territory value
    after: dict[int, list[list[float]]] = {}
    territory: dict[int, list[float]] = {}
    for c, regions, kind, data in pb.moves:
        if kind == "territory":
            rows = [[float(v) for v in data[:, n]]]
        else:
            gainer, loser, x_line = data
            held = [summit[r][loser] * area[r] for r in regions]
            passing = x_line / 100 * sum(held)
            before, rows = 0.0, []
            for k, r in enumerate(regions):
                portion = min(max(passing - before, 0.0), held[k])
                before += held[k]
                line_share = summit[r][gainer] + portion / max(area[r], 1e-12)
                row = list(control[r])
                gained = max(line_share - row[gainer], 0.0)
                row[gainer] += gained
                row[loser] -= gained
                rows.append(row)
        after[c] = rows
        territory[c] = [sum(value[j][r] * (rows[k][pb.side[j]] - control[r][pb.side[j]])
                            for k, r in enumerate(regions)) for j in range(J)]

    # the claims: complete now, and which moving options would leave them incomplete
    complete_now = [0.0] * J
    fails: list[dict[int, bool]] = []
    open_now: list[dict[int, bool]] = []
    for k, (actor, other, regions) in enumerate(pb.claims):
        if all(control[r][other] <= COMPLETE for r in regions):
            complete_now[actor] += claim_value[k]
        mine = set(regions)
        fails.append({c: any(after[c][i][other] > COMPLETE
                             for i, r in enumerate(moved) if r in mine)
                      for c, moved, _, _ in pb.moves if mine & set(moved)})
        open_now.append({r: control[r][other] > COMPLETE for r in regions})

    gains = []
    for p, cols in enumerate(pb.packages):
        d_war, lost_ground = [0.0] * J, [0.0] * J
        for c in cols:
            if c in territory:
                for j in range(J):
                    d_war[j] += territory[c][j]
                    lost_ground[j] += max(-territory[c][j], 0.0)
        for k, (actor, _, _) in enumerate(pb.claims):
            failed = (any(fails[k].get(c, False) for c in cols)
                      or any(open_now[k][r] for r in pb.uncovered[p][k]))
            d_war[actor] += 0.0 if failed else claim_value[k]
        for j in range(J):
            d_war[j] -= complete_now[j]
        relief_p = min(sum(relief[c] for c in cols), 1.0)
        enforcement = -sum(log_h[c] for c in cols)
        change = [d_war[j] + sum(flow[j][c] for c in cols)
                  + (war_cost[j] + peace[j] - lost[j]) + relief_p * lost[j] for j in range(J)]
        post = [annuity[j] * predicted[j] + d_war[j] / (1 - delta[j]) for j in range(J)]
        survive = 1.0
        for b in pb.bel:
            renewed = post[b] - change[b] / (1 - delta[b])
            survive *= 1.0 - _expit(base_logit + sensitivity * renewed / annuity[b]
                                    - enforcement)
        h = 1.0 - survive
        own = [1.0] * J
        for i, b in enumerate(pb.bel):
            margin = math.inf
            for kind in (0, 1):
                lowest = min((support[i][c] for c in cols
                              if pb.constitutional[i][c] == bool(kind)), default=math.inf)
                if math.isinf(lowest):
                    continue
                base = min(max(lowest, 1e-9), 1 - 1e-9)
                moved = (_expit(math.log(base / (1 - base)) + opinion[i])
                         + sum(shift[i][c] for c in cols))
                margin = min(margin, min(max(moved, 0.0), 1.0) - threshold[kind][i])
            own[b] = 1.0 if math.isinf(margin) else _ndtr(margin / spread[i])
        ratify = 1.0
        for b in pb.bel:
            ratify *= own[b]
        row = []
        for j in range(J):
            deal = (sum(once[j][c] for c in cols)
                    + (change[j] + delta[j] * h * post[j]) / (1 - delta[j] * (1 - h)))
            war = delta[j] * annuity[j] * predicted[j]
            audience = share[j] * (sum(conceded[j][c] for c in cols)
                                   + lost_ground[j] / (1 - delta[j]))
            row.append(ratify * (deal - war) - (1 - own[j]) * audience)
        gains.append(row)
    package, tabled = plain_decide(gains, pb.required, threatened, game)
    return PlainPath(package=package, tabled=tabled, gain=gains, predicted=predicted,
                     threatened=threatened)


def plain_offers(pb: PlainBoard, game: _Game, at: _Setting, fitted: Fit, t: int,
                 weighting: np.ndarray, paths: Sequence[int]) -> list[PlainPath]:
    """The month-``t`` decisions of the plain loop, path by path."""
    J = len(game.players)
    w = [int(v) for v in weighting]
    coef = [fitted.coef[w[j], :, j].tolist() for j in range(J)]
    mean, scale = fitted.mean.tolist(), fitted.scale.tolist()
    slopes = [(target, at.track.flag_features[lever],
               float(fitted.slope(w[target], at.track.flag_features[lever])[target]))
              for lever, target in game.threats]
    return [plain_path(pb, game, at, coef, mean, scale, slopes, t, int(n)) for n in paths]


# --- checking and timing one month -----------------------------------------------------------


def _rounding_tie(gain: np.ndarray, required: np.ndarray, threatened: np.ndarray,
                  game: _Game, q: int, picks: tuple[int, int]) -> bool:
    """Whether two offers of proposer ``q`` differ only by a rounding tie.

    ``gain`` ``[P, J]`` are the vectorised gains on the path: a tie is two scores, a score
    and 0, or a responder's gain and its threshold, within :data:`TOLERANCE`.
    """
    tol = TOLERANCE * max(1.0, float(np.abs(gain[np.isfinite(gain)]).max(initial=0.0)))
    player = int(game.proposer_player[q])
    floor = threatened if player == game.mediator else np.zeros_like(threatened)
    real = [p for p in picks if p >= 0]
    scores = [gain[p, player] for p in real]
    if any(abs(s) <= tol for s in scores) or (len(scores) == 2
                                               and abs(scores[0] - scores[1]) <= tol):
        return True
    near = np.abs(gain - floor[None]) <= tol
    near[:, player] = False
    near &= required
    return bool(near.any())


def check_month(game: _Game, at: _Setting, fitted: Fit, t: int, paths: Sequence[int],
                ) -> dict:
    """Run the vectorised step and the plain loop on month ``t``; check they agree.

    Raises AssertionError where the loop's gains, continuation or threat jumps differ
    from the vectorised ones beyond :data:`TOLERANCE`, or an offer differs other than by a
    rounding tie. Returns the offers (``vectorised`` ``[Q, N]``) and the count of ties.
    """
    m = _month(game, at, fitted, t, game.weighting)
    offers = _offers(m, game)
    pb = plain_board(at)
    loop = plain_offers(pb, game, at, fitted, t, game.weighting, paths)
    threatened = np.zeros_like(m.predicted)
    for lever, target in game.threats:
        threatened[target] += m.jumps[lever][target]
    ties = 0
    for n, path in zip(paths, loop, strict=True):
        gain = m.gain[:, :, n]
        scale = max(1.0, float(np.abs(gain).max()))
        assert np.allclose(path.gain, gain, rtol=TOLERANCE, atol=TOLERANCE * scale), (
            f"month {t}, path {n}: the loop's gains differ from the vectorised ones by "
            f"{np.abs(np.array(path.gain) - gain).max():.3g}")
        for name, mine, theirs in (("continuation", path.predicted, m.predicted[:, n]),
                                   ("threat jumps", path.threatened, threatened[:, n])):
            assert np.allclose(mine, theirs, rtol=TOLERANCE,
                               atol=TOLERANCE * max(1.0, float(np.abs(theirs).max()))), (
                f"month {t}, path {n}: the loop's {name} {mine} differ from {theirs}")
        # the loop's decision rule on the vectorised gains gives the vectorised offers, exactly
        same, same_tabled = plain_decide(gain.tolist(), pb.required, threatened[:, n].tolist(),
                                         game)
        for q, offer in enumerate(offers):
            vec = (int(offer.package[n]), bool(offer.tabled[n]))
            assert (same[q], same_tabled[q]) == vec, (
                f"month {t}, path {n}, proposer {game.proposers[q]}: the plain decision rule "
                f"on the vectorised gains offers {same[q]} (tabled {same_tabled[q]}), "
                f"the solver {vec[0]} (tabled {vec[1]})")
            if (path.package[q], path.tabled[q]) != vec:
                assert _rounding_tie(gain, m.required, threatened[:, n], game, q,
                                     (path.package[q], vec[0])), (
                    f"month {t}, path {n}, proposer {game.proposers[q]}: the loop offers "
                    f"{path.package[q]} (tabled {path.tabled[q]}), the solver {vec[0]} "
                    f"(tabled {vec[1]})")
                ties += 1
    return {"vectorised": np.stack([o.package for o in offers]),
            "loop": np.array([p.package for p in loop]).T, "ties": ties}


def _best_time(run, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def compare_month(game: _Game, at: _Setting, fitted: Fit, t: int, loop_paths: int,
                  repeat: int = 3) -> dict:
    """Check month ``t`` on ``loop_paths`` paths spread over the draws, and time both ways.

    Throughputs in path-months x candidate packages a second (best of ``repeat``).
    """
    n = at.annuity.shape[-1]
    P = len(at.board.index)
    paths = np.unique(np.linspace(0, n - 1, min(loop_paths, n)).round().astype(int)).tolist()
    checked = check_month(game, at, fitted, t, paths)
    pb = plain_board(at)
    vectorised = _best_time(lambda: _offers(_month(game, at, fitted, t, game.weighting), game),
                            repeat)
    loop = _best_time(lambda: plain_offers(pb, game, at, fitted, t, game.weighting, paths),
                      max(1, repeat - 1))
    return {"month": t, "paths": len(paths), "draws": n, "packages": P,
            "ties": checked["ties"], "vectorised_s": vectorised, "loop_s": loop,
            "vectorised": n * P / vectorised, "loop": len(paths) * P / loop}


# --- the script ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="alaska-2025")
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--fitting-paths", type=int, default=4)
    parser.add_argument("--candidates", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--loop-paths", type=int, default=50,
                        help="paths the plain per-path loop visits (0: skip the comparison)")
    parser.add_argument("--loop-months", default="0,6",
                        help="forward months compared against the loop, comma-separated")
    parser.add_argument("--no-analyze", action="store_true",
                        help="skip timing the whole analyze")
    args = parser.parse_args()
    keep_freed_memory()
    prepared = prepare(args.scenario, draws=args.draws, rng=1)
    options = SolverOptions(fitting_paths=args.fitting_paths, candidates=args.candidates)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        eq, fits = solve_with_fits(prepared.compiled, prepared.expected, options)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    window = max(eq.months, START_MONTHS)
    full = min(window + FULL_MONTHS, eq.solver_horizon - 1)
    k = args.fitting_paths
    path_months = (args.draws * (eq.solver_horizon - full) + args.draws * k * (full + 1)
                   + args.draws * eq.months)
    print(f"solve {args.scenario}: {args.draws} outer draws x {k} fitting paths, "
          f"{len(eq.candidates)} candidates, T = {eq.solver_horizon} months")
    print(f"  {seconds:.2f} s; {path_months * len(eq.candidates) / seconds / 1e6:.2f} M "
          "path-month-packages a second")
    if args.loop_paths > 0:
        game, at = forward_setting(prepared.compiled, prepared.expected, eq, options)
        months = [int(v) for v in args.loop_months.split(",") if v.strip()]
        for t in months:
            if not 0 <= t < min(eq.months, len(fits)):
                raise SystemExit(f"--loop-months: month {t} is outside 0..{eq.months - 1}")
        print(f"month step against a plain per-path loop (forward paths, {args.draws} draws, "
              f"{len(eq.candidates)} candidates, {len(game.proposers)} proposers; the loop "
              "recomputes continuation, values, ratification, hazard, gains and offers "
              "from scalars)")
        for t in months:
            r = compare_month(game, at, fits[t], t, args.loop_paths)
            print(f"  month {t}: offers agree on {r['paths']} paths x {len(game.proposers)} "
                  f"proposers ({r['ties']} rounding ties); vectorised {r['vectorised_s'] * 1e3:.1f}"
                  f" ms for {r['draws']} paths = {r['vectorised'] / 1e6:.3f} M, loop "
                  f"{r['loop_s'] * 1e3:.0f} ms for {r['paths']} paths = "
                  f"{r['loop'] / 1e3:.2f} k path-month-packages a second; "
                  f"ratio {r['vectorised'] / r['loop']:.0f}x")
    if not args.no_analyze:
        start = time.perf_counter()
        analyze(args.scenario, rng=1, draws=args.draws, workers=2)
        print(f"analyze {args.scenario} at {args.draws} draws (no report): "
              f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
