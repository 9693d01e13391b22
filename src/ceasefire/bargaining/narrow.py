r"""Narrow agreements signed while the war goes on (issue 14, item 2; docs/narrow.md).

A narrow agreement (a prisoner exchange, a moratorium on strikes on energy infrastructure,
a grain or navigation arrangement) is agreed alone, without the comprehensive package, and
the war goes on around it. The scenario declares each one
(:class:`ceasefire.scenario.model.NarrowAgreement`); this engine signs them month by month
on every draw and says how far a kept one lowers a comprehensive deal's collapse hazard.

The model, for agreement :math:`k`, belligerent :math:`i`, month :math:`t`, on each draw:

- *Value.* :math:`v_{ik}` is what the agreement is worth to :math:`i` in its own units (per
  month while kept for a ``flow`` agreement, once at signing for a ``one-off``). With
  :math:`x_{ik} = \delta_i (1 - h_k)` (discount factor times the chance it survives a month)
  and :math:`D_k` months of duration (:math:`\infty` when open-ended), its value at signing,
  relative to fighting on without it, is

  .. math:: V_{ik} = v_{ik} \sum_{j=0}^{D_k - 1} x_{ik}^j
            = v_{ik} \frac{1 - x_{ik}^{D_k}}{1 - x_{ik}},
     \qquad V_{ik} = v_{ik} \ \text{(one-off)}.

- *Acceptance.* :math:`a_k = \prod_i \mathbf 1[V_{ik} \ge 0]` (a belligerent accepts when
  indifferent, as in the comprehensive game, MODELS.md 2.5). The factor multiplying
  :math:`v_{ik}` is positive, so the sign of :math:`v_{ik}` decides; the values are uncertain,
  so :math:`P(a_k = 1)` is the share of draws on which every belligerent gains.
- *Proposal* (Merlo & Wilson 1995: opportunities to agree arrive at random). Each month the
  agreement is on the table with probability :math:`p_k`: with uniforms :math:`U^{tab}_{kt}`
  it is signed at :math:`t` iff it is not kept, was not broken this month, no comprehensive
  deal is in force, :math:`U^{tab}_{kt} < p_k` and :math:`a_k = 1`. A one-off is carried out
  at signing and may be signed again any later month (exchanges repeat).
- *Keeping.* A flow agreement signed at :math:`s` is kept at :math:`s`; at each later month
  it is first broken with probability :math:`h_k` (:math:`U^{col}_{kt} < h_k`: a breach in
  the month before), else it expires *honoured* once :math:`t - s \ge D_k`, else it is
  *subsumed*, also honoured, when a comprehensive deal is in force at :math:`t`, else it is
  kept. An agreement that expired may be signed again in the month it ended (an extension);
  one broken may be signed again from the next month.
- *Trust* (Kydd 2000: kept promises are costly signals that reassure). With :math:`e_k` the
  last month :math:`k` was honoured (a one-off: the month it was carried out) and
  :math:`m_k` its ``trust_months``, the factor on a comprehensive deal's monthly collapse
  hazard at month :math:`t` is

  .. math:: F(t) = \prod_k f_k^{\mathbf 1[k \text{ kept at } t \ \lor\ 0 \le t - e_k < m_k]},
     \qquad f_k \in (0, 1].

  A broken agreement earns no trust. Whether kept narrow deals make a comprehensive one more
  durable is disputed (Fortna 2003 finds that stronger agreements last longer; the Minsk
  truces and the grain deal did not stop the war), so scenarios grade :math:`f_k` as a
  modelling assumption with a range that reaches 1.
- *Report.* :math:`P(\text{at least one narrow agreement by } t) = \frac1n \sum_d
  \mathbf 1[\min_k s^{first}_{kd} \le t]`, non-decreasing in :math:`t`.

The engine steps month by month (:meth:`NarrowPlan.step`), so that the bargaining solver's
forward pass can interleave it with the comprehensive deal: the narrow track at month
:math:`t` depends on whether a comprehensive deal is in force then, and the deal's hazard at
:math:`t + 1` on the narrow track at :math:`t`. :func:`narrow_agreements` runs the whole track
at once for a given comprehensive path. Arrays are ``[agreements, draws]`` per month and
``[agreements, months, draws]`` over the run; draws are the last axis.

References
----------
1. Fearon, J. D. (1995). Rationalist explanations for war. *International Organization*
   49(3), 379-414. doi:10.1017/S0020818300033324
2. Merlo, A. & Wilson, C. (1995). A stochastic model of sequential bargaining with complete
   information. *Econometrica* 63(2), 371-399.
3. Kydd, A. (2000). Trust, reassurance, and cooperation. *International Organization*
   54(2), 325-357. doi:10.1162/002081800551190
4. Fortna, V. P. (2003). Scraps of paper? Agreements and the durability of peace.
   *International Organization* 57(2), 337-372. doi:10.1017/S0020818303572046
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ceasefire.errors import InputError
from ceasefire.scenario.compile import CompiledScenario

__all__ = ["NEVER", "NarrowOutcome", "NarrowPlan", "NarrowState", "agreement_value",
           "narrow_agreements", "narrow_plan"]

NEVER = -1
"""Month of a signing that never happened (``signed_first``)."""
_LONG_AGO = -(2**40)
"""``honoured`` of an agreement never honoured: further back than any ``trust_months``."""


def agreement_value(value: np.ndarray, discount: np.ndarray, hazard: np.ndarray,
                    duration: np.ndarray, one_off: np.ndarray) -> np.ndarray:
    r"""Each belligerent's value of a narrow agreement at signing, :math:`V_{ik}`.

    :math:`V = v (1 - x^D) / (1 - x)` with :math:`x = \delta (1 - h)` for a flow agreement
    (:math:`v / (1 - x)` when :math:`D = \infty`), and :math:`V = v` for a one-off.

    Parameters
    ----------
    value
        :math:`v_{ik}`, ``[agreements, belligerents, draws]``.
    discount
        :math:`\delta_i`, ``[belligerents, draws]``.
    hazard, duration
        :math:`h_k` and :math:`D_k` (``inf`` when open-ended), ``[agreements, draws]``.
    one_off
        Whether each agreement is a one-off, ``[agreements]``.

    Returns
    -------
    numpy.ndarray
        ``[agreements, belligerents, draws]``.
    """
    x = discount[None, :, :] * (1 - hazard[:, None, :])
    with np.errstate(over="ignore", under="ignore"):
        kept_share = np.where(np.isinf(duration[:, None, :]), 1.0,
                              1 - x ** np.where(np.isinf(duration), 1.0, duration)[:, None, :])
    stream = value * kept_share / (1 - x)
    return np.where(one_off[:, None, None], value, stream)


@dataclass(frozen=True)
class NarrowState:
    """Where the narrow agreements stand after a month (``[agreements, draws]``).

    Attributes
    ----------
    month
        The month just stepped (``-1`` before the first).
    kept
        Whether each flow agreement is kept at ``month``.
    since
        The month the kept spell began (:data:`NEVER` when not kept).
    honoured
        The last month each agreement was honoured: a one-off carried out, a flow that
        expired or was subsumed by a comprehensive deal.
    signed_first
        The first month each was signed (:data:`NEVER` if not yet).
    events
        Whether each was signed at ``month``.
    hazard_factor
        :math:`F` at ``month``, ``[draws]``: multiply the comprehensive deal's monthly
        collapse hazard of the *next* month by it.
    """

    month: int
    kept: np.ndarray
    since: np.ndarray
    honoured: np.ndarray
    signed_first: np.ndarray
    events: np.ndarray
    hazard_factor: np.ndarray


@dataclass(frozen=True)
class NarrowOutcome:
    """Narrow agreements over a run: what was signed, kept and carried out, on each draw.

    Attributes
    ----------
    agreements, belligerents
        Ids, in scenario order: the first axis of the arrays, and the second of ``value``.
    value
        :math:`V_{ik}`, ``[agreements, belligerents, draws]``.
    accepted
        Whether every belligerent accepts, ``[agreements, draws]``.
    signed_first
        First month signed, :data:`NEVER` if never, ``[agreements, draws]``.
    kept
        Whether a flow agreement is kept, ``[agreements, months, draws]``.
    events
        Signings (a one-off carried out, a flow begun), ``[agreements, months, draws]``.
    hazard_factor
        :math:`F(t)`, ``[months, draws]``.
    """

    agreements: tuple[str, ...]
    belligerents: tuple[str, ...]
    value: np.ndarray
    accepted: np.ndarray
    signed_first: np.ndarray
    kept: np.ndarray
    events: np.ndarray
    hazard_factor: np.ndarray

    @property
    def months(self) -> int:
        """Months of the run."""
        return int(self.hazard_factor.shape[0])

    @property
    def draws(self) -> int:
        """Draws of the run."""
        return int(self.hazard_factor.shape[1])

    def signed_by(self) -> np.ndarray:
        """Whether each agreement was signed by each month, ``[agreements, months, draws]``."""
        t = np.arange(self.months)[None, :, None]
        first = self.signed_first[:, None, :]
        return (first >= 0) & (first <= t)

    def at_least_one_by(self) -> np.ndarray:
        """Whether at least one narrow agreement was signed by each month, ``[months, draws]``.

        Its mean over draws is P(at least one narrow agreement by month t), non-decreasing.
        """
        return self.signed_by().any(axis=0)


@dataclass(frozen=True)
class NarrowPlan:
    """Everything drawn before the first month: values, acceptance and the uniforms.

    Build it with :func:`narrow_plan`; step it with :meth:`start` and :meth:`step`, or run it
    whole with :meth:`run`. Stepping and running consume the same uniforms, so a forward pass
    that steps gives exactly the outcome :meth:`run` gives on its comprehensive path.
    Per-agreement arrays are ``[agreements, draws]``; ``u_table`` and ``u_collapse`` are
    ``[months, agreements, draws]``.
    """

    agreements: tuple[str, ...]
    belligerents: tuple[str, ...]
    months: int
    value: np.ndarray
    accepted: np.ndarray
    proposal_rate: np.ndarray
    hazard: np.ndarray
    duration: np.ndarray
    trust_factor: np.ndarray
    trust_months: np.ndarray
    one_off: np.ndarray
    u_table: np.ndarray
    u_collapse: np.ndarray

    @property
    def draws(self) -> int:
        """Draws of the plan."""
        return int(self.u_table.shape[2])

    def take(self, rows: np.ndarray) -> NarrowPlan:
        """The plan of the draws ``rows`` (a forward pass replaying some paths)."""
        per_draw = ("value", "accepted", "proposal_rate", "hazard", "duration",
                    "trust_factor", "trust_months", "u_table", "u_collapse")
        return replace(self, **{name: getattr(self, name)[..., rows] for name in per_draw})

    def start(self) -> NarrowState:
        """The state before month 0: nothing signed, a hazard factor of 1."""
        shape = (len(self.agreements), self.draws)
        return NarrowState(month=-1, kept=np.zeros(shape, dtype=bool),
                           since=np.full(shape, NEVER), honoured=np.full(shape, _LONG_AGO),
                           signed_first=np.full(shape, NEVER), events=np.zeros(shape, bool),
                           hazard_factor=np.ones(self.draws))

    def step(self, state: NarrowState, in_force: np.ndarray | None = None) -> NarrowState:
        """Play month ``state.month + 1`` (see the module docstring for the rules).

        Parameters
        ----------
        state
            The state after the previous month (:meth:`start` before month 0).
        in_force
            Whether a comprehensive deal is in force this month, ``[draws]`` bool (signed
            this month or earlier and not collapsed); ``None`` means nowhere.
        """
        t = state.month + 1
        if t >= self.months:
            raise InputError(f"the plan covers months 0..{self.months - 1}, asked to step "
                             f"month {t}; fix: build the plan with more months")
        deal = np.zeros(self.draws, bool) if in_force is None else np.asarray(in_force, bool)
        if deal.shape != (self.draws,):
            raise InputError(f"in_force must be a bool array [draws] = ({self.draws},), got "
                             f"shape {deal.shape}")
        kept, since, honoured = state.kept, state.since, state.honoured
        broken = kept & (self.u_collapse[t] < self.hazard)
        kept = kept & ~broken
        expired = kept & (t - since >= self.duration)
        subsumed = kept & ~expired & deal[None, :]
        ended = expired | subsumed
        honoured = np.where(ended, t, honoured)
        kept = kept & ~ended
        signed = (~kept & ~broken & ~deal[None, :] & self.accepted
                  & (self.u_table[t] < self.proposal_rate))
        flow = signed & ~self.one_off[:, None]
        kept = kept | flow
        since = np.where(flow, t, np.where(kept, since, NEVER))
        honoured = np.where(signed & self.one_off[:, None], t, honoured)
        first = np.where(signed & (state.signed_first < 0), t, state.signed_first)
        trusting = kept | (t - honoured < self.trust_months)
        factor = np.prod(np.where(trusting, self.trust_factor, 1.0), axis=0)
        return NarrowState(month=t, kept=kept, since=since, honoured=honoured,
                           signed_first=first, events=signed, hazard_factor=factor)

    def run(self, comprehensive_signed: np.ndarray | None = None) -> NarrowOutcome:
        """Step every month; see :func:`narrow_agreements` for ``comprehensive_signed``."""
        in_force = _in_force(comprehensive_signed, self.months, self.draws)
        k, n = len(self.agreements), self.draws
        kept = np.zeros((k, self.months, n), dtype=bool)
        events = np.zeros((k, self.months, n), dtype=bool)
        factor = np.ones((self.months, n))
        state = self.start()
        for t in range(self.months):
            state = self.step(state, in_force[t])
            kept[:, t], events[:, t], factor[t] = state.kept, state.events, state.hazard_factor
        return NarrowOutcome(agreements=self.agreements, belligerents=self.belligerents,
                             value=self.value, accepted=self.accepted,
                             signed_first=state.signed_first, kept=kept, events=events,
                             hazard_factor=factor)


def narrow_plan(compiled: CompiledScenario, months: int,
                rng: np.random.Generator | int) -> NarrowPlan:
    """Draw the narrow agreements' values, acceptance and uniforms for ``months`` months.

    Parameters
    ----------
    compiled
        The compiled scenario; its ``narrow_agreements`` may be empty.
    months
        Months to play (month 0 is the scenario's month).
    rng
        A numpy Generator or a seed: the only source of randomness. The uniforms are drawn
        as one block ``[2, months, agreements, draws]``, so the first months of a longer
        plan are not those of a shorter one; compare runs of the same length.
    """
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise InputError(f"months must be a positive integer, got {months!r}")
    if rng is None:
        raise InputError("rng must be a numpy Generator or a seed, got None; fix: pass the "
                         "run's Generator so that the narrow track can be replayed")
    generator = np.random.default_rng(rng)
    s = compiled.scenario
    records = s.narrow_agreements
    belligerents = tuple(s.belligerents)
    n, k = compiled.draws, len(records)

    def per(field: str) -> np.ndarray:
        rows = [compiled.get(f"narrow_agreements.{a.id}.{field}") for a in records]
        return np.array(rows, dtype=float).reshape(k, n)

    value = np.array([[compiled.get(f"narrow_agreements.{a.id}.value.{b}")
                       for b in belligerents] for a in records],
                     dtype=float).reshape(k, len(belligerents), n)
    discount = np.array([compiled.get(f"actors.{b}.discount_factor") for b in belligerents],
                        dtype=float).reshape(len(belligerents), n)
    hazard = per("hazard")
    duration = np.array([np.full(n, np.inf) if a.duration_months is None else
                         compiled.get(f"narrow_agreements.{a.id}.duration_months")
                         for a in records], dtype=float).reshape(k, n)
    one_off = np.array([a.term == "one-off" for a in records], dtype=bool)
    worth = agreement_value(value, discount, hazard, duration, one_off)
    uniforms = generator.random((2, months, k, n))
    return NarrowPlan(
        agreements=tuple(a.id for a in records), belligerents=belligerents, months=int(months),
        value=worth, accepted=np.all(worth >= 0, axis=1), proposal_rate=per("proposal_rate"),
        hazard=hazard, duration=duration, trust_factor=per("trust_factor"),
        trust_months=np.rint(per("trust_months")).astype(np.int64), one_off=one_off,
        u_table=uniforms[0], u_collapse=uniforms[1])


def narrow_agreements(compiled: CompiledScenario, months: int, rng: np.random.Generator | int,
                      comprehensive_signed: np.ndarray | None = None) -> NarrowOutcome:
    """Sign, keep and break the scenario's narrow agreements month by month on every draw.

    Parameters
    ----------
    compiled
        The compiled scenario.
    months
        Months to play, from the scenario's month 0.
    rng
        A numpy Generator or a seed, the only source of randomness.
    comprehensive_signed
        Where a comprehensive deal is in force, which subsumes the narrow agreements and
        stops new ones: either the month it was signed on each draw, ``[draws]`` int with
        ``-1`` for never (in force from then to the end), or ``[months, draws]`` bool, in
        force at each month (signed and not collapsed, e.g. the solver's ``force``).
        ``None``: the war goes on throughout.

    Returns
    -------
    NarrowOutcome
        Signings, kept spells, events and the hazard factor, over ``[months, draws]``.
    """
    return narrow_plan(compiled, months, rng).run(comprehensive_signed)


def _in_force(comprehensive: np.ndarray | None, months: int, draws: int) -> np.ndarray:
    """``comprehensive_signed`` as ``[months, draws]`` bool (see :func:`narrow_agreements`)."""
    if comprehensive is None:
        return np.zeros((months, draws), dtype=bool)
    given = np.asarray(comprehensive)
    if given.shape == (draws,) and np.issubdtype(given.dtype, np.integer):
        t = np.arange(months)[:, None]
        return (given[None, :] >= 0) & (t >= given[None, :])
    if given.shape == (months, draws) and given.dtype == bool:
        return given
    raise InputError(
        f"comprehensive_signed must be the signing month of each draw, int [draws] = "
        f"({draws},) with -1 for never, or in force at each month, bool [months, draws] = "
        f"({months}, {draws}); got {given.dtype} of shape {given.shape}")
