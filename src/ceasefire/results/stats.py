"""The Monte Carlo rules every result uses, each in one place (DESIGN.md section 9.20).

Probabilities with their standard errors, paired differences, summaries of draws.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ceasefire.results.records import Bands, Difference, Estimate, Summary

__all__ = ["difference", "estimate", "standard_error", "summaries", "summary"]


def standard_error(p: np.ndarray | float, n: int) -> np.ndarray | float:
    r"""Monte Carlo standard error of a share ``p`` of ``n`` independent draws.

    :math:`\sqrt{p(1-p)/n}` (the binomial standard error; Robert & Casella 2004, ch. 3).
    """
    return np.sqrt(np.asarray(p) * (1 - np.asarray(p)) / max(int(n), 1))


def estimate(hits: np.ndarray) -> Estimate:
    """The share of draws where ``hits`` (0/1 over the last axis) holds, with its error."""
    hits = np.asarray(hits)
    p = float(np.mean(hits)) if hits.size else 0.0
    return Estimate(p=p, se=float(standard_error(p, hits.shape[-1] if hits.ndim else 1)))


def difference(with_: np.ndarray, without: np.ndarray) -> Difference:
    r"""Paired difference of two 0/1 series on the same draws and its standard error.

    Common random numbers make the per-draw difference the estimator; its standard error
    is the sample standard deviation of the differences over :math:`\\sqrt{n}`.
    """
    diff = np.asarray(with_, dtype=float) - np.asarray(without, dtype=float)
    n = diff.shape[-1]
    se = float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0
    return Difference(d=float(diff.mean()), se=se)


def summary(samples: np.ndarray) -> Summary:
    """``{mean, p10, p50, p90}`` of the draws in ``samples`` (a 1-d array)."""
    samples = np.asarray(samples, dtype=float)
    p10, p50, p90 = np.percentile(samples, [10, 50, 90])
    return Summary(mean=float(samples.mean()), p10=float(p10), p50=float(p50), p90=float(p90))


def summaries(values: np.ndarray, record: type[Summary] = Summary) -> Callable[..., Summary]:
    """Summaries of every series of ``values[..., draws]`` at once; index them by position.

    One vectorised percentile call instead of one per series; each equals
    :func:`summary` of its series. ``record`` is the type made (e.g. a share's).
    """
    mean = values.mean(axis=-1)
    p10, p50, p90 = np.percentile(values, [10, 50, 90], axis=-1)

    def at(*index: int) -> Summary:
        return record(mean=float(mean[index]), p10=float(p10[index]), p50=float(p50[index]),
                      p90=float(p90[index]))

    return at


def bands(values: np.ndarray) -> Bands:
    """The 10th, 50th and 90th percentiles of ``values[points, draws]`` at each point."""
    q = np.percentile(np.asarray(values, dtype=float), [10, 50, 90], axis=-1)
    return Bands(p10=q[0].tolist(), p50=q[1].tolist(), p90=q[2].tolist())
