r"""The parties' beliefs about the war and how they learn (MODELS.md 2.4).

The one unknown is ``m``, the attacker's advance-rate multiplier: it multiplies the
offensive advance on every front of one belligerent (the scenario's ``beliefs.attacker``,
by default the one attacking on the most fronts), one ``m`` per outer draw. Under the
analyst's distribution ``log m ~ N(-s_A^2/2, s_A^2)``, so ``E[m] = 1`` and the expected
gains are those of the model without ``m``. Each belligerent ``i`` holds a normal prior
``log m ~ N(mu_i0, tau_i0^2)`` (a belligerent without one holds the analyst's).

**The signal.** Each month on the realised path the parties see one national number,

.. math::

    y_t = \log \frac{\sum_{f \in I_t} a_f(t)}{\sum_{f \in I_t} \hat a_f(t)}
          + \frac{\sigma_t^2}{2},

where ``I_t`` are the attacker's fronts in the offensive regime whose advance was not
capped by what the defender held, ``a_f = m \hat a_f e^{\varepsilon_f}`` the advance and
``\hat a_f`` its prediction at ``m = 1`` without the shock. With weights
``w_f = \hat a_f / \sum \hat a``, the ratio is ``m \sum_f w_f e^{\varepsilon_f}``; the
shocks ``eps_f ~ N(-s_f^2/2, s_f^2)`` are independent across fronts, so the sum has mean 1
and variance ``V_t = \sum_f w_f^2 (e^{s_f^2} - 1)``. Matching a log-normal to those two
moments (Fenton 1960) gives

.. math:: y_t \mid m \;\approx\; N(\log m,\ \sigma_t^2), \qquad \sigma_t^2 = \log(1 + V_t):

``sigma_t`` is derived from the fronts' shock sds (themselves calibrated on the January-July
2025 record) and that month's weights, so the likelihood the parties use is the one the
simulation draws from. A month with no informative front gives no signal. Selecting the
uncapped fronts drops the largest shocks of fronts about to fall, a small downward bias
the parties ignore.

**Bayes.** Conjugate normal updating with known, month-varying variance (DeGroot 1970,
ch. 9; Gelman et al. 2013, sec. 2.5):

.. math::

    \lambda_{i,t} = \tau_{i0}^{-2} + \sum_{s<t} \sigma_s^{-2}, \qquad
    \mu_{i,t} = \Bigl(\mu_{i0}\,\tau_{i0}^{-2} + \sum_{s<t} y_s\,\sigma_s^{-2}\Bigr)
                / \lambda_{i,t},

with ``sd = lambda^{-1/2}``; with one constant ``sigma_eps`` this is the textbook
``1/tau^2 + n_t/sigma^2``. Month ``t``'s belief is held at the start of month ``t``
(after the signals of months ``0..t-1``). Each party's expectation of ``m`` is
``E_i[m] = exp(mu + sd^2 / 2)``. On the expected path (``noise=False``) there is no
signal, and beliefs stay at the priors.

**Beliefs on points.** A scenario may instead give the analyst's distribution and the
priors on a finite set of points ``x_k`` of ``log m`` (``beliefs.analyst_points``, each
prior's ``points``, all on the analyst's support). With the same normal likelihood of the
signals, Bayes on a finite support gives the posterior masses

.. math::

    \pi_{i,t}(k) \propto \pi_{i0}(k)\,
        \exp\Bigl(x_k \sum_{s<t} y_s \sigma_s^{-2} - \tfrac12 x_k^2 \sum_{s<t} \sigma_s^{-2}\Bigr)

(the same sufficient statistics as the conjugate case; Bernardo & Smith 1994, sec. 5.1),
computed in log space, so that a noise-free signal (``sigma = 0``) puts all the mass on
the point nearest the signal, the true one, without overflow or NaN. A point of prior
probability 0 stays at 0. Each party's ``E_i[m] = sum_k pi(k) e^{x_k}``; the belief paths
also carry the posterior mean and sd of ``log m`` (the regressions' observation
statistic).

Disagreement about the war's course is the mutual optimism that can empty the bargaining
range (Fearon 1995); fighting reveals information and beliefs converge, which is how wars
end in the learning models of Slantchev (2003) and Smith & Stam (2004).

What this cannot express: one unknown (the pace of one attacker), one public signal (both
parties see the same number; no private information, no signalling or bluffing, no
strategic choice of what to reveal), and priors that are common knowledge.

References
----------
Bernardo, J. M. & Smith, A. F. M. (1994) *Bayesian Theory*. Wiley, sec. 5.1.
DeGroot, M. H. (1970) *Optimal Statistical Decisions*. McGraw-Hill, ch. 9.
Fearon, J. D. (1995) Rationalist explanations for war. *International Organization* 49(3).
Fenton, L. F. (1960) The sum of log-normal probability distributions in scatter
transmission systems. *IRE Transactions on Communications Systems* 8(1).
Gelman, A. et al. (2013) *Bayesian Data Analysis*, 3rd ed. CRC Press, sec. 2.5.
Slantchev, B. L. (2003) The principle of convergence in wartime negotiations. *American
Political Science Review* 97(4).
Smith, A. & Stam, A. C. (2004) Bargaining and the nature of war. *Journal of Conflict
Resolution* 48(6).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from ceasefire.scenario.compile import LOG_M, CompiledScenario, PointBeliefs, point_beliefs
from ceasefire.scenario.model import Scenario

__all__ = ["BeliefPaths", "belief_attacker", "belief_gap", "belief_paths", "evidence",
           "expected_m", "expected_m_on_points", "gap_half_life", "national_signal",
           "point_log_likelihood", "point_posterior", "posterior", "prior_beliefs",
           "true_log_m"]

_TINY = 1e-200
"""Floor of a variance: a spread of 0 (a certain prior, a noise-free signal) becomes a
precision of 1e200, which outweighs any finite one, without dividing by zero."""


@dataclass(frozen=True)
class BeliefPaths:
    """The belligerents' beliefs about ``log m``, month by month. Draws are the LAST axis.

    Attributes
    ----------
    belligerents
        The scenario's belligerents, in file order (the rows of ``mean_log_m``).
    attacker
        The belligerent whose advance ``m`` scales.
    true_log_m
        ``[draws]``: each draw's true ``log m``.
    signal
        ``[months, draws]``: ``y_t`` (NaN in a month with no informative front, and on the
        expected path).
    signal_sd
        ``[months, draws]``: ``sigma_t`` (inf where there is no signal).
    mean_log_m, sd_log_m
        ``[months + 1, belligerents, draws]``: each belligerent's posterior mean and sd of
        ``log m`` at the start of each month (index 0 is the prior).
    points, masses
        Beliefs on points only (else None): the points ``[K]`` of ``log m`` and each
        belligerent's posterior probability of each, ``[months + 1, belligerents, K,
        draws]``.
    """

    belligerents: tuple[str, ...]
    attacker: str
    true_log_m: np.ndarray
    signal: np.ndarray
    signal_sd: np.ndarray
    mean_log_m: np.ndarray
    sd_log_m: np.ndarray
    points: np.ndarray | None = None
    masses: np.ndarray | None = None

    def take(self, rows: np.ndarray) -> BeliefPaths:
        """The draws ``rows`` (``points`` are common to all draws)."""
        return replace(self, true_log_m=self.true_log_m[rows], signal=self.signal[:, rows],
                       signal_sd=self.signal_sd[:, rows], mean_log_m=self.mean_log_m[..., rows],
                       sd_log_m=self.sd_log_m[..., rows],
                       masses=None if self.masses is None else self.masses[..., rows])

    @property
    def true_m(self) -> np.ndarray:
        """``[draws]``: each draw's true ``m``."""
        return np.exp(self.true_log_m)

    @property
    def expected_m(self) -> np.ndarray:
        """``[months + 1, belligerents, draws]``: ``E_i[m]``.

        ``exp(mean + sd^2 / 2)`` for normal beliefs, ``sum_k pi(k) e^{x_k}`` for beliefs
        on points.
        """
        if self.masses is not None and self.points is not None:
            return expected_m_on_points(self.points, self.masses)
        return expected_m(self.mean_log_m, self.sd_log_m)

    def gap(self, first: str | None = None, second: str | None = None) -> np.ndarray:
        """``[months + 1, draws]``: ``|E_first[m] - E_second[m]|`` (see :func:`belief_gap`)."""
        return belief_gap(self, first, second)

    def half_life(self, first: str | None = None, second: str | None = None) -> np.ndarray:
        """``[draws]``: months until the gap halves (see :func:`gap_half_life`)."""
        return gap_half_life(self.gap(first, second))


