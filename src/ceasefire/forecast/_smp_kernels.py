"""Array kernels of the SMP model: utilities, risk, bargains, challenges (KTAB's formulas).

References
----------
Wise, B., Lester, S. & Efird, B. KTAB: the KAPSARC Toolkit for Behavioral Analysis,
``examples/smp`` and ``KTAB/kmodel`` (MIT licence, release 1.4); restated in
``shared/peers/ktab/ALGORITHM.md`` §2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ceasefire.forecast._pce import in_blocks, sequential_sum, vote

if TYPE_CHECKING:
    from ceasefire.forecast.smp import SMPOptions

#: Hard-wired constants of KTAB's SMP (ALGORITHM.md §2.12).
CHALLENGE_FLOOR = 1e-10
MIN_SIGNIFICANT_GAIN = 1e-5
BARGAIN_WEIGHT_FLOOR = 1e-6
POSITION_TOLERANCE = 1e-3
STOP_GUARD = 1e-4


# ----------------------------------------------------------------------------- formulas


def salience_distance(ideal: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    r"""Salience-weighted, normalised Euclidean distance from ideals to positions.

    .. math:: d_i(z) = \sqrt{\sum_k (s_{ik}(y_{ik}-z_k))^2 / \sum_k s_{ik}^2}

    An actor with no salience anywhere is indifferent (distance 0).

    Parameters
    ----------
    ideal, salience
        ``[actors, dims]`` (rows are the judging actors).
    position
        ``[options, dims]``.

    Returns
    -------
    ``[actors, options]``.

    References
    ----------
    KTAB ``SMPModel::bvDiff``; ALGORITHM.md §2.2.
    """
    n_dims = ideal.shape[1]
    weighted = np.zeros((ideal.shape[0], position.shape[0]))
    norm = np.zeros(ideal.shape[0])
    for k in range(n_dims):  # dimensions in order, as KTAB sums them
        ds = (ideal[:, k][:, None] - position[:, k][None, :]) * salience[:, k][:, None]
        weighted = weighted + ds * ds
        norm = norm + salience[:, k] * salience[:, k]
    safe = np.where(norm > 0, norm, 1.0)
    return np.where(norm[:, None] > 0, np.sqrt(weighted / safe[:, None]), 0.0)


def risk_utility(distance: np.ndarray, risk: np.ndarray | float) -> np.ndarray:
    r"""Return the utility of a distance under risk attitude R.

    .. math:: u(d, R) = (1-d)(1+dR) \text{ for } d \le 1, \quad (1-d)(1+R) \text{ otherwise}

    References
    ----------
    KTAB ``SMPModel::bsUtil``; ALGORITHM.md §2.2.
    """
    return np.where(distance <= 1, (1 - distance) * (1 + distance * risk),
                    (1 - distance) * (1 + risk))


def risk_from_probability(prob: np.ndarray, big_r_range: str) -> np.ndarray:
    r"""Risk attitudes from win probabilities (``Min``, ``Mid``, ``Max`` ranges).

    .. math:: R^{Mid}_j = \frac{3p_j - p_{max} - 2p_{min}}{2(p_{max}-p_{min})}

    ``Min``: :math:`(p_j-p_{min})/(p_{max}-p_{min})`; ``Max``:
    :math:`(2p_j-p_{max}-p_{min})/(p_{max}-p_{min})`. When all p are equal KTAB divides by
    zero; here every actor is then risk-neutral (R = 0).

    References
    ----------
    KTAB ``Model::bigRfromProb``; ALGORITHM.md §2.3.
    """
    p_min, p_max = float(np.min(prob)), float(np.max(prob))
    if not p_max > p_min:
        return np.zeros_like(prob)
    if big_r_range == "Min":
        return (prob - p_min) / (p_max - p_min)
    if big_r_range == "Mid":
        return (3 * prob - (p_max + 2 * p_min)) / (2 * (p_max - p_min))
    return (2 * prob - (p_max + p_min)) / (p_max - p_min)


def perceived_risk(risk: np.ndarray, adjust: str) -> np.ndarray:
    r"""``r[h, i]``: h's estimate of i's risk attitude, anchored on h's own.

    .. math:: r_{hi} = (1-\lambda) R_h + \lambda R_i, \quad \lambda \in \{0, 1/3, 1/2, 2/3, 1\}

    References
    ----------
    KTAB ``Model::estNRA``; ALGORITHM.md §2.3.
    """
    rh = risk[:, None]
    ri = risk[None, :]
    if adjust == "Full":
        return np.broadcast_to(ri, (risk.size, risk.size)).copy()
    if adjust == "TwoThirds":
        return (rh + 2.0 * ri) / 3.0
    if adjust == "Half":
        return (rh + ri) / 2
    if adjust == "OneThird":
        return (2.0 * rh + ri) / 3.0
    return np.broadcast_to(rh, (risk.size, risk.size)).copy()


def round4(x: np.ndarray) -> np.ndarray:
    """Round to 1e-4 as KTAB does: ``int(0.5 + 10000 x) / 10000`` (truncation toward zero)."""
    return np.trunc(0.5 + x * 10000.0) / 10000.0


def interpolate_bargain(
    t_i: np.ndarray, s_i: np.ndarray, p_i: float,
    t_j: np.ndarray, s_j: np.ndarray, p_j: float, rule: str,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Positions a bargain offers the initiator and the receiver, per dimension.

    ``S2P2`` (``S1P1`` with first powers), with :math:`\omega_i = s_{ik}^2 p_i^2`,
    :math:`\omega_j = s_{jk}^2 p_j^2`, :math:`\varepsilon = 10^{-6}`:

    .. math::
        b_{ik} = \mathrm{round}_4\frac{(\omega_i+\varepsilon)t_{ik}+\omega_j t_{jk}}
        {\omega_i+\varepsilon+\omega_j},\quad
        b_{jk} = \mathrm{round}_4\frac{\omega_i t_{ik}+(\omega_j+\varepsilon)t_{jk}}
        {\omega_i+\varepsilon+\omega_j}

    ``S2PMax``: :math:`d_i = \max(0, p_j - p_i)`,
    :math:`b_{ik} = t_{ik} + \delta_i (t_{jk}-t_{ik})` with
    :math:`\delta_i = d_i s_{jk}^2 / (d_i s_{jk}^2+\varepsilon+(1-d_i)s_{ik}^2)`
    and symmetrically for j, without rounding.

    References
    ----------
    KTAB ``SMPActor::interpBrgnSnPm``, ``interpBrgnS2PMax``; ALGORITHM.md §2.7.
    """
    eps = BARGAIN_WEIGHT_FLOOR
    if rule == "S2PMax":
        d_i = p_j - p_i if p_j > p_i else 0.0
        d_j = p_i - p_j if p_i > p_j else 0.0
        si2, sj2 = s_i * s_i, s_j * s_j
        dik = (d_i * sj2) / ((d_i * sj2) + eps + ((1 - d_i) * si2))
        djk = (d_j * si2) / ((d_j * si2) + eps + ((1 - d_j) * sj2))
        return t_i + dik * (t_j - t_i), t_j + djk * (t_i - t_j)
    power = 2 if rule == "S2P2" else 1
    w_i = (s_i**power) * (p_i**power)
    w_j = (s_j**power) * (p_j**power)
    denom = w_i + eps + w_j
    b_i = round4(((w_i + eps) * t_i + w_j * t_j) / denom)
    b_j = round4((w_i * t_i + (eps + w_j) * t_j) / denom)
    return b_i, b_j


