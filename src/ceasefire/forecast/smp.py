"""KTAB's Spatial Model of Politics (SMP), multi-dimensional, vectorised with numpy.

Each turn: (1) risk attitudes from a capability-weighted PCE over current positions;
(2) every actor picks the challenge with the highest expected gain, judged from its own
perspective with third parties voting in "little conflicts"; (3) the initiator proposes
an interpolated bargain; (4) every actor chooses among its queue of bargains by a PCE and
moves. The run stops when a turn's movement falls below 2 % of the first turn's.

The defaults reproduce the real ``smpc`` (KTAB release 1.4) on its example files: same
turn counts, final positions equal at KTAB's printed precision (0.01 on 0-100). To get
there the code keeps KTAB's arithmetic order where ties can flip (sequential sums, first
index wins), rounds bargains to 1e-4 the way KTAB does, and uses its floors.

References
----------
Wise, B., Lester, S. & Efird, B. KTAB: the KAPSARC Toolkit for Behavioral Analysis,
``examples/smp`` (MIT licence, release 1.4, 2019). Efird, B., Lester, S. & Wise, B. (2016)
Analyzing coalitions in China's policy formulation. *Journal of East Asian Studies* 16,
117-145, doi:10.1017/jea.2015.4. Restated in ``shared/peers/ktab/ALGORITHM.md`` §2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ceasefire.errors import InputError, ModelError
from ceasefire.forecast._pce import in_blocks, scalar_pce, scalar_pce_many, sequential_sum
from ceasefire.forecast._smp_kernels import (
    POSITION_TOLERANCE,
    STOP_GUARD,
    best_challenges,
    challenge_probabilities,
    interpolate_bargain,
    perceived_risk,
    risk_from_probability,
    risk_utility,
    salience_distance,
)
from ceasefire.forecast.results import ForecastResult
from ceasefire.forecast.table import StakeholderTable

__all__ = ["MAX_ACTORS", "SMPOptions", "smp"]

_ADJUST = {"None": 0.0, "OneThird": 1 / 3, "Half": 0.5, "TwoThirds": 2 / 3, "Full": 1.0}


@dataclass(frozen=True)
class SMPOptions:
    """Options of the SMP model; the defaults are KTAB's.

    Attributes
    ----------
    victory_prob_model, pce_model, state_transition, voting_rule, big_r_adjust,
    big_r_range, third_party_commit, inter_vec_brgn, bargn_model
        KTAB's nine parameters, with its names and defaults.
    third_party_rule
        ``"ktab"``: the Sum-of-Utilities vote of KTAB (under SemiCommit a third party can
        hedge and back the side it likes less). ``"prefer"``: a third party votes for
        the side whose position it prefers, ``e_n (U_ni - U_nj)`` (the intuitive reading).
    pairwise_weights
        ``"ktab"``: PWCompInterp weights both bargains with the initiator's capability
        (KTAB's code); ``"corrected"``: initiator's and receiver's own c·S.
    max_turns, min_turns, stop_ratio
        Stopping rule: stop at ``max_turns`` or once ``turn >= min_turns`` and the turn's
        movement is below ``stop_ratio`` of the first turn's.
    seed
        Seed for ``state_transition="Stochastic"`` (ignored otherwise).
    threads
        Worker threads for the O(N^3) blocks (``None``: up to 4 by CPU count, when a step
        has at least 16 blocks, i.e. above about 110 actors). Blocks write disjoint
        slices, so results do not depend on it.
    screening
        Rank challenge targets with a fast pass and evaluate only the near-best ones in
        KTAB's exact order of operations (same results, about twice as fast); ``False``
        evaluates every pair exactly.
    """

    victory_prob_model: Literal["Linear", "Square", "Quartic", "Octic", "Binary"] = "Linear"
    pce_model: Literal["Conditional", "MarkovIncentive", "MarkovUniform"] = "Conditional"
    state_transition: Literal["Deterministic", "Stochastic"] = "Deterministic"
    voting_rule: Literal["Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"] = "Prop"
    big_r_adjust: Literal["None", "OneThird", "Half", "TwoThirds", "Full"] = "OneThird"
    big_r_range: Literal["Min", "Mid", "Max"] = "Mid"
    third_party_commit: Literal["NoCommit", "SemiCommit", "FullCommit"] = "SemiCommit"
    inter_vec_brgn: Literal["S1P1", "S2P2", "S2PMax"] = "S2P2"
    bargn_model: Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"] = "InitOnlyInterp"
    third_party_rule: Literal["ktab", "prefer"] = "ktab"
    pairwise_weights: Literal["ktab", "corrected"] = "ktab"
    max_turns: int = 100
    min_turns: int = 2
    stop_ratio: float = 0.02
    seed: int | None = None
    threads: int | None = None
    screening: bool = True

    def __post_init__(self) -> None:
        allowed = {
            "victory_prob_model": ("Linear", "Square", "Quartic", "Octic", "Binary"),
            "pce_model": ("Conditional", "MarkovIncentive", "MarkovUniform"),
            "state_transition": ("Deterministic", "Stochastic"),
            "voting_rule": ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"),
            "big_r_adjust": tuple(_ADJUST),
            "big_r_range": ("Min", "Mid", "Max"),
            "third_party_commit": ("NoCommit", "SemiCommit", "FullCommit"),
            "inter_vec_brgn": ("S1P1", "S2P2", "S2PMax"),
            "bargn_model": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
            "third_party_rule": ("ktab", "prefer"),
            "pairwise_weights": ("ktab", "corrected"),
        }
        for name, values in allowed.items():
            if getattr(self, name) not in values:
                raise InputError(
                    f"SMPOptions.{name}: got {getattr(self, name)!r}; allowed: "
                    f"{', '.join(values)} (hint: KTAB's default is {values[0]!r} or see docs)"
                )
        if self.max_turns < 1 or self.min_turns < 1:
            raise InputError(f"SMPOptions: max_turns={self.max_turns}, min_turns="
                             f"{self.min_turns}; both must be at least 1")


MAX_ACTORS = 300
"""Actors SMP takes (200 actors run in about 6 s; the cost grows as the cube)."""

_CUBE_CELLS = 1 << 24
"""Elements of one block of the bargain-value cube (128 MiB in float64)."""


def _unique_positions(positions: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Return representatives of positions closer than 1e-3 (first come first served)."""
    n = positions.shape[0]
    diff = positions[:, None, :] - positions[None, :, :]
    close = np.sqrt((diff * diff).sum(axis=2)) < POSITION_TOLERANCE
    unique: list[int] = []
    cls = np.zeros(n, dtype=int)
    for i in range(n):
        hits = np.flatnonzero(close[i, unique]) if unique else ()
        if len(hits):
            cls[i] = hits[0]
        else:
            cls[i] = len(unique)
            unique.append(i)
    return unique, cls


def _win_probabilities(
    dist: np.ndarray, positions: np.ndarray, risk: np.ndarray, r_est: np.ndarray,
    cap: np.ndarray, options: SMPOptions,
) -> np.ndarray:
    """KTAB's reported win probability of each actor's position (PCE over unique positions)."""
    unique, cls = _unique_positions(positions)
    own = risk_utility(dist, np.diag(r_est)[:, None])
    p = scalar_pce(own[:, unique], cap, options.voting_rule, options.victory_prob_model,
                   options.pce_model, options.threads)
    return p[cls]


def _turn(
    x: np.ndarray, y: np.ndarray, sal: np.ndarray, cap: np.ndarray, options: SMPOptions,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One SMP turn from positions ``x`` and ideals ``y`` (``[N, D]`` on [0, 1])."""
    n = x.shape[0]
    total_salience = sequential_sum(0.0, sal, axis=1)
    power = cap * total_salience
    dist = salience_distance(y, x, sal)  # [i, j]: i's ideal to j's position
    neutral = risk_utility(dist, 0.0)
    p_pos = scalar_pce(neutral, cap, options.voting_rule, options.victory_prob_model,
                       options.pce_model, options.threads)
    risk = risk_from_probability(p_pos, options.big_r_range)
    r_est = perceived_risk(risk, options.big_r_adjust)
    win_prob = _win_probabilities(dist, x, risk, r_est, cap, options)

    target, p_win, gain = best_challenges(dist, r_est, power, total_salience, options)

    # Bargains, queued in initiator order on both parties' queues (SQ first).
    bargains: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    queues: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        j = int(target[i])
        if j < 0:
            continue
        b_i, b_j = interpolate_bargain(x[i], sal[i], p_win[i], x[j], sal[j], 1 - p_win[i],
                                       options.inter_vec_brgn)
        made = [(b_i, b_j)]
        if options.bargn_model != "InitOnlyInterp":
            p_j_view = float(challenge_probabilities(
                np.array([j]), dist, r_est, power, options)[0][0, i])
            # j's view of i's chance is 1 - P_j(j beats i).
            p_rcv = 1.0 - p_j_view
            c_i, c_j = interpolate_bargain(x[i], sal[i], p_rcv, x[j], sal[j], 1 - p_rcv,
                                           options.inter_vec_brgn)
            if options.bargn_model == "InitRcvrInterp":
                made.append((c_i, c_j))
            else:
                w_i = cap[i] * total_salience[i]
                w_j = (cap[i] if options.pairwise_weights == "ktab" else cap[j]) * total_salience[j]
                total = w_i + w_j
                made = [((w_i * b_i + w_j * c_i) / total, (w_i * b_j + w_j * c_j) / total)]
        for pos_i, pos_j in made:
            bargains.append((i, j, pos_i, pos_j))
            queues[i].append(len(bargains) - 1)
            queues[j].append(len(bargains) - 1)

    # Value of every option for every voter: mean utility over all positions afterwards.
    own_risk = np.diag(r_est)
    base = risk_utility(dist, own_risk[:, None])  # aUtil[a](a, n)
    value_sq = sequential_sum(0.0, base, axis=1) / n
    n_b = len(bargains)
    values = np.zeros((n, n_b))
    if n_b:
        init = np.array([b[0] for b in bargains])
        rcvr = np.array([b[1] for b in bargains])
        pos_init = np.array([b[2] for b in bargains])
        pos_rcvr = np.array([b[3] for b in bargains])
        u_init = risk_utility(salience_distance(y, pos_init, sal), risk[:, None])
        u_rcvr = risk_utility(salience_distance(y, pos_rcvr, sal), risk[:, None])
        # [1 + n, a, m]: row 0 the two bargain positions, then every other position in
        # index order (KTAB's order of summation; excluded positions add exactly 0).
        # Built a block of bargains at a time: the whole cube is 8 n^3 bytes (7.5 GiB for
        # 1,000 actors); each column's sum runs over axis 0 alone, so blocks change no bit.
        width = max(1, _CUBE_CELLS // ((n + 1) * n))
        for first in range(0, n_b, width):
            block = slice(first, min(first + width, n_b))
            column = np.arange(block.stop - block.start)
            terms = np.empty((n + 1, n, column.size))
            terms[0] = u_init[:, block] + u_rcvr[:, block]
            terms[1:] = base.T[:, :, None]
            terms[1 + init[block], :, column] = 0.0
            terms[1 + rcvr[block], :, column] = 0.0
            values[:, block] = np.add.reduce(terms, axis=0) / n

    new_x = x.copy()
    chosen = np.full(n, -1)
    lengths = np.array([len(q) for q in queues])
    groups = [np.flatnonzero(lengths == length) for length in np.unique(lengths[lengths > 0])]
    probabilities: dict[int, np.ndarray] = {}

    def elect(g: int) -> None:
        group = groups[g]
        picks = np.array([queues[k] for k in group])  # [G, length]
        utility = np.concatenate(
            [np.broadcast_to(value_sq[:, None, None], (n, group.size, 1)), values[:, picks]],
            axis=2,
        )  # [voters, G, options]; option 0 is the status quo
        probs = scalar_pce_many(utility, cap, options.voting_rule,
                                options.victory_prob_model, options.pce_model)
        for row, k in enumerate(group):
            probabilities[int(k)] = probs[row]

    in_blocks(elect, range(len(groups)), options.threads)
    for k in sorted(probabilities):  # actor order, so stochastic draws are reproducible
        p = probabilities[k]
        if options.state_transition == "Stochastic" and rng is not None:
            pick = int(rng.choice(p.size, p=p / p.sum()))
        else:
            pick = int(np.argmax(np.abs(p)))  # first index wins ties, as in KTAB
        if pick == 0:
            continue
        m = queues[k][pick - 1]
        chosen[k] = m
        i, j, pos_i, pos_j = bargains[m]
        new_x[k] = pos_i if i == k else pos_j
    record = {
        "risk": risk,
        "target": target,
        "gain": gain,
        "p_win": p_win,
        "win_prob": win_prob,
        "chosen_bargain_initiator": np.array([bargains[m][0] if m >= 0 else -1 for m in chosen]),
    }
    return new_x, record


def _state_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Movement between states: sum over actors of the Euclidean norm of the change."""
    norms = np.sqrt(sequential_sum(0.0, (a - b) ** 2, axis=1))
    return float(sequential_sum(0.0, norms))


def _final_probabilities(
    x: np.ndarray, y: np.ndarray, sal: np.ndarray, cap: np.ndarray, options: SMPOptions
) -> np.ndarray:
    dist = salience_distance(y, x, sal)
    p_pos = scalar_pce(risk_utility(dist, 0.0), cap, options.voting_rule,
                       options.victory_prob_model, options.pce_model, options.threads)
    risk = risk_from_probability(p_pos, options.big_r_range)
    return _win_probabilities(dist, x, risk, perceived_risk(risk, options.big_r_adjust), cap,
                              options)


def _probability_summary(x: np.ndarray, prob: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Return the expected outcome (P-weighted mean of unique positions) and the mode."""
    seen, _ = _unique_positions(x)
    p = prob[seen]
    total = p.sum()
    expected = (p[:, None] * x[seen]).sum(axis=0) / total if total > 0 else x.mean(axis=0)
    mode = int(np.argmax(p))
    return expected, x[seen[mode]], float(p[mode])


def _with_passive(
    table: StakeholderTable, active: np.ndarray, options: SMPOptions
) -> ForecastResult:
    """Run SMP on the actors with power; the others keep their positions throughout."""
    inner = smp(table.with_actors(active), options)
    rounds = inner.positions.shape[0]
    positions = np.repeat(np.array(table.positions, dtype=float)[None], rounds, axis=0)
    positions[:, active] = inner.positions
    diagnostics = dict(inner.diagnostics)
    final_prob = np.zeros(table.n_actors)
    final_prob[active] = inner.diagnostics["final_prob"]
    diagnostics["final_prob"] = final_prob
    diagnostics["passive_actors"] = [a for a, on in zip(table.actor_ids, active, strict=True)
                                     if not on]
    diagnostics["summary"] = {**inner.diagnostics["summary"],
                              "passive_actors": diagnostics["passive_actors"]}
    return ForecastResult(model="smp", table=table, options=options, positions=positions,
                          forecasts=inner.forecasts, turns=inner.turns,
                          converged=inner.converged, diagnostics=diagnostics)


def smp(table: StakeholderTable, options: SMPOptions | None = None) -> ForecastResult:
    """Run KTAB's Spatial Model of Politics on a stakeholder table.

    Parameters
    ----------
    table
        Actors with capability, positions and saliences on every dimension (multi-dimensional;
        positions rescaled to [0, 1] by each dimension's scale).
    options
        :class:`SMPOptions`; the defaults are KTAB's.

    Returns
    -------
    ForecastResult
        Positions every turn; the forecast is the probability-weighted mean of the unique
        final positions (KTAB's own final win probabilities); diagnostics hold the stop
        ratios, the risk attitudes, each actor's target and the modal final position.

    Raises
    ------
    ModelError
        When an actor's saliences sum to more than 1.

    Notes
    -----
    Actors with zero capability or zero salience take no part (KTAB rejects them): they
    keep their positions and do not enter the forecast. With fewer than two such actors,
    or all of them at one point, nothing moves.

    References
    ----------
    KTAB ``examples/smp`` (release 1.4); ALGORITHM.md §2 in ``shared/peers/ktab``.
    """
    options = options or SMPOptions()
    if table.n_actors > MAX_ACTORS:
        raise ModelError(
            f"smp: the table has {table.n_actors:,} actors; SMP takes at most {MAX_ACTORS}, "
            "because every turn weighs every bargain against every actor's position (time "
            "and memory grow as the cube of the count: 1,000 actors ran past 5 minutes and "
            "2 GiB); hint: merge minor actors, or use the compromise, median or eum models")
    active = table.capabilities * table.saliences.sum(axis=1) > 0
    if not np.all(active) and np.any(active):
        return _with_passive(table, active, options)
    x = np.array(table.unit_positions(), dtype=float)
    sal = np.array(table.saliences, dtype=float)
    cap = np.array(table.capabilities, dtype=float)
    n = x.shape[0]
    acc = None if table.accommodation is None else np.array(table.accommodation, dtype=float)
    if np.any(sequential_sum(0.0, sal, axis=1) > 1 + 1e-9):
        bad = [table.actor_ids[i] for i in np.flatnonzero(sal.sum(axis=1) > 1 + 1e-9)]
        raise ModelError(
            f"smp: total salience above 1 for {', '.join(bad)}; SMP treats an actor's total "
            "salience as the probability it resists (hint: scale saliences so each actor's sum "
            "is at most 1, i.e. at most 100 on KTAB's 0-100 scale)"
        )
    rng = np.random.default_rng(options.seed) if options.state_transition == "Stochastic" else None
    history = [x.copy()]
    records: list[dict[str, np.ndarray]] = []
    ratios: list[float] = []
    y = x.copy()
    first = 0.0
    converged = False
    if n >= 2 and np.any(cap * sal.sum(axis=1) > 0):
        for turn in range(1, options.max_turns + 1):
            new_x, record = _turn(x, y, sal, cap, options, rng)
            records.append(record)
            if acc is None:
                y = new_x.copy()
            else:
                y = acc @ new_x + (1 - acc.sum(axis=1))[:, None] * y
            moved = _state_distance(x, new_x)
            x = new_x
            history.append(x.copy())
            if turn == 1:
                first = moved
            ratio = moved / (first + STOP_GUARD)
            ratios.append(ratio)
            if turn >= options.min_turns and ratio < options.stop_ratio:
                converged = True
                break
    else:
        converged = True
    final_prob = (_final_probabilities(x, y, sal, cap, options) if n >= 2
                  else np.ones(n))
    expected, modal, modal_p = _probability_summary(x, final_prob)
    positions = table.from_unit(np.array(history))
    forecasts = np.array([table.from_unit(_probability_summary(h, r["win_prob"])[0])
                          for h, r in zip(history[:-1], records, strict=True)]
                         + [table.from_unit(expected)])
    diagnostics = {
        "stop_ratios": np.array(ratios),
        "risk": np.array([r["risk"] for r in records]) if records else np.zeros((0, n)),
        "targets": np.array([r["target"] for r in records]) if records else np.zeros((0, n)),
        "win_prob": np.array([r["win_prob"] for r in records] + [final_prob]),
        "final_prob": final_prob,
        "modal_position": table.from_unit(modal),
        "modal_prob": modal_p,
        "summary": {
            "expected_outcome": dict(zip(table.dimension_ids,
                                         map(float, table.from_unit(expected)), strict=True)),
            "modal_position": dict(zip(table.dimension_ids,
                                       map(float, table.from_unit(modal)), strict=True)),
            "modal_prob": modal_p,
            "stop_ratios": [round(r, 6) for r in ratios],
        },
    }
    return ForecastResult(
        model="smp",
        table=table,
        options=options,
        positions=positions,
        forecasts=forecasts,
        turns=len(records),
        converged=converged,
        diagnostics=diagnostics,
    )