def belief_attacker(scenario: Scenario) -> str:
    """The belligerent whose advance ``m`` scales.

    The scenario's ``beliefs.attacker``, or else the belligerent attacking on the most
    fronts (ties to the first in file order).
    """
    if scenario.beliefs is not None and scenario.beliefs.attacker is not None:
        return scenario.beliefs.attacker
    counts = Counter(r.front.attacker for r in scenario.regions if r.front is not None)
    if not counts:
        return scenario.belligerents[0]
    order = {b: k for k, b in enumerate(scenario.belligerents)}
    return min(counts, key=lambda b: (-counts[b], order.get(b, len(order))))


def true_log_m(compiled: CompiledScenario) -> np.ndarray:
    """``[draws]``: each draw's true ``log m`` (0 where the scenario has no beliefs)."""
    if compiled.scenario.beliefs is None:
        return np.zeros(compiled.draws)
    return compiled.get(LOG_M)


def prior_beliefs(compiled: CompiledScenario) -> tuple[np.ndarray, np.ndarray]:
    """Each belligerent's prior mean and sd of ``log m``, each ``[belligerents, draws]``.

    A belligerent without a prior holds the analyst's distribution,
    ``N(-s_A^2 / 2, s_A^2)``. For beliefs on points these are the mean and sd of ``log m``
    under each prior (its posterior on the points is :func:`point_posterior`, and
    :func:`belief_paths` builds either kind).
    """
    s = compiled.scenario
    on_points = point_beliefs(s)
    if on_points is not None:
        mean, sd = _moments(on_points.points, on_points.priors[..., None])
        shape = (len(s.belligerents), compiled.draws)
        return np.broadcast_to(mean, shape).copy(), np.broadcast_to(sd, shape).copy()
    spread = (compiled.get("beliefs.analyst_sd_log_m") if s.beliefs is not None
              else np.zeros(compiled.draws))
    given = {p.id for p in s.beliefs.priors} if s.beliefs is not None else set()
    means, sds = [], []
    for b in s.belligerents:
        if b in given:
            means.append(compiled.get(f"beliefs.priors.{b}.mean_log_m"))
            sds.append(compiled.get(f"beliefs.priors.{b}.sd_log_m"))
        else:
            means.append(-spread**2 / 2)
            sds.append(spread)
    return np.stack(means), np.stack(sds)