def third_party_votes(
    weight_n: np.ndarray, u_ni: np.ndarray, u_nj: np.ndarray, u_nn: np.ndarray,
    c_i0: np.ndarray, c_j0: np.ndarray, options: SMPOptions,
) -> np.ndarray:
    r"""Vote of each third party n in the contest i against j (arrays broadcast together).

    Order-zero vote :math:`g = v(e_n, U_{ni}, U_{nj})`; little-contest probability
    :math:`\pi_n = (C_i^0 + g^+) / (C_i^0 + g^+ + C_j^0 + g^-)`. KTAB's Sum-of-Utilities
    vote compares joining i with joining j:

    .. math::
        v_n = v\big(e_n,\; \pi_n (2U_{ni}+U_{nn}) + (1-\pi_n) 3U_{nj},\;
        \pi_n 3U_{ni} + (1-\pi_n)(2U_{nj}+U_{nn})\big)

    under SemiCommit; both sides are equal (vote 0) under NoCommit and FullCommit.
    With ``third_party_rule="prefer"`` the vote is g itself.

    References
    ----------
    KTAB ``Actor::vProbLittle``, ``Actor::thirdPartyVoteSU``; ALGORITHM.md §2.5-2.6.
    """
    rule = options.voting_rule
    g = np.subtract(u_ni, u_nj)
    if rule == "Prop":
        g *= weight_n
    else:
        g = vote(weight_n, g, rule)
    if options.third_party_rule == "prefer":
        return g
    # In-place arithmetic on [n, B, j] tensors, in KTAB's order of operations (the
    # rewrites below only use commutativity, so every value is bit-identical).
    c_ni = np.maximum(g, 0.0)
    c_ni += c_i0  # c_i0 + g where g > 0, else c_i0
    c_nj = np.minimum(g, 0.0)
    np.subtract(c_j0, c_nj, out=c_nj)  # c_j0 - g where g < 0, else c_j0
    np.add(c_ni, c_nj, out=g)
    p_in = np.divide(c_ni, g, out=c_ni)
    p_jn = np.subtract(1.0, p_in, out=c_nj)
    commit = options.third_party_commit
    two_nj = np.add(u_nj, u_nj, out=g)
    if commit == "SemiCommit":
        join_i = two_nj + u_nj
        join_i *= p_jn
        join_i += p_in * ((u_ni + u_ni) + u_nn)
        two_nj += u_nn
        two_nj *= p_jn
        two_nj += p_in * ((u_ni + u_ni) + u_ni)
        join_i -= two_nj
        return vote(weight_n, join_i, rule)
    # NoCommit and FullCommit: both sides of the comparison are the same expression.
    return np.zeros(np.broadcast_shapes(np.shape(u_nj), np.shape(c_i0)))


