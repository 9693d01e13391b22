"""Bueno de Mesquita's expected utility model (EUM), as reconstructed by Scholz et al. (2011).

One dimension at a time (a multi-dimensional table runs each dimension separately). Each
round: the weighted median, probabilities of success from third-party support, utilities
with risk exponents (two passes), the expected utility of every challenge, the resulting
offers, and simultaneous moves. Every choice the literature reads differently is a named
option; :data:`EUM_PRESETS` collects the published readings. The default
(:data:`DEFAULT_EUM_PRESET`, ``"per-pair"``) reads the probability of success per pair, as
the paper's text does; :func:`eum_knife_edge` says when its forecast hangs on one stakeholder.

References
----------
Bueno de Mesquita, B. (1994) Political forecasting: an expected utility method. In
Bueno de Mesquita, B. & Stokman, F. (eds.) *European Community Decision Making*, 71-104.
Yale University Press.
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011) Unravelling Bueno De Mesquita's group
decision model. *Journal of Theoretical Politics* 23(4), 510-531.
doi:10.1177/0951629811418142.
Bueno de Mesquita, B. (1997) A decision making model: its structure and form.
*International Interactions* 23(3-4), 235-266.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from ceasefire.errors import InputError, ModelError
from ceasefire.forecast.baselines import weighted_median
from ceasefire.forecast.results import ForecastResult
from ceasefire.forecast.table import StakeholderTable

__all__ = ["DEFAULT_EUM_PRESET", "EUM_PRESETS", "KNIFE_EDGE_FACTORS", "KNIFE_EDGE_SHARE",
           "EUMOptions", "eum", "eum_knife_edge", "eum_preset"]

_CHOICES = {
    "range_mode": ("dynamic", "initial", "scale"),
    "p_denominator": ("pair", "all"),
    "salience": ("target", "own"),
    "expectation": ("full", "q-only"),
    "risk": ("two-pass", "none"),
    "security": ("adversaries", "own"),
    "conflict": ("full-move", "no-move"),
    "compromise": ("ratio", "eu-weighted"),
    "offer": ("most-enforceable", "least-move", "type-priority"),
    "forecast": ("median", "mean"),
    "perspective": ("own", "receiver"),
}


@dataclass(frozen=True)
class EUMOptions:
    """Every ambiguous choice of the EUM, named; the defaults are the ``"per-pair"`` preset.

    Attributes
    ----------
    (The defaults are Scholz et al.'s reading with the probability of success taken per pair,
    as the paper's text (eqs. 8-10) and BDM (1994) define it. Scholz's code divides by one sum
    over every triple instead, which reproduces their published emission-standards trajectory
    but keeps every probability near 0 on larger tables (below 0.01 on ``alaska-2025``), so
    that third-party support hardly enters; that reading is the ``"scholz"`` preset. The
    paper's text read literally in every choice is the ``"paper"`` preset.)

    range_mode
        R, the length that normalises distances: ``"dynamic"`` (current max - min of
        positions, Scholz), ``"initial"`` (first round's spread, fixed; jmckib), ``"scale"``
        (the dimension's scale length).
    q
        Probability that the status quo persists when i does not challenge (Scholz used 1).
    p_denominator
        ``"pair"``: support shares per pair (the paper; the default); ``"all"``: one
        denominator over all actor-pair triples (Scholz's code as read by jmckib; tiny
        probabilities, the ``"scholz"`` preset).
    salience
        Salience in the challenge EU: the ``"target"``'s (paper) or the challenger's ``"own"``.
    expectation
        ``"full"``: Q·U_sq + (1-Q)[T·U_b + (1-T)·U_w]; ``"q-only"``: Q·U_sq (jmckib).
    risk
        ``"two-pass"`` risk exponents from security, or ``"none"`` (r = 1).
    security
        Security sums the ``"adversaries"``' expected gains from challenging i (prose of
        Scholz) or i's ``"own"`` gains (the other reading of the appendix).
    conflict
        Both expect to win: ``"full-move"`` (the one with lower EU moves to the other;
        Scholz, BDM 1984) or ``"no-move"`` (outcome uncertain; BDM 1997).
    compromise
        ``"ratio"``: j moves by |b/a| of the gap (Scholz eq. 35); ``"eu-weighted"``: to the
        EU-weighted average of both positions (jmckib).
    offer
        Which received offer an actor accepts: ``"most-enforceable"`` (highest proposer EU,
        then least move), ``"least-move"``, or ``"type-priority"`` (conflict, compromise,
        capitulation, then least move).
    max_rounds, stable_rounds, tolerance
        Stop after ``max_rounds`` or once the median has moved by at most ``tolerance``
        times the range R for ``stable_rounds`` rounds in a row (``0``: always run
        ``max_rounds``).
    forecast
        The forecast: final-round weighted ``"median"`` (BDM) or weighted ``"mean"``.
    perspective
        Whose risk exponent judges a pair: ``"receiver"`` (the actor deciding whether to
        give way judges both its own and the proposer's EU with its own r, as in Scholz's
        code) or ``"own"`` (each side's EU with its own r).
    """

    range_mode: Literal["dynamic", "initial", "scale"] = "dynamic"
    q: float = 1.0
    p_denominator: Literal["pair", "all"] = "pair"
    salience: Literal["target", "own"] = "target"
    expectation: Literal["full", "q-only"] = "full"
    risk: Literal["two-pass", "none"] = "two-pass"
    security: Literal["adversaries", "own"] = "adversaries"
    conflict: Literal["full-move", "no-move"] = "full-move"
    compromise: Literal["ratio", "eu-weighted"] = "ratio"
    offer: Literal["most-enforceable", "least-move", "type-priority"] = "least-move"
    max_rounds: int = 100
    stable_rounds: int = 3
    forecast: Literal["median", "mean"] = "median"
    perspective: Literal["own", "receiver"] = "receiver"
    tolerance: float = 1e-3

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise InputError(f"EUMOptions.{name} is {getattr(self, name)!r}; allowed: "
                                 f"{', '.join(allowed)}")
        if not 0.0 <= self.q <= 1.0:
            raise InputError(f"EUMOptions.q is {self.q}; allowed: 0 to 1 (Scholz used 1)")
        if self.max_rounds < 1 or self.stable_rounds < 0:
            raise InputError(f"EUMOptions: max_rounds={self.max_rounds} (>= 1), "
                             f"stable_rounds={self.stable_rounds} (>= 0)")


#: The preset that :class:`EUMOptions` defaults to (and ``ceasefire forecast`` runs).
DEFAULT_EUM_PRESET = "per-pair"

_SCHOLZ = EUMOptions(p_denominator="all")

#: Named readings of the model; the spread of their forecasts is the model-ambiguity band.
#: ``per-pair`` is the default; ``scholz`` is Scholz et al.'s code (one denominator), and the
#: one-choice variants after ``decisionmechanics`` change one choice of ``scholz`` each.
EUM_PRESETS: dict[str, EUMOptions] = {
    "per-pair": EUMOptions(),
    "scholz": _SCHOLZ,
    "paper": EUMOptions(p_denominator="pair", perspective="own", offer="most-enforceable"),
    "jmckib": replace(_SCHOLZ, range_mode="initial", expectation="q-only",
                      offer="type-priority"),
    "bdm1997": replace(_SCHOLZ, conflict="no-move"),
    "q0.5": replace(_SCHOLZ, q=0.5),
    # decisionmechanics/eum divides per pair (peer notes, ALGORITHM.md 1.8)
    "decisionmechanics": EUMOptions(p_denominator="pair", range_mode="initial", q=0.5,
                                    compromise="eu-weighted", offer="type-priority"),
    "most-enforceable": replace(_SCHOLZ, offer="most-enforceable"),
    "fixed-range": replace(_SCHOLZ, range_mode="scale"),
    "no-risk": replace(_SCHOLZ, risk="none"),
}


def eum_preset(name: str) -> EUMOptions:
    """Return the options of a named preset (see :data:`EUM_PRESETS`)."""
    try:
        return EUM_PRESETS[name]
    except KeyError:
        raise InputError(f"EUM preset {name!r} is unknown; allowed: "
                         f"{', '.join(EUM_PRESETS)} (hint: --eum-preset "
                         f"{DEFAULT_EUM_PRESET})") from None


# ----------------------------------------------------------------------------- formulas


def success_probability(x: np.ndarray, w: np.ndarray, denominator: str) -> np.ndarray:
    r"""``P[i, j]``: probability that i beats j, from third parties' distance votes.

    .. math::
        P^i_{ij} = \frac{\sum_{k} w_k \max(0, |x_k-x_j| - |x_k-x_i|)}
        {\sum_k w_k \big||x_k-x_j| - |x_k-x_i|\big|}

    and 0 where the denominator vanishes (x_i = x_j). With ``denominator="all"`` the
    denominator is one sum over every (k, i, j) (Scholz's code, per jmckib).

    References
    ----------
    Scholz et al. (2011), eqs. 8-10; Bueno de Mesquita (1994).
    """
    support = _support(x, w)  # [i, j]: the numerator
    total = support + support.T
    if denominator == "all":
        grand = total.sum()
        return support / grand if grand > 0 else np.zeros_like(support)
    return np.divide(support, total, out=np.zeros_like(support), where=total > 0)


def _support(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``S[i, j] = sum_k w_k max(0, |x_k - x_j| - |x_k - x_i|)`` in O(N^2 log N).

    On a line, voters left of the lower position give the full gap to it, voters between
    the two give ``hi + lo - 2 x_k`` to the nearer one, and voters beyond the upper give
    the full gap to it; prefix sums of w and w x over the sorted positions do the rest.
    """
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    cw = np.concatenate([[0.0], np.cumsum(ws)])
    cm = np.concatenate([[0.0], np.cumsum(ws * xs)])
    lo = np.minimum(x[:, None], x[None, :])
    hi = np.maximum(x[:, None], x[None, :])
    mid = 0.5 * (lo + hi)

    def below(t: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
        at = np.searchsorted(xs, t, side=side)  # "right": x <= t, "left": x < t
        return cw[at], cm[at]

    w_le_lo, m_le_lo = below(lo, "right")
    w_lt_mid, m_lt_mid = below(mid, "left")
    w_le_mid, m_le_mid = below(mid, "right")
    w_lt_hi, m_lt_hi = below(hi, "left")
    gap = hi - lo
    low_side = gap * w_le_lo + (hi + lo) * (w_lt_mid - w_le_lo) - 2 * (m_lt_mid - m_le_lo)
    high_side = (gap * (cw[-1] - w_lt_hi) + 2 * (m_lt_hi - m_le_mid)
                 - (hi + lo) * (w_lt_hi - w_le_mid))
    xi, xj = x[:, None], x[None, :]
    return np.where(xi < xj, low_side, np.where(xi > xj, high_side, 0.0))


def basic_utilities(
    x: np.ndarray, mu: float, span: float, r: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Utilities of i against j: success, failure, better, worse, status quo (``[i, j]``).

    With :math:`d = |x_i - x_j|/R` and :math:`e = (|x_i-\mu| + |x_i-x_j|)/R`:

    .. math::
        U_s = 2 - 4(\tfrac12 - \tfrac12 d)^{r_i},\; U_f = 2 - 4(\tfrac12 + \tfrac12 d)^{r_i},\;
        U_b = 2 - 4(\tfrac12 - \tfrac14 e)^{r_i},\; U_w = 2 - 4(\tfrac12 + \tfrac14 e)^{r_i},\;
        U_{sq} = 2 - 4(\tfrac12)^{r_i}

    References
    ----------
    Scholz et al. (2011), eqs. 11-15 (from Bueno de Mesquita 1994).
    """
    d = np.abs(x[:, None] - x[None, :]) / span
    e = (np.abs(x - mu)[:, None] + np.abs(x[:, None] - x[None, :])) / span
    rr = r[:, None] if np.ndim(r) == 1 else r
    u_s = 2 - 4 * np.maximum(0.5 - 0.5 * d, 0.0) ** rr
    u_f = 2 - 4 * (0.5 + 0.5 * d) ** rr
    u_b = 2 - 4 * np.maximum(0.5 - 0.25 * e, 0.0) ** rr
    u_w = 2 - 4 * (0.5 + 0.25 * e) ** rr
    u_sq = np.broadcast_to(2 - 4 * 0.5**rr, d.shape)
    return u_s, u_f, u_b, u_w, u_sq


def challenge_eu(
    x: np.ndarray, s: np.ndarray, p: np.ndarray, mu: float, span: float, r: np.ndarray,
    options: EUMOptions,
) -> np.ndarray:
    r"""``E[i, j]``: i's expected utility of challenging j.

    .. math::
        E^i(U_{ij}) = s_j[P U_s + (1-P) U_f] + (1-s_j) U_s - Q U_{sq}
        - (1-Q)[T U_b + (1-T) U_w],

    with T = 1 iff :math:`|x_i - \mu| < |x_i - x_j|` (the expected drift of j toward the
    median helps i). Diagonal entries are 0.

    References
    ----------
    Scholz et al. (2011), eqs. 5-7 and 25a/b.
    """
    u_s, u_f, u_b, u_w, u_sq = basic_utilities(x, mu, span, r)
    sal = s[None, :] if options.salience == "target" else s[:, None]
    gain = sal * (p * u_s + (1 - p) * u_f) + (1 - sal) * u_s
    if options.expectation == "q-only":
        eu = gain - options.q * u_sq
    else:
        t = (np.abs(x - mu)[:, None] < np.abs(x[:, None] - x[None, :])).astype(float)
        eu = gain - options.q * u_sq - (1 - options.q) * (t * u_b + (1 - t) * u_w)
    np.fill_diagonal(eu, 0.0)
    return eu


def risk_exponents(eu: np.ndarray, security: str) -> np.ndarray:
    r"""Risk exponents from security: the most vulnerable gets r = 1/2, the safest r = 2.

    .. math::
        S_i = \sum_{j \ne i} E^j(U_{ji}),\quad
        R_i = \frac{2S_i - S_{max} - S_{min}}{S_{max} - S_{min}},\quad
        r_i = \frac{1 - R_i/3}{1 + R_i/3}

    (r = 1 for everyone when all S are equal).

    References
    ----------
    Scholz et al. (2011), eqs. 16-18; Bueno de Mesquita (1994).
    """
    sec = eu.sum(axis=0) if security == "adversaries" else eu.sum(axis=1)
    lo, hi = float(sec.min()), float(sec.max())
    if not hi - lo > 1e-12 * max(1.0, abs(hi), abs(lo)):
        return np.ones_like(sec)
    big_r = (2 * sec - hi - lo) / (hi - lo)
    return (1 - big_r / 3) / (1 + big_r / 3)


_TYPE_RANK = {"conflict": 0, "compromise": 1, "capitulation": 2}


def _offers(
    x: np.ndarray, eu_recv: np.ndarray, eu_prop: np.ndarray, options: EUMOptions
) -> tuple[np.ndarray, dict[str, int]]:
    """Return positions after every actor accepts at most one offer, and region counts.

    ``eu_recv[m, o]`` is the receiver m's EU of challenging o and ``eu_prop[o, m]`` the
    proposer o's EU of challenging m, each as seen under the chosen perspective.
    """
    n = x.size
    a = eu_recv  # a[m, o]
    b = eu_prop.T  # b[m, o] = E(U_om)
    off = ~np.eye(n, dtype=bool) & (x[:, None] != x[None, :])
    conflict = off & (a > 0) & (b > 0)
    compromise = off & (b > 0) & (a <= 0) & (b > np.abs(a))
    capitulation = off & (b > 0) & (a <= 0) & (b <= np.abs(a))
    counts = {
        "conflict": int(conflict.sum()) // 2,
        "compromise": int(compromise.sum()),
        "capitulation": int(capitulation.sum()),
        "stalemate": int((off & (a <= 0) & (b <= 0)).sum()) // 2,
    }
    if options.conflict == "no-move":
        conflict = np.zeros_like(conflict)
    else:
        conflict &= b > a  # the side with the lower EU gives way
    valid = conflict | compromise | capitulation
    with np.errstate(divide="ignore", invalid="ignore"):
        if options.compromise == "ratio":
            partial = x[:, None] + (x[None, :] - x[:, None]) * np.abs(a / b)
        else:
            partial = ((np.abs(b) * x[None, :] + np.abs(a) * x[:, None])
                       / (np.abs(a) + np.abs(b)))
    new = np.where(compromise, partial, x[None, :])  # [m, o]
    move = np.abs(new - x[:, None])
    rank = np.where(conflict, 0.0, np.where(compromise, 1.0, 2.0))
    if options.offer == "most-enforceable":
        keys = [-b, move]
    elif options.offer == "least-move":
        keys = [move, -b]
    else:
        keys = [rank, move]
    pick = _first_minimum(valid, keys)
    has = valid.any(axis=1)
    new_x = np.where(has, new[np.arange(n), pick], x)
    return new_x, counts


def _first_minimum(valid: np.ndarray, keys: list[np.ndarray]) -> np.ndarray:
    """Per row, the column minimising ``keys`` lexicographically among valid ones (first wins)."""
    candidates = valid.copy()
    for key in keys:
        masked = np.where(candidates, key, np.inf)
        candidates &= masked == masked.min(axis=1, keepdims=True)
    return np.argmax(candidates, axis=1)


def _run_dimension(
    x0: np.ndarray, c: np.ndarray, s: np.ndarray, scale: float, options: EUMOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict[str, int]], np.ndarray, bool]:
    """Run the rounds on one dimension; returns positions, medians, means, counts, r, converged."""
    w = c * s
    x = x0.copy()
    history = [x.copy()]
    medians = [weighted_median(x, w)]
    means = [float(np.sum(w * x) / np.sum(w))]
    counts: list[dict[str, int]] = []
    risks: list[np.ndarray] = []
    initial_span = float(x.max() - x.min())
    stable = 0
    converged = False
    for _ in range(options.max_rounds):
        span = {"dynamic": float(x.max() - x.min()), "initial": initial_span,
                "scale": scale}[options.range_mode]
        if not span > 0:
            converged = True
            break
        mu = medians[-1]
        p = success_probability(x, w, options.p_denominator)
        r = np.ones_like(x)
        eu = challenge_eu(x, s, p, mu, span, r, options)
        eu_prop = eu
        if options.risk == "two-pass":
            r = risk_exponents(eu, options.security)
            eu = challenge_eu(x, s, p, mu, span, r, options)
            # "own": each side judges with its own r; "receiver": the receiver judges both.
            eu_prop = eu if options.perspective == "own" else challenge_eu(
                x, s, p, mu, span, np.broadcast_to(r[None, :], (x.size, x.size)), options)
        x, count = _offers(x, eu, eu_prop, options)
        history.append(x.copy())
        counts.append(count)
        risks.append(r)
        medians.append(weighted_median(x, w))
        means.append(float(np.sum(w * x) / np.sum(w)))
        same = abs(medians[-1] - medians[-2]) <= options.tolerance * max(span, 1e-300)
        stable = stable + 1 if same else 0
        if options.stable_rounds and stable >= options.stable_rounds:
            converged = True
            break
    return (np.array(history), np.array(medians), np.array(means), counts,
            np.array(risks) if risks else np.zeros((0, x.size)), converged)


def eum(table: StakeholderTable, options: EUMOptions | None = None) -> ForecastResult:
    """Run the expected utility model on every dimension of a stakeholder table.

    Actors with zero weight (capability x salience) on a dimension take no part there:
    they neither vote, challenge, nor stretch the range, and keep their position.

    Parameters
    ----------
    table
        Actors with capability, position and salience.
    options
        :class:`EUMOptions` or :func:`eum_preset` (default: the ``"per-pair"`` reading).

    Returns
    -------
    ForecastResult
        Positions and forecasts every round (dimensions that stop early repeat their last
        round); diagnostics hold medians, means, risk exponents and region counts.

    Raises
    ------
    ModelError
        When every actor has zero weight on a dimension.

    References
    ----------
    Scholz, Calbert & Smith (2011); Bueno de Mesquita (1994, 1997).
    """
    options = options or EUMOptions()
    n_dims = table.n_dimensions
    runs = []
    for k in range(n_dims):
        w = table.capabilities * table.saliences[:, k]
        active = w > 0
        if not np.any(active):
            raise ModelError(
                f"eum: on dimension {table.dimension_ids[k]!r} every actor has zero capability "
                "x salience (hint: give at least one actor positive capability and salience)"
            )
        scale = float(table.scale_high[k] - table.scale_low[k])
        runs.append((active, _run_dimension(table.positions[active, k],
                                            table.capabilities[active],
                                            table.saliences[active, k], scale, options)))
    rounds = max(run[1][0].shape[0] for run in runs)
    positions = np.repeat(np.array(table.positions, dtype=float)[None], rounds, axis=0)
    forecasts = np.zeros((rounds, n_dims))
    medians = np.zeros((rounds, n_dims))
    means = np.zeros((rounds, n_dims))
    for k, (active, (hist, med, mean, _counts, _risk, _conv)) in enumerate(runs):
        pad = rounds - hist.shape[0]
        hist = np.concatenate([hist, np.repeat(hist[-1:], pad, axis=0)])
        med = np.concatenate([med, np.repeat(med[-1:], pad)])
        mean = np.concatenate([mean, np.repeat(mean[-1:], pad)])
        positions[:, active, k] = hist
        medians[:, k] = med
        means[:, k] = mean
        forecasts[:, k] = med if options.forecast == "median" else mean
    dims = table.dimension_ids
    diagnostics = {
        "medians": medians,
        "means": means,
        "risk": {dims[k]: run[1][4] for k, run in enumerate(runs)},
        "regions": {dims[k]: run[1][3] for k, run in enumerate(runs)},
        "summary": {
            "median": {d: float(medians[-1, k]) for k, d in enumerate(dims)},
            "mean": {d: float(means[-1, k]) for k, d in enumerate(dims)},
            "median_by_round": {d: [float(v) for v in medians[:, k]] for k, d in enumerate(dims)},
        },
    }
    return ForecastResult(
        model="eum",
        table=table,
        options=options,
        positions=positions,
        forecasts=forecasts,
        turns=rounds - 1,
        converged=all(run[1][5] for run in runs),
        diagnostics=diagnostics,
    )


def with_options(options: EUMOptions, **changes: object) -> EUMOptions:
    """Return ``options`` with some fields changed (validated)."""
    return replace(options, **changes)


# ----------------------------------------------------------------------------- knife-edge

#: The knife-edge rule, in one place: each stakeholder's capability is multiplied by each of
#: these factors in turn (one stakeholder at a time, everything else held fixed) ...
KNIFE_EDGE_FACTORS: tuple[float, ...] = (0.5, 2.0)
#: ... and the forecast is knife-edge on a dimension when one such change moves it by more
#: than this share of the dimension's scale.
KNIFE_EDGE_SHARE = 0.25


def eum_knife_edge(
    table: StakeholderTable, options: EUMOptions | None = None,
    band: dict[str, dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Whether the EUM forecast of each dimension hangs on one stakeholder's capability.

    The rule: rerun the model with one stakeholder's capability halved, then doubled
    (:data:`KNIFE_EDGE_FACTORS`), for every stakeholder with positive capability (2 N extra
    runs). The forecast of a dimension is *knife-edge* when one of these runs moves it by
    more than :data:`KNIFE_EDGE_SHARE` (25 %) of the dimension's scale. A factor of two is
    well inside the uncertainty of any elicited capability, so a forecast that moves by a
    quarter of the scale under it says more about the model's thresholds than about the
    case. The spread across presets (``band``, model ambiguity) is reported beside the
    verdict as ``band_share`` but does not decide it: it is wide on most real tables.

    Parameters
    ----------
    table
        The stakeholder table.
    options
        The EUM options whose forecast is judged (default: :class:`EUMOptions`).
    band
        Optional :func:`ceasefire.forecast.eum_band` of the same table.

    Returns
    -------
    dict
        ``{dimension: {"knife_edge", "spread", "threshold", "stakeholder", "factor",
        "forecast", "moved_to", "band_share", "reason"}}``: ``spread`` is the largest
        move as a share of the scale, made by multiplying ``stakeholder``'s capability by
        ``factor`` (``None`` when nothing moves), from ``forecast`` to ``moved_to``.
    """
    options = options or EUMOptions()
    base = eum(table, options).forecast
    scale = np.asarray(table.scale_high - table.scale_low, dtype=float)
    n_dims = table.n_dimensions
    spread = np.zeros(n_dims)
    driver: list[tuple[str, float, float] | None] = [None] * n_dims
    for i, actor in enumerate(table.actor_ids):
        if not table.capabilities[i] > 0:
            continue
        for factor in KNIFE_EDGE_FACTORS:
            capabilities = np.array(table.capabilities, dtype=float)
            capabilities[i] *= factor
            moved = eum(table.replace(capabilities=capabilities), options).forecast
            shift = np.abs(moved - base) / scale
            for k in np.flatnonzero(shift > spread):  # strictly larger: the first one wins
                spread[k] = shift[k]
                driver[k] = (actor, factor, float(moved[k]))
    verdicts: dict[str, dict[str, Any]] = {}
    for k, dim in enumerate(table.dimension_ids):
        band_share = None
        if band is not None and dim in band:
            band_share = float((band[dim]["high"] - band[dim]["low"]) / scale[k])
        fires = bool(spread[k] > KNIFE_EDGE_SHARE)
        actor, factor, moved_to = driver[k] or (None, None, None)
        if actor is None:
            factors = " or ×".join(map(_factor, KNIFE_EDGE_FACTORS))
            reason = f"no stakeholder's capability ×{factors} moves the forecast"
        else:
            change = "halving" if factor == 0.5 else "doubling" if factor == 2 else \
                f"multiplying by {_factor(factor)}"
            reason = (f"{change} {actor}'s capability moves the forecast from {base[k]:.1f} "
                      f"to {moved_to:.1f} ({_percent(spread[k])} of the scale; knife-edge "
                      f"above {_percent(KNIFE_EDGE_SHARE)})")
        if band_share is not None:
            reason += f"; the preset band spans {_percent(band_share)} of the scale"
        verdicts[dim] = {
            "knife_edge": fires, "spread": float(spread[k]), "threshold": KNIFE_EDGE_SHARE,
            "stakeholder": actor, "factor": factor, "forecast": float(base[k]),
            "moved_to": moved_to, "band_share": band_share, "reason": reason,
        }
    return verdicts


def _factor(value: float) -> str:
    return f"{value:g}"


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"
