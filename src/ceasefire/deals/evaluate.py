"""Version 1: vectorised acceptance of every package against war forever (DealContext).

``deals`` no longer uses this kernel (it scores packages against the equilibrium, see
:mod:`ceasefire.deals.score`); it stays for the version-1 valuation
(:func:`ceasefire.bargaining.valuation_context`) and its tests and benchmark.

Within a *class* of packages that agree on the options of the issues that change the
deal's hazard, a package's value is additive over its options (MODELS.md section 2):
``V = K + sum_c x_c G_c`` with per-draw coefficients of the closed form. So values are
one-hot matrix products ``[packages, C] @ [C, draws]`` per actor, in chunks; the margin
is the largest margin of the package's terms (the least-supported term sets it, and the
margin falls as support rises), gathered per issue or fixed by the class; acceptance is
a comparison, and P(all veto players accept) a count over draws of the minimum of the
required players' net surpluses. No Python loop runs over packages or draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from ceasefire.bargaining.packages import DealContext
from ceasefire.bargaining.values import ratification_margin, shift_support
from ceasefire.deals.space import DealSpace

__all__ = ["SpaceValues", "evaluate_options", "evaluate_space", "value_coefficients"]

_CELLS = 1 << 22
"""Elements (packages x draws) of one working block: 16 MB in float32."""
_CLASS_ROWS = 1024
"""Packages a class should hold at least, when support issues join the classes."""


def value_coefficients(discount: np.ndarray, hazard: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Coefficients of the deal value's closed form, linear once the hazard is fixed.

    Rearranging :func:`ceasefire.bargaining.deal_value` with territory
    :math:`T^d = T_s + \Delta`, flow F and one-off O:

    .. math:: V = T_s + \alpha (T_s + \Delta + F) + \beta (T_s + \Delta - c) + O, \quad
              \alpha = \frac{\delta}{1-\delta(1-h)}, \quad
              \beta = \frac{\delta^2 h}{(1-\delta)(1-\delta(1-h))}

    with c the monthly war cost. Each option then adds
    :math:`(\alpha+\beta)\Delta_c + \alpha F_c + O_c`.

    References
    ----------
    Powell, R. (2006) War as a commitment problem. *International Organization* 60(1).
    """
    survive = 1 - discount * (1 - hazard)
    alpha = discount / survive
    beta = discount * discount * hazard / ((1 - discount) * survive)
    return alpha, beta


@dataclass(frozen=True)
class SpaceValues:
    """Acceptance and expected surplus of packages (rows), for every actor (columns).

    Attributes
    ----------
    codes
        ``[P]`` package numbers (see :class:`~ceasefire.deals.space.DealSpace`).
    accept_count
        ``[P, actors]`` draws in which the actor accepts (-1: not counted, for actors
        without a veto when only veto players are evaluated).
    all_count
        ``[P]`` draws in which every required veto player accepts.
    mean_surplus
        ``[P, actors]`` expected surplus ``E[V - W]`` over draws.
    required
        ``[P, actors]`` whether the actor's veto applies to the package.
    robust
        ``[P]`` the ``quantile`` over draws of the smallest relative net surplus over the
        required veto players, or None if not computed (``deals``: the gain of signing
        over fighting on in units of the war-cost annuity A, see
        :func:`ceasefire.deals.score.score_packages`; the version-1 kernel below:
        ``(V - W - m) / |W|``).
    draws
        Number of draws.
    common_count
        ``[P]`` draws in which every required veto player accepts on the analyst's
        (common) belief, or None (the version-1 kernel has one belief).
    """

    codes: np.ndarray
    accept_count: np.ndarray
    all_count: np.ndarray
    mean_surplus: np.ndarray
    required: np.ndarray
    robust: np.ndarray | None
    draws: int
    quantile: float | None
    common_count: np.ndarray | None = None

    @property
    def p_accept(self) -> np.ndarray:
        """P(actor accepts) ``[P, actors]`` (NaN where not counted)."""
        return np.where(self.accept_count >= 0, self.accept_count / self.draws, np.nan)

    @property
    def p_all(self) -> np.ndarray:
        """P(every required veto player accepts) ``[P]``."""
        return self.all_count / self.draws

    @property
    def p_common(self) -> np.ndarray | None:
        """P(every required veto player accepts) on the analyst's belief ``[P]``, or None."""
        return None if self.common_count is None else self.common_count / self.draws