def challenge_gain(
    u_ii: np.ndarray, u_ij: np.ndarray, p_ij: np.ndarray, s_j: np.ndarray
) -> np.ndarray:
    r"""Return initiator i's expected utility gain from challenging j (its own view).

    .. math::
        \Delta EU = (1-S_j)\,2U_{ii} + S_j[P\,2U_{ii} + (1-P)\,2U_{ij}] - (U_{ii}+U_{ij})

    where :math:`S_j` (the target's total salience) is the probability that j resists.

    References
    ----------
    KTAB ``SMPState::probEduChlg``; ALGORITHM.md §2.5.
    """
    p_ji = 1.0 - p_ij
    eu_sq = u_ii + u_ij
    eu_victory = u_ii + u_ii
    eu_contest = p_ij * eu_victory + p_ji * (u_ij + u_ij)
    return ((1 - s_j) * eu_victory + s_j * eu_contest) - eu_sq


# ----------------------------------------------------------------------------- one turn


def challenge_probabilities(
    initiators: np.ndarray, dist: np.ndarray, r_est: np.ndarray, power: np.ndarray,
    options: SMPOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return initiators' chances to beat each target ``[B, j]``, ``U(i, j)``, ``U(i, i)``.

    Tensors are laid out ``[third party n, initiator b, target j]`` so that the sums over
    third parties run over the outermost axis, in index order, as KTAB's loop does.
    """
    n = dist.shape[0]
    idx = np.arange(n)
    b_idx = np.arange(initiators.size)
    r_h = r_est[initiators].T  # [n, B]: h's estimate of n's risk attitude
    d = dist[:, None, :]  # [n, 1, j]
    if np.all(dist <= 1):
        u_nj = d * r_h[:, :, None]
        u_nj += 1
        u_nj *= 1 - d
    else:
        u_nj = risk_utility(d, r_h[:, :, None])
    u_ni = u_nj[:, b_idx, initiators]  # [n, B]: U(n, i)
    u_nn = u_nj[idx, :, idx]  # [n, B]
    u_ii = u_nn[initiators, b_idx][:, None]  # [B, 1]
    u_ij = u_nj[initiators, b_idx, :]  # [B, j]
    u_ji = u_ni.T  # [B, j]: U(j, i)
    u_jj = u_nn.T  # [B, j]
    rule = options.voting_rule
    a_i = vote(power[initiators][:, None], u_ii - u_ij, rule)
    a_j = vote(power[None, :], u_ji - u_jj, rule)
    c_i0 = (CHALLENGE_FLOOR + np.maximum(a_i, 0.0)) + np.maximum(a_j, 0.0)
    c_j0 = (CHALLENGE_FLOOR + np.maximum(-a_i, 0.0)) + np.maximum(-a_j, 0.0)
    v = third_party_votes(
        power[:, None, None], u_ni[:, :, None], u_nj, u_nn[:, :, None],
        c_i0[None], c_j0[None], options,
    )  # [n, B, j]
    v[initiators, b_idx, :] = 0.0  # the initiator is no third party
    v[idx, :, idx] = 0.0  # nor is the target
    positive = np.maximum(v, 0.0)
    np.minimum(v, 0.0, out=v)
    np.negative(v, out=v)
    c_ij = sequential_sum(c_i0, positive)
    c_ji = sequential_sum(c_j0, v)
    return c_ij / (c_ij + c_ji), u_ij, u_ii


def best_challenges(
    dist: np.ndarray, r_est: np.ndarray, power: np.ndarray, total_salience: np.ndarray,
    options: SMPOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Target, win probability and gain of each actor's best challenge (-1: none)."""
    n = dist.shape[0]
    block = max(1, min(n, 200_000 // max(1, n * n)))
    target = np.full(n, -1)
    prob = np.zeros(n)
    gain = np.zeros(n)
    fast = (options.screening and options.voting_rule == "Prop"
            and options.third_party_rule == "ktab"
            and options.third_party_commit == "SemiCommit" and bool(np.all(dist <= 1)))
    approx = np.empty((n, n))

    def run(start: int) -> None:
        initiators = np.arange(start, min(n, start + block))
        rows = np.arange(initiators.size)
        if fast:
            approx[initiators] = _approximate_gains(initiators, dist, r_est, power,
                                                    total_salience)
            return
        p_ij, u_ij, u_ii = challenge_probabilities(initiators, dist, r_est, power, options)
        du = challenge_gain(u_ii, u_ij, p_ij, total_salience[None, :])
        du[rows, initiators] = -np.inf
        best = np.argmax(du, axis=1)  # first index wins ties, as KTAB's strict '>' scan
        best_gain = du[rows, best]
        ok = (best_gain > MIN_SIGNIFICANT_GAIN) & (best_gain > 0)
        target[initiators] = np.where(ok, best, -1)
        prob[initiators] = p_ij[rows, best]
        gain[initiators] = np.where(ok, best_gain, 0.0)

    in_blocks(run, range(0, n, block), options.threads)
    if not fast:
        return target, prob, gain
    # The fast pass ranks targets; every target within a hair of each initiator's best is
    # then evaluated again in KTAB's exact order of operations, so that the choice (first
    # index on exact ties) and the bargain's probability are bit-identical to the slow path.
    np.fill_diagonal(approx, -np.inf)
    best = approx.max(axis=1)
    slack = 1e-4 * (1.0 + np.abs(best))  # far above the single-precision ranking error
    near = (approx >= (best - slack)[:, None]) & (best > MIN_SIGNIFICANT_GAIN - slack)[:, None]
    init, targ = np.nonzero(near)
    if init.size == 0:
        return target, prob, gain
    p_ij, u_ij, u_ii = _pair_probabilities(init, targ, dist, r_est, power, options)
    du = challenge_gain(u_ii, u_ij, p_ij, total_salience[targ])
    for i in np.unique(init):
        sel = np.flatnonzero(init == i)  # targets in increasing index order
        k = sel[int(np.argmax(du[sel]))]
        if du[k] > MIN_SIGNIFICANT_GAIN and du[k] > 0:
            target[i], prob[i], gain[i] = targ[k], p_ij[k], du[k]
    return target, prob, gain


def _approximate_gains(
    initiators: np.ndarray, dist: np.ndarray, r_est: np.ndarray, power: np.ndarray,
    total_salience: np.ndarray,
) -> np.ndarray:
    r"""Challenge gains ``[B, j]`` for Prop voting and SemiCommit, in fewer array passes.

    Algebraically equal to :func:`challenge_gain` of :func:`challenge_probabilities`
    (the vote of third party n reduces to
    :math:`e_n[\pi_n(U_{nn}-U_{ni}) - (1-\pi_n)(U_{nn}-U_{nj})]` and the utility is
    linear in the risk attitude, :math:`(1-d) + (1-d)d\,r`), computed in single
    precision; used only to rank targets before the exact evaluation.
    """
    n = dist.shape[0]
    idx = np.arange(n)
    b_idx = np.arange(initiators.size)
    # Single precision: this pass only ranks targets (see _best_challenges' slack).
    f32 = np.float32
    r_h = r_est[initiators].T.astype(f32)  # [n, B]
    dist = dist.astype(f32)
    power = power.astype(f32)
    level = f32(1.0) - dist  # [n, j]
    slope = level * dist
    u_nn = risk_utility(np.diag(dist)[:, None], r_h).astype(f32)  # [n, B]
    u_ni = risk_utility(dist[:, initiators], r_h).astype(f32)  # [n, B]
    # w[n, b, j] = U_nn - U_nj
    w = slope[:, None, :] * r_h[:, :, None]
    w += level[:, None, :]
    np.subtract(u_nn[:, :, None], w, out=w)
    a = u_nn - u_ni  # [n, B]
    u_ii = u_nn[initiators, b_idx][:, None]
    u_ij = u_ii - w[initiators, b_idx, :]  # [B, j]
    u_ji = u_ni.T
    u_jj = u_nn.T
    a_i = power[initiators][:, None] * (u_ii - u_ij)
    a_j = power[None, :] * (u_ji - u_jj)
    c_i0 = ((CHALLENGE_FLOOR + np.maximum(a_i, 0.0)) + np.maximum(a_j, 0.0)).astype(f32)
    c_j0 = ((CHALLENGE_FLOOR + np.maximum(-a_i, 0.0)) + np.maximum(-a_j, 0.0)).astype(f32)
    g = w - a[:, :, None]  # U_ni - U_nj
    g *= power[:, None, None]
    spread = np.abs(g)
    spread += c_i0 + c_j0
    np.maximum(g, 0.0, out=g)
    g += c_i0
    g /= spread  # pi_n, the little-contest probability
    v = a[:, :, None] + w
    v *= g
    v -= w
    v[initiators, b_idx, :] = 0.0
    v[idx, :, idx] = 0.0
    flat = v.reshape(n, -1)
    net = (power @ flat).reshape(c_i0.shape)
    np.abs(flat, out=flat)
    gross = (power @ flat).reshape(c_i0.shape)
    c_ij = c_i0 + 0.5 * (gross + net)  # sum of the positive votes
    c_ji = c_j0 + 0.5 * (gross - net)  # sum of the negative votes, as magnitudes
    gain = challenge_gain(u_ii.astype(float), u_ij.astype(float),
                          (c_ij / (c_ij + c_ji)).astype(float), total_salience[None, :])
    return gain


def _pair_probabilities(
    init: np.ndarray, targ: np.ndarray, dist: np.ndarray, r_est: np.ndarray,
    power: np.ndarray, options: SMPOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact (KTAB-order) ``P_i(i beats j)``, ``U(i, j)``, ``U(i, i)`` for listed pairs."""
    n = dist.shape[0]
    pairs = np.arange(init.size)
    r_h = r_est[init].T  # [n, P]
    u_nj = risk_utility(dist[:, targ], r_h)
    u_ni = risk_utility(dist[:, init], r_h)
    u_nn = risk_utility(np.diag(dist)[:, None], r_h)
    u_ii = u_nn[init, pairs]
    u_ij = u_nj[init, pairs]
    u_ji = u_ni[targ, pairs]
    u_jj = u_nn[targ, pairs]
    rule = options.voting_rule
    a_i = vote(power[init], u_ii - u_ij, rule)
    a_j = vote(power[targ], u_ji - u_jj, rule)
    c_i0 = (CHALLENGE_FLOOR + np.maximum(a_i, 0.0)) + np.maximum(a_j, 0.0)
    c_j0 = (CHALLENGE_FLOOR + np.maximum(-a_i, 0.0)) + np.maximum(-a_j, 0.0)
    v = third_party_votes(power[:, None], u_ni, u_nj, u_nn, c_i0[None], c_j0[None], options)
    v = np.array(np.broadcast_to(v, (n, init.size)))
    v[init, pairs] = 0.0
    v[targ, pairs] = 0.0
    c_ij = sequential_sum(c_i0, np.maximum(v, 0.0))
    c_ji = sequential_sum(c_j0, -np.minimum(v, 0.0))
    return c_ij / (c_ij + c_ji), u_ij, u_ii