def national_signal(advance: np.ndarray, predicted: np.ndarray, variance: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    r"""The monthly national signal ``y_t`` and its sd ``sigma_t`` from the month's sums.

    Parameters
    ----------
    advance
        ``[..., draws]``: ``sum_f a_f`` over the informative fronts (0 where none).
    predicted
        ``[..., draws]``: ``sum_f \hat a_f``, the same fronts' advance at ``m = 1``
        without the shock (0 where none: no signal).
    variance
        ``[..., draws]``: ``sum_f \hat a_f^2 (e^{s_f^2} - 1)``.

    Returns
    -------
    ``(y, sigma)``: ``y = log(advance / predicted) + sigma^2 / 2`` with
    ``sigma^2 = log(1 + variance / predicted^2)``; NaN and inf where there is no signal.
    """
    informative = predicted > 0
    scale = np.where(informative, predicted, 1.0)
    sigma2 = np.log1p(variance / scale**2)
    y = np.log(np.where(informative, advance, 1.0) / scale) + sigma2 / 2
    return (np.where(informative, y, np.nan),
            np.where(informative, np.sqrt(sigma2), np.inf))


def posterior(prior_mean: np.ndarray, prior_sd: np.ndarray, signal: np.ndarray,
              signal_sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Posterior mean and sd of ``log m`` at the start of each month, by conjugate Bayes.

    .. math::

        \lambda_t = \tau_0^{-2} + \sum_{s<t} \sigma_s^{-2}, \qquad
        \mu_t = \Bigl(\mu_0 \tau_0^{-2} + \sum_{s<t} y_s \sigma_s^{-2}\Bigr) / \lambda_t,
        \qquad \mathrm{sd}_t = \lambda_t^{-1/2}

    (DeGroot 1970, ch. 9; Gelman et al. 2013, sec. 2.5). Months whose ``signal`` is NaN
    (or ``signal_sd`` inf) carry no signal. Until the first signal the posterior is the
    prior, exactly. A spread of 0 is a precision of 1e200: a certain prior never moves,
    a noise-free signal sets the belief to it.

    Parameters
    ----------
    prior_mean, prior_sd
        ``[..., draws]`` (e.g. ``[belligerents, draws]``).
    signal, signal_sd
        ``[months, draws]``: the public signal, the same for every party.

    Returns
    -------
    ``(mean, sd)``, each ``[months + 1, ..., draws]``.
    """
    prior_mean, prior_sd = np.asarray(prior_mean, float), np.asarray(prior_sd, float)
    precision_seen, sum_seen, seen = evidence(signal, signal_sd)
    # [months + 1, 1, ..., draws] against the priors' [..., draws]
    expand = (slice(None), *(None,) * (prior_mean.ndim - 1))
    precision_seen, sum_seen, seen = precision_seen[expand], sum_seen[expand], seen[expand]
    prior_precision = 1 / np.maximum(np.square(prior_sd), _TINY)
    precision = np.add(prior_precision, precision_seen)
    mean = np.multiply(prior_mean, prior_precision)
    mean = np.add(mean, sum_seen)
    mean /= precision
    np.copyto(mean, prior_mean, where=~seen)  # the prior, exactly, before any signal
    sd = np.sqrt(precision, out=precision)
    np.divide(1, sd, out=sd)
    np.copyto(sd, prior_sd, where=~seen)
    return mean, sd


def evidence(signal: np.ndarray, signal_sd: np.ndarray,
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The signals' sufficient statistics at the start of each month.

    ``(P, S, seen)``, each ``[months + 1, draws]``: :math:`P_t = \sum_{s<t} \sigma_s^{-2}`,
    :math:`S_t = \sum_{s<t} y_s \sigma_s^{-2}` and whether any signal has arrived; months
    with no signal add nothing. Every normal prior's posterior follows from them
    (:func:`posterior`).
    """
    informative = np.isfinite(signal) & np.isfinite(signal_sd)
    weight = np.where(informative, 1 / np.maximum(np.square(signal_sd), _TINY), 0.0)
    weighted = np.where(informative, signal, 0.0)
    weighted *= weight
    months = signal.shape[0]
    rows = (months + 1, *signal.shape[1:])
    precision_seen, sum_seen = np.zeros(rows), np.zeros(rows)
    np.cumsum(weight, axis=0, out=precision_seen[1:])
    np.cumsum(weighted, axis=0, out=sum_seen[1:])
    seen = np.zeros(rows, dtype=bool)
    np.logical_or.accumulate(informative, axis=0, out=seen[1:])
    return precision_seen, sum_seen, seen


def point_log_likelihood(points: np.ndarray, precision_seen: np.ndarray,
                         sum_seen: np.ndarray) -> np.ndarray:
    r"""``[..., K, draws]``: the log likelihood of the signals at each point of ``log m``.

    Up to a term that does not depend on the point:

    .. math:: \ell_t(k) = x_k S_t - \tfrac12 x_k^2 P_t

    with :math:`P_t, S_t` the sufficient statistics of :func:`evidence` (``[..., draws]``):
    the log of :math:`\prod_{s<t} N(y_s; x_k, \sigma_s^2)` less what is common to every
    point.
    """
    x = np.asarray(points, dtype=float)[:, None]
    return x * sum_seen[..., None, :] - 0.5 * np.square(x) * precision_seen[..., None, :]


def point_posterior(points: np.ndarray, prior: np.ndarray, signal: np.ndarray,
                    signal_sd: np.ndarray) -> np.ndarray:
    r"""Posterior probabilities of the points of ``log m`` at the start of each month.

    .. math::

        \pi_t(k) = \frac{\pi_0(k)\, e^{\ell_t(k)}}{\sum_j \pi_0(j)\, e^{\ell_t(j)}}

    (Bayes on a finite support with the normal likelihood of the signals, Bernardo &
    Smith 1994, sec. 5.1; :math:`\ell_t` from :func:`point_log_likelihood`), computed in
    log space with the largest term taken out, so that a noise-free signal (a precision
    of 1e200, see :data:`_TINY`) puts all the mass on the point nearest the signal
    without overflow, and a point of prior probability 0 stays at 0. Until the first
    signal the posterior is the prior, exactly.

    Parameters
    ----------
    points
        ``[K]``: the points of ``log m``.
    prior
        ``[..., K]``: prior probabilities (e.g. ``[belligerents, K]``), each row summing
        to 1; the same on every draw.
    signal, signal_sd
        ``[months, draws]``: the public signal, the same for every party.

    Returns
    -------
    ``[months + 1, ..., K, draws]``.
    """
    prior = np.asarray(prior, dtype=float)
    precision_seen, sum_seen, seen = evidence(signal, signal_sd)
    expand = (slice(None), *(None,) * (prior.ndim - 1))
    # [months + 1, 1, ..., K, draws]
    log_like = point_log_likelihood(points, precision_seen[expand], sum_seen[expand])
    with np.errstate(divide="ignore"):
        log_prior = np.log(prior)[None, ..., None]
    log_post = log_prior + log_like
    log_post -= log_post.max(axis=-2, keepdims=True)
    masses = np.exp(log_post)
    masses /= masses.sum(axis=-2, keepdims=True)
    before = np.broadcast_to(prior[None, ..., None], masses.shape)
    np.copyto(masses, before, where=~seen[expand][..., None, :])
    return masses


def _moments(points: np.ndarray, masses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of ``log m`` under probabilities ``masses [..., K, draws]``."""
    x = np.asarray(points, dtype=float)[:, None]
    mean = np.einsum("...kn,kn->...n", masses, np.broadcast_to(x, masses.shape[-2:]))
    spread = np.einsum("...kn,...kn->...n", masses, np.square(x - mean[..., None, :]))
    return mean, np.sqrt(np.maximum(spread, 0.0))


def belief_paths(compiled: CompiledScenario, belligerents: tuple[str, ...], attacker: str,
                 true_log_m: np.ndarray, signal: np.ndarray, signal_sd: np.ndarray,
                 ) -> BeliefPaths:
    """The belligerents' beliefs month by month, normal or on points, from the signals.

    Normal priors update by :func:`posterior`; beliefs on points by
    :func:`point_posterior`, with the posterior mean and sd of ``log m`` beside the
    masses. ``signal`` and ``signal_sd`` are ``[months, draws]`` (NaN and inf where there
    is no signal).
    """
    on_points: PointBeliefs | None = point_beliefs(compiled.scenario)
    if on_points is None:
        mean, sd = posterior(*prior_beliefs(compiled), signal, signal_sd)
        return BeliefPaths(belligerents=belligerents, attacker=attacker,
                           true_log_m=true_log_m, signal=signal, signal_sd=signal_sd,
                           mean_log_m=mean, sd_log_m=sd)
    rows = [on_points.belligerents.index(b) for b in belligerents]
    masses = point_posterior(on_points.points, on_points.priors[rows], signal, signal_sd)
    mean, sd = _moments(on_points.points, masses)
    return BeliefPaths(belligerents=belligerents, attacker=attacker, true_log_m=true_log_m,
                       signal=signal, signal_sd=signal_sd, mean_log_m=mean, sd_log_m=sd,
                       points=on_points.points, masses=masses)


def expected_m_on_points(points: np.ndarray, masses: np.ndarray) -> np.ndarray:
    """A party's expectation of ``m`` on points: ``sum_k pi(k) e^{x_k}``.

    ``masses`` is ``[..., K, draws]``; the result ``[..., draws]``.
    """
    return np.einsum("...kn,k->...n", masses, np.exp(np.asarray(points, dtype=float)))


def expected_m(mean_log_m: np.ndarray, sd_log_m: np.ndarray) -> np.ndarray:
    """A party's expectation of ``m``, ``exp(mean + sd^2 / 2)`` (log-normal mean)."""
    return np.exp(mean_log_m + np.square(sd_log_m) / 2)


def belief_gap(beliefs: BeliefPaths, first: str | None = None,
               second: str | None = None) -> np.ndarray:
    """``[months + 1, draws]``: ``|E_first[m] - E_second[m]|``.

    By default the first two belligerents (``RU`` and ``UA`` in ``alaska-2025``).
    """
    names = beliefs.belligerents
    if len(names) < 2 and (first is None or second is None):
        raise ValueError("the belief gap needs two belligerents")
    a = names.index(first) if first is not None else 0
    b = names.index(second) if second is not None else 1
    e = beliefs.expected_m
    return np.abs(e[:, a] - e[:, b])


def gap_half_life(gap: np.ndarray) -> np.ndarray:
    """``[draws]``: the first month the gap is at most half its month-0 value.

    ``gap`` is ``[months + 1, draws]``. A draw whose gap never halves within the
    simulated months gets ``inf``; one with no gap at month 0 gets 0.
    """
    halved = gap <= gap[0] / 2
    first = np.argmax(halved, axis=0).astype(float)
    return np.where(halved.any(axis=0), first, np.inf)
