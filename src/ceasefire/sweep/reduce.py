"""A block's outputs as a small summary, the exact merge of summaries, and the final result.

A block of draws is reduced at once to counts (integers: they add exactly, in any order)
and, for the continuous outputs, to moments and a fixed-bin histogram. The moments of two
summaries are merged by Chan, Golub & LeVeque's pairwise update, which is exact in
arithmetic and, done in block order, gives the same floating-point numbers whoever
computed the blocks. Memory is that of one block's summary, whatever the number of draws.

References
----------
Chan, T. F., Golub, G. H. & LeVeque, R. J. (1983) Algorithms for computing the sample
variance: analysis and recommendations. *The American Statistician* 37(3), 242-247.
doi:10.1080/00031305.1983.10483115
Robert, C. P. & Casella, G. (2004) *Monte Carlo Statistical Methods*, 2nd ed., ch. 3.
doi:10.1007/978-1-4757-4145-2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.results.records import Estimate
from ceasefire.results.stats import standard_error
from ceasefire.results.sweep import Distribution, SweptPackage, SweptProposal
from ceasefire.scenario.model import month_label

if TYPE_CHECKING:
    from ceasefire.bargaining.outcome import Candidate, Equilibrium
    from ceasefire.scenario import Scenario

__all__ = ["BINS", "MEDIAN_MIN_SHARE", "BlockSummary", "Moments", "histogram_quantiles",
           "merge", "summarise_block"]

BINS = 50
"""Equal bins over [0, 1] of the control histograms (percentiles exact to 0.02)."""
MEDIAN_MIN_SHARE = 0.01
"""Below this share of signing paths, the median month of signing is not reported."""


@dataclass(frozen=True)
class Moments:
    """Count, mean and sum of squared deviations of a quantity, elementwise over ``shape``."""

    count: int
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        """The moments of ``values[..., draws]`` (two passes over the block)."""
        values = np.asarray(values, dtype=np.float64)
        mean = values.mean(axis=-1)
        return cls(int(values.shape[-1]), mean,
                   np.square(values - mean[..., None]).sum(axis=-1))

    def merge(self, other: Moments) -> Moments:
        r"""The moments of both sets of draws (Chan et al. 1983).

        .. math:: \bar x = \bar x_a + \delta n_b / n, \quad
                  M_2 = M_{2,a} + M_{2,b} + \delta^2 n_a n_b / n, \quad
                  \delta = \bar x_b - \bar x_a
        """
        n = self.count + other.count
        delta = other.mean - self.mean
        return Moments(n, self.mean + delta * (other.count / n),
                       self.m2 + other.m2 + np.square(delta) * (self.count * other.count / n))

    def sd(self) -> np.ndarray:
        """The sample standard deviation (n - 1 in the divisor; 0 for one draw)."""
        if self.count < 2:
            return np.zeros_like(self.mean)
        return np.sqrt(np.maximum(self.m2, 0.0) / (self.count - 1))


@dataclass(frozen=True)
class BlockSummary:
    """What a sweep keeps of a block (or of several merged): counts, moments, histograms.

    Attributes
    ----------
    draws
        Draws summarised.
    signed
        ``[candidates, months]`` draws whose first deal is that candidate, signed that month.
    in_force, narrow
        ``[months]`` draws with a deal in force at the end of the month; with at least one
        narrow agreement signed by then.
    accept, all_accept
        ``[named, players]`` draws where the party accepts the named proposal offered at
        month 0; ``[named]`` where every veto player does.
    control
        Moments of each belligerent's share of each region at the end of the window,
        ``[regions, belligerents]``.
    histogram
        ``[regions, belligerents, bins]`` the same shares counted in equal bins of [0, 1].
    low, high
        ``[regions, belligerents, bins]`` the least and greatest share in each bin
        (``inf`` and ``-inf`` in an empty one): percentiles interpolate between them.
    """

    draws: int
    signed: np.ndarray
    in_force: np.ndarray
    narrow: np.ndarray
    accept: np.ndarray
    all_accept: np.ndarray
    control: Moments
    histogram: np.ndarray
    low: np.ndarray
    high: np.ndarray


def summarise_block(eq: Equilibrium, control: np.ndarray, *, bins: int = BINS,
                    ) -> BlockSummary:
    """Reduce one block's forward pass and its control at the horizon to a summary.

    Parameters
    ----------
    eq
        The equilibrium's forward pass on the block's draws.
    control
        ``[regions, belligerents, draws]`` shares at the end of the reporting window.
    bins
        Equal bins over [0, 1] for the control histograms.
    """
    months, draws = eq.months, eq.draws
    signs = eq.signed >= 0
    code = np.where(signs, eq.package * months + eq.signed, -1)
    signed = np.bincount(code[signs].astype(np.int64),
                         minlength=len(eq.candidates) * months).reshape(
        len(eq.candidates), months)
    narrow = (eq.narrow.at_least_one_by()[:months].sum(axis=-1)
              if eq.narrow is not None and eq.narrow.agreements else np.zeros(months))
    accept = np.asarray(eq.accept[:, 0], dtype=bool)  # [named, players, draws]
    shares = np.clip(np.asarray(control, dtype=np.float64), 0.0, 1.0)
    index = np.minimum((shares * bins).astype(np.int64), bins - 1)
    regions, sides = shares.shape[:2]
    flat = (np.arange(regions * sides).reshape(regions, sides, 1) * bins + index).ravel()
    cells = regions * sides * bins
    histogram = np.bincount(flat, minlength=cells).reshape(regions, sides, bins)
    low, high = np.full(cells, np.inf), np.full(cells, -np.inf)
    np.minimum.at(low, flat, shares.ravel())
    np.maximum.at(high, flat, shares.ravel())
    return BlockSummary(
        draws=draws, signed=signed.astype(np.int64),
        in_force=eq.in_force()[:months].sum(axis=-1).astype(np.int64),
        narrow=np.asarray(narrow, dtype=np.int64),
        accept=accept.sum(axis=-1).astype(np.int64),
        all_accept=accept.all(axis=1).sum(axis=-1).astype(np.int64),
        control=Moments.of(control), histogram=histogram.astype(np.int64),
        low=low.reshape(histogram.shape), high=high.reshape(histogram.shape))


def merge(first: BlockSummary, second: BlockSummary) -> BlockSummary:
    """Both summaries as one: counts added, moments merged (order matters only to the bit)."""
    return BlockSummary(
        draws=first.draws + second.draws, signed=first.signed + second.signed,
        in_force=first.in_force + second.in_force, narrow=first.narrow + second.narrow,
        accept=first.accept + second.accept, all_accept=first.all_accept + second.all_accept,
        control=first.control.merge(second.control),
        histogram=first.histogram + second.histogram,
        low=np.minimum(first.low, second.low), high=np.maximum(first.high, second.high))


def histogram_quantiles(counts: np.ndarray, quantiles: tuple[float, ...], *,
                        low: np.ndarray | None = None, high: np.ndarray | None = None,
                        ) -> list[float]:
    """Quantiles of a share from its counts in equal bins of [0, 1].

    The q-quantile is where the cumulative count reaches q n, linear within its bin
    between ``low`` and ``high``, the least and greatest share seen in that bin (default:
    the bin's edges). Exact to the bin width, and exact where a bin holds one value
    (a region always held whole).
    """
    counts = np.asarray(counts, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, len(counts) + 1)
    low = edges[:-1] if low is None else np.asarray(low)
    high = edges[1:] if high is None else np.asarray(high)
    cumulative = np.concatenate([[0.0], np.cumsum(counts)])
    total = cumulative[-1]
    out = []
    for q in quantiles:
        target = q * total
        k = int(np.searchsorted(cumulative, target, side="left"))
        k = min(max(k, 1), len(counts))
        while counts[k - 1] == 0 and k < len(counts):  # the first bin that holds draws
            k += 1
        inside = counts[k - 1]
        share = (target - cumulative[k - 1]) / inside if inside > 0 else 0.0
        share = min(max(share, 0.0), 1.0)
        out.append(float(low[k - 1] + share * (high[k - 1] - low[k - 1])))
    return out


# --- from the merged summary to the result's records ---------------------------------------


def probabilities(hits: np.ndarray, draws: int) -> list[Estimate]:
    """``{p, se}`` of each count in ``hits`` over ``draws`` (binomial standard errors)."""
    p = np.asarray(hits, dtype=np.float64) / draws
    se = standard_error(p, draws)
    return [Estimate(p=float(a), se=float(b)) for a, b in zip(p.ravel(), np.ravel(se),
                                                                strict=True)]


def result_fields(total: BlockSummary, scenario: Scenario, candidates: tuple[Candidate, ...],
                  players: tuple[str, ...], belligerents: tuple[str, ...]) -> dict[str, Any]:
    """The fields of a :class:`~ceasefire.results.SweepResult` a merged summary fills."""
    from ceasefire.bargaining.agreement_summary import package_name

    n = total.draws
    months = total.signed.shape[1]

    def label(t: int) -> str:
        return month_label(scenario.as_of, t)

    by_month_counts = np.cumsum(total.signed.sum(axis=0))
    by_month = probabilities(by_month_counts, n)

    def within(limit: int) -> Estimate:
        return by_month[min(limit, months) - 1]

    signing = by_month_counts[-1]
    median = None
    if signing and signing / n >= MEDIAN_MIN_SHARE:
        median = label(_lower_median(total.signed.sum(axis=0)))
    order = sorted((-int(row.sum()), k) for k, row in enumerate(total.signed) if row.sum())
    packages = [SweptPackage(
        id=candidates[k].id, name=package_name(candidates[k], scenario),
        terms=dict(candidates[k].terms), searched=candidates[k].searched,
        p=probabilities([-count], n)[0], median_month=label(_lower_median(total.signed[k])))
        for count, k in order]
    named = [c.id for c in candidates if not c.searched][: total.accept.shape[0]]
    accept = probabilities(total.accept, n)
    everyone = probabilities(total.all_accept, n)
    proposals = {pid: SweptProposal(
        acceptance={actor: accept[i * len(players) + j] for j, actor in enumerate(players)},
        p_all_veto_accept=everyone[i]) for i, pid in enumerate(named)}
    narrow = ({label(t): e for t, e in enumerate(probabilities(total.narrow, n))}
              if total.narrow.any() else {})
    sd = total.control.sd()
    control = {region.id: {side: Distribution(
        mean=float(total.control.mean[r, b]), sd=float(sd[r, b]),
        se=float(sd[r, b] / np.sqrt(n)),
        **dict(zip(("p10", "p50", "p90"),
                   histogram_quantiles(total.histogram[r, b], (0.1, 0.5, 0.9),
                                       low=total.low[r, b], high=total.high[r, b]),
                   strict=True)),
        histogram=total.histogram[r, b].tolist())
        for b, side in enumerate(belligerents)} for r, region in enumerate(scenario.regions)}
    return {
        "months": months,
        "by_month": {label(t): e for t, e in enumerate(by_month)},
        "in_force": {label(t): e for t, e in enumerate(probabilities(total.in_force, n))},
        "p_within_12": within(12), "p_within_24": within(24), "median_month": median,
        "packages": packages, "proposals": proposals, "narrow_at_least_one_by": narrow,
        "control_month": label(months), "control": control,
    }


def _lower_median(counts: np.ndarray) -> int:
    """The lower median month from counts per month: the first by which half are reached."""
    cumulative = np.cumsum(counts)
    return int(np.searchsorted(cumulative, (cumulative[-1] + 1) // 2, side="left"))