@dataclass(frozen=True)
class _Prepared:
    """Per-column arrays shared by every chunk, in float64."""

    gain_delta: np.ndarray  # [A, C, n] territory deltas
    flow: np.ndarray
    one_off: np.ndarray
    log_hazard: np.ndarray  # [C, n]
    margin: np.ndarray  # [A, C, n]
    scale: np.ndarray  # [A, n] 1 / |W|
    territory_now: np.ndarray
    war_cost: np.ndarray
    war_value: np.ndarray
    discount: np.ndarray
    base_hazard: np.ndarray
    delivered: np.ndarray  # [A, C]
    veto: np.ndarray  # [A]
    class_issues: tuple[int, ...]
    evaluated: tuple[int, ...]  # actors whose acceptance is counted draw by draw
    free_support: tuple[tuple[int, ...], ...]  # per actor: support issues outside classes


def _prepare(context: DealContext, veto: np.ndarray, space: DealSpace,
             max_classes: int | None, every_actor: bool = True) -> _Prepared:
    cols = context.columns
    params = context.params
    support = shift_support(cols.support, context.opinion_now[:, None],
                            context.opinion_then[:, None])
    margin = ratification_margin(params.margin[:, None], support, context.war_value[:, None])
    radices = space.radices
    issue_of = np.repeat(np.arange(len(space.issues)), radices)
    hazard_issues = sorted(set(issue_of[np.any(cols.log_hazard != 0, axis=1)].tolist()))
    positive = np.any(margin > 0, axis=2)  # [A, C]
    support_issues = sorted(set(issue_of[np.any(positive, axis=0)].tolist()) - set(hazard_issues))
    cap = max(1, space.size // _CLASS_ROWS) if max_classes is None else max(1, max_classes)
    chosen = list(hazard_issues)
    size = math.prod(int(radices[i]) for i in chosen)
    for i in sorted(support_issues, key=lambda i: (radices[i], i)):
        if size * radices[i] <= cap:
            chosen.append(i)
            size *= int(radices[i])
    chosen.sort()
    free = tuple(tuple(i for i in sorted(set(issue_of[positive[a]].tolist())) if i not in chosen)
                 for a in range(len(params.actors)))
    return _Prepared(
        gain_delta=context.territory_delta, flow=cols.flow, one_off=cols.one_off,
        log_hazard=cols.log_hazard, margin=margin,
        scale=1 / np.maximum(np.abs(context.war_value), 1e-12),
        territory_now=context.territory_now, war_cost=context.war_cost,
        war_value=context.war_value, discount=params.discount,
        base_hazard=np.broadcast_to(context.base_hazard, context.war_value.shape[1:]),
        delivered=cols.delivered_by, veto=np.asarray(veto), class_issues=tuple(chosen),
        evaluated=tuple(a for a in range(len(veto)) if every_actor or veto[a] > 0),
        free_support=free)


@dataclass(frozen=True)
class _Class:
    """Linear coefficients of one class: ``net = K + X @ G - margin``."""

    gain: np.ndarray  # [A, C, n] float64, zero on class columns
    constant: np.ndarray  # [A, n] float64, without margin
    class_margin: np.ndarray  # [A, n]


def _class(prep: _Prepared, space: DealSpace, digits: np.ndarray) -> _Class:
    """Coefficients of the class whose class issues take options ``digits``."""
    columns = [space.offsets[i] + int(k) for i, k in zip(prep.class_issues, digits, strict=True)]
    log_h = np.zeros_like(prep.base_hazard)
    for c in columns:
        log_h = log_h + prep.log_hazard[c]
    hazard = np.clip(prep.base_hazard * np.exp(log_h), 0, 1)
    alpha, beta = value_coefficients(prep.discount, hazard[None])  # [A, n]
    gain = ((alpha + beta)[:, None] * prep.gain_delta + alpha[:, None] * prep.flow
            + prep.one_off)
    t0 = prep.territory_now
    constant = t0 + alpha * t0 + beta * (t0 - prep.war_cost) - prep.war_value
    class_margin = np.zeros_like(constant)
    for c in columns:
        constant = constant + gain[:, c]
        class_margin = np.maximum(class_margin, prep.margin[:, c])
    gain = gain.copy()
    gain[:, columns] = 0.0
    return _Class(gain=gain, constant=constant, class_margin=class_margin)


def _class_numbers(prep: _Prepared, space: DealSpace, options: np.ndarray) -> np.ndarray:
    radices = space.radices[list(prep.class_issues)]
    number = np.zeros(len(options), dtype=np.int64)
    for i, r in zip(prep.class_issues, radices, strict=True):
        number = number * r + options[:, i]
    return number


def _count(mask: np.ndarray) -> np.ndarray:
    """True entries per row (a byte sum: faster than ``count_nonzero`` along an axis)."""
    return mask.view(np.uint8).sum(axis=1, dtype=np.int64)


def _product(one_hot: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """``one_hot @ coefficients``, never as a matrix-vector product.

    BLAS sums a single row in another order than a block of rows; padding keeps every
    package's value bit-identical whatever the chunk it falls in.
    """
    if len(one_hot) == 1:
        return (np.concatenate([one_hot, one_hot]) @ coefficients)[:1]
    return one_hot @ coefficients


def _kernel(prep: _Prepared, space: DealSpace, dtype: type, quantile: float | None,
            options: np.ndarray) -> tuple[np.ndarray, ...]:
    """Acceptance counts, expected surpluses, requirements and robust score of a chunk."""
    n_rows = len(options)
    actors, columns, draws = prep.gain_delta.shape
    accept = np.full((n_rows, actors), -1, dtype=np.int64)
    all_count = np.zeros(n_rows, dtype=np.int64)
    mean = np.zeros((n_rows, actors))
    robust = np.full(n_rows, np.nan) if quantile is not None else None
    cols = space.to_columns(options)
    delivers = prep.delivered[:, cols].any(axis=2).T  # [rows, A]
    required = (prep.veto[None] == 2) | ((prep.veto[None] == 1) & delivers)
    numbers = _class_numbers(prep, space, options)
    radices = tuple(int(r) for r in space.radices[list(prep.class_issues)])
    for number in np.unique(numbers):
        rows = np.flatnonzero(numbers == number)
        digits = np.unravel_index(int(number), radices) if radices else ()
        cls = _class(prep, space, np.asarray(digits, dtype=np.int64))
        # the last column of ones carries the constant, so one product gives the net value
        one_hot = np.zeros((len(rows), columns + 1), dtype=dtype)
        one_hot[np.arange(len(rows))[:, None], cols[rows]] = 1
        one_hot[:, -1] = 1
        mean[rows] = (one_hot[:, :-1].astype(float) @ cls.gain.mean(axis=2).T
                      + cls.constant.mean(axis=1)[None])
        least = None
        ok = np.empty((len(rows), draws), dtype=bool)
        for a in prep.evaluated:
            free = prep.free_support[a]
            constant = cls.constant[a] if free else cls.constant[a] - cls.class_margin[a]
            coefficients = np.concatenate([cls.gain[a], constant[None]]) * prep.scale[a]
            net = _product(one_hot, coefficients.astype(dtype))
            if free:
                worst = np.empty_like(net)
                worst[...] = (cls.class_margin[a] * prep.scale[a]).astype(dtype)
                margins = (prep.margin[a] * prep.scale[a]).astype(dtype)
                for i in free:
                    np.maximum(worst, margins[cols[rows, i]], out=worst)
                net -= worst
            accept[rows, a] = _count(np.greater_equal(net, 0, out=ok))
            need = required[rows, a]
            if not need.any():
                continue
            if not need.all():
                net[~need] = np.inf
            least = net if least is None else np.minimum(least, net, out=least)
        if least is None:
            all_count[rows] = draws
            if robust is not None:
                robust[rows] = np.inf
            continue
        all_count[rows] = _count(np.greater_equal(least, 0, out=ok))
        if robust is not None:
            kth = int(np.floor(quantile * (draws - 1)))
            robust[rows] = np.partition(least, kth, axis=1)[:, kth]
    return accept, all_count, mean, required, robust


def _check(quantile: float | None, dtype: type) -> type:
    if quantile is not None and not 0 <= quantile <= 1:
        from ceasefire.errors import InputError

        raise InputError(f"quantile must be between 0 and 1, got {quantile}")
    return np.dtype(dtype).type


def evaluate_options(context: DealContext, veto: np.ndarray, space: DealSpace,
                     options: np.ndarray, *, dtype: type = np.float64,
                     quantile: float | None = 0.1, max_classes: int | None = None,
                     chunk: int | None = None, workers: int = 1,
                     every_actor: bool = True) -> SpaceValues:
    """Evaluate the packages ``options`` ``[P, issues]`` (option indices), in chunks.

    Parameters
    ----------
    context
        From :func:`ceasefire.bargaining.valuation_context`.
    veto
        ``[actors]`` codes from :func:`ceasefire.bargaining.veto_codes`.
    space
        The package space the option indices refer to.
    options
        ``[P, issues]`` option indices; the result keeps their order.
    dtype
        ``numpy.float32`` (fast) or ``numpy.float64`` (matches
        :func:`ceasefire.bargaining.evaluate_packages` to rounding).
    quantile
        Quantile over draws of the robust score (None: skip it).
    max_classes, chunk, workers
        Tuning: hazard/support classes at most (default automatic), packages per chunk,
        threads (numpy releases the GIL; set your BLAS to one thread when using several).
        Results do not depend on them.
    every_actor
        Count every actor's acceptance draw by draw (False: only the veto players';
        the others keep their expected surplus, and NaN probabilities).
    """
    options = np.asarray(options, dtype=np.int64).reshape(-1, len(space.issues))
    rows = chunk or _rows(context)
    prep = _prepare(context, veto, space, max_classes, every_actor)
    # packages of one class share their coefficients: evaluate them together
    order = np.argsort(_class_numbers(prep, space, options), kind="stable")
    grouped = options[order]
    parts = (grouped[start:start + rows] for start in range(0, len(options), rows))
    result = _collect(context, prep, space, parts, dtype=dtype, quantile=quantile,
                      workers=workers, canonical=False)
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    return replace(result, codes=result.codes[back], accept_count=result.accept_count[back],
                   all_count=result.all_count[back], mean_surplus=result.mean_surplus[back],
                   required=result.required[back],
                   robust=None if result.robust is None else result.robust[back])


def evaluate_space(context: DealContext, veto: np.ndarray, space: DealSpace, *,
                   dtype: type = np.float32, quantile: float | None = 0.1,
                   max_classes: int | None = None, chunk: int | None = None,
                   workers: int = 1, every_actor: bool = True) -> SpaceValues:
    """Evaluate every feasible package of ``space``, in package-number order.

    See :func:`evaluate_options` for the parameters.
    """
    prep = _prepare(context, veto, space, max_classes, every_actor)
    parts = (options for _, options in space.chunks(chunk or _rows(context),
                                                    first=prep.class_issues))
    return _collect(context, prep, space, parts, dtype=dtype, quantile=quantile,
                    workers=workers, canonical=True)


def _rows(context: DealContext) -> int:
    return max(64, _CELLS // max(context.war_value.shape[-1], 1))


def _collect(context: DealContext, prep: _Prepared, space: DealSpace,
             parts: Iterable[np.ndarray], *, dtype: type, quantile: float | None,
             workers: int, canonical: bool) -> SpaceValues:
    dtype = _check(quantile, dtype)
    chunks = [p for p in parts if len(p)]
    work = partial(_kernel, prep, space, dtype, quantile)
    if workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(work, chunks))
    else:
        results = [work(c) for c in chunks]
    actors = context.war_value.shape[0]
    draws = context.war_value.shape[-1]
    if not results:
        empty = np.zeros((0, actors))
        return SpaceValues(codes=np.zeros(0, np.int64), accept_count=empty.astype(np.int64),
                           all_count=np.zeros(0, np.int64), mean_surplus=empty,
                           required=empty.astype(bool),
                           robust=None if quantile is None else np.zeros(0),
                           draws=draws, quantile=quantile)
    codes = np.concatenate([space.encode(c) for c in chunks])
    accept, all_count, mean, required = (np.concatenate([r[k] for r in results])
                                         for k in range(4))
    robust = None if quantile is None else np.concatenate([r[4] for r in results])
    if canonical:
        order = np.argsort(codes, kind="stable")
        codes, accept, all_count, mean, required = (codes[order], accept[order],
                                                    all_count[order], mean[order],
                                                    required[order])
        robust = None if robust is None else robust[order]
    return SpaceValues(codes=codes, accept_count=accept, all_count=all_count,
                       mean_surplus=mean, required=required, robust=robust, draws=draws,
                       quantile=quantile)
