"""War paths: a month-by-month simulation of the war, vectorised over draws.

Every array keeps draws on its last axis (``[..., draws]``), so each inner loop runs over
draws; the only Python loop is over months. Per
month: each contested region's attacker gains ground (force ratio, fortification,
supply, noise) or, where its front has culminated, advances less and may be pushed
back (:mod:`ceasefire.dynamics.regimes`), gains cost casualties and tanks, tank shortages
and empty reserves sap combat power, revenue follows sanctions and refinery strikes,
reserves run down, and opinion drifts with losses and strikes on cities (MODELS.md sections 4-6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from ceasefire.dynamics.beliefs import (
    BeliefPaths,
    belief_attacker,
    belief_paths,
    national_signal,
    true_log_m,
)
from ceasefire.dynamics.regimes import (
    REGIME_DEFAULTS,
    culmination_probability,
    expected_step,
    regime_gains,
    regime_uniforms,
    switch,
)
from ceasefire.scenario.compile import BLOCK, CompiledScenario, stream
from ceasefire.scenario.model import Economy, Forces

__all__ = ["DAYS_PER_MONTH", "WarPaths", "advance_km2", "combat_power", "logistic_step",
           "simulate_war"]

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class WarPaths:
    """The simulated war. Draws are the LAST axis of every array.

    Attributes
    ----------
    control
        ``[months + 1, regions, belligerents, draws]``: each belligerent's share of each
        region at the start of each month (index ``months`` is the end).
    gains_km2
        ``[months, belligerents, draws]``: area each belligerent gained in each month on
        the fronts where it attacks, net of what the defender took back there (negative
        in a month of counter-attacks).
    casualties
        ``[months, belligerents, draws]``: killed and wounded in each month.
    economic_cost
        ``[months, actors, draws]``: G, war spending plus revenue lost to the levers plus
        the cost of escalation risk, in the scenario's currency per month.
    revenue
        ``[months, actors, draws]``: oil and gas revenue per month.
    reserves
        ``[months + 1, actors, draws]``: reserves at the start of each month.
    power
        ``[months, belligerents, draws]``: effective combat power.
    tanks
        ``[months + 1, belligerents, draws]``: tank stocks.
    opinion
        ``[months + 1, actors, draws]``: support for concessions (NaN where the scenario
        gives no opinion for the actor).
    area_km2
        ``[regions, draws]``.
    fronts
        Ids of the regions with a front, in file order.
    culminated
        ``[months, fronts, draws]`` (float32): whether each front is in the culminated
        regime in each month (0 or 1 on the realised path; its probability on the
        noise-free path, see :mod:`ceasefire.dynamics.regimes`).
    beliefs
        The belligerents' beliefs about ``m``, the attacker's advance-rate multiplier,
        month by month (:class:`~ceasefire.dynamics.beliefs.BeliefPaths`); ``None`` where
        the scenario has no ``beliefs`` section.
    """

    regions: tuple[str, ...]
    belligerents: tuple[str, ...]
    actors: tuple[str, ...]
    area_km2: np.ndarray
    control: np.ndarray
    gains_km2: np.ndarray
    casualties: np.ndarray
    economic_cost: np.ndarray
    revenue: np.ndarray
    reserves: np.ndarray
    power: np.ndarray
    tanks: np.ndarray
    opinion: np.ndarray
    noise: bool
    fronts: tuple[str, ...] = ()
    culminated: np.ndarray | None = None
    beliefs: BeliefPaths | None = None

    @property
    def draws(self) -> int:
        """Number of draws."""
        return self.control.shape[-1]

    def draws_first(self, name: str) -> np.ndarray:
        """Return an array with draws moved to the first axis (a view, no copy)."""
        return np.moveaxis(getattr(self, name), -1, 0)

    def take(self, rows: np.ndarray) -> WarPaths:
        """The draws ``rows`` (indices into the last axis of every array)."""
        arrays = {f.name: getattr(self, f.name)[..., rows] for f in fields(self)
                  if isinstance(getattr(self, f.name), np.ndarray)}
        return replace(self, **arrays,
                       beliefs=None if self.beliefs is None else self.beliefs.take(rows))


def advance_km2(
    held: np.ndarray,
    base_gain: np.ndarray,
    force_ratio: np.ndarray,
    exponent: np.ndarray,
    supply: np.ndarray,
    fortification: np.ndarray,
    shock: np.ndarray,
) -> np.ndarray:
    r"""Area the attacker takes in a month (MODELS.md section 4).

    .. math:: \mathrm{gain} = \min\left(\mathrm{held},\; g\,\rho^{\gamma}\,
              \frac{\sigma}{\phi}\,e^{\varepsilon}\right)

    with ``rho`` the attacker's combat power over the defender's (floored), ``g`` the
    base rate calibrated to the record, ``sigma`` the supply factor (cut roads raise it),
    ``phi`` the fortification multiplier (a prepared defence needs roughly 3:1) and
    ``exp(eps)`` a mean-one log-normal shock, ``eps ~ N(-s^2/2, s^2)``.

    References
    ----------
    Lanchester, F. W. (1916) *Aircraft in Warfare*; the advance is calibrated, not
    physical: see ``docs/model.md``, calibration table.
    """
    return np.minimum(held, base_gain * force_ratio**exponent * supply / fortification * shock)


def combat_power(base: np.ndarray, tank_stock: np.ndarray, tank_dependence: np.ndarray,
                 cash: np.ndarray, reserve_dependence: np.ndarray) -> np.ndarray:
    r"""Effective combat power under equipment and fiscal shortages (MODELS.md section 4).

    .. math:: F = F_0\,\bigl(1 - \theta\,(1 - k)\bigr)\,\bigl(1 - \lambda\,(1 - c)\bigr)

    with ``k`` the tank stock as a share of its initial level (capped at 1), ``c`` the
    reserves as a share of their floor (capped at 1), and ``theta``, ``lambda`` in [0, 1]
    the shares of combat power that depend on tanks and on money. A force without tanks
    or money is weaker, not gone: infantry still fights and states still borrow.
    """
    return base * (1 - tank_dependence * (1 - tank_stock)) * (
        1 - reserve_dependence * (1 - cash))


def logistic_step(support: np.ndarray, push: np.ndarray) -> np.ndarray:
    r"""Move a share on the logit scale: ``logit(o') = logit(o) + push`` (MODELS.md 6)."""
    clipped = np.clip(support, 1e-6, 1 - 1e-6)
    logit = np.log(clipped / (1 - clipped)) + push
    return 1 / (1 + np.exp(-logit))


@dataclass(frozen=True)
class Noise:
    """The random numbers of the realised paths, drawn once to play paths again.

    Attributes
    ----------
    fronts
        ``[months, fronts, draws]``: standard normals of the battlefield shocks.
    price
        ``[months, 1, draws]``: standard normals of the oil price.
    regimes
        ``[months, groups, draws]``: uniforms of the regime switches (``None`` where no
        front has a regime).
    """

    fronts: np.ndarray
    price: np.ndarray
    regimes: np.ndarray | None

    def take(self, rows: np.ndarray) -> Noise:
        """The draws ``rows``."""
        return Noise(self.fronts[..., rows], self.price[..., rows],
                     None if self.regimes is None else self.regimes[..., rows])


def draw_noise(compiled: CompiledScenario) -> Noise:
    """The random numbers :func:`simulate_war` draws for ``compiled``'s realised paths.

    Drawn block by block from the compiled noise seeds, each front, the oil price and each
    regime group from a stream keyed by its name (see ``stream``), so a draw's path does
    not depend on how many draws run beside it.
    """
    n, months = compiled.draws, compiled.months
    fronts = [r for r in compiled.scenario.regions if r.front is not None]
    z, price = np.empty((months, len(fronts), n)), np.empty((months, 1, n))
    for seed, rows, columns in compiled.noise_blocks():
        for f, region in enumerate(fronts):
            z[:, f, rows] = stream(seed, f"shock.{region.id}").standard_normal(
                (months, BLOCK))[:, columns]
        price[..., rows] = stream(seed, "shock.oil-price").standard_normal(
            (months, 1, BLOCK))[..., columns]
    names = _regime_groups(fronts)[1]
    regimes = regime_uniforms(compiled, names) if names else None
    return Noise(z, price, regimes)


@dataclass(frozen=True)
class Truce:
    """A comprehensive deal in force on some draws: no fighting while it holds.

    The bargaining solver's forward pass replays a path with the deals signed on it
    (MODELS.md 2.2): from the month after a signature the control is the deal's and the
    war stops, and a collapse resumes it from that control.

    Attributes
    ----------
    start
        ``[draws]``: the first month without fighting (the month after the signature),
        whose control is the deal's; a month past the simulation on draws without one.
    end
        ``[draws]``: the month the deal collapses, the first month of fighting again from
        the deal's control (past the simulation where it holds).
    control
        ``[regions, belligerents, draws]``: the control under the deal.
    """

    start: np.ndarray
    end: np.ndarray
    control: np.ndarray

    def take(self, rows: np.ndarray) -> Truce:
        """The draws ``rows``."""
        return Truce(self.start[rows], self.end[rows], self.control[..., rows])


def simulate_war(compiled: CompiledScenario, *, noise: bool | Noise = True,
                 log_m: np.ndarray | None = None, truces: Sequence[Truce] = ()) -> WarPaths:
    """Simulate the war month by month for every draw.

    Parameters
    ----------
    compiled
        The scenario's sampled parameters.
    noise
        With ``False`` every shock is exactly 1 (the noise-free path that the parties'
        war values are computed on); with ``True`` one realised path per draw, its
        shocks drawn block by block from the compiled seed; a :class:`Noise` (from
        :func:`draw_noise`, of these draws) plays those realised paths without drawing
        their numbers again.
    log_m
        ``[draws]``: the true ``log m`` of each draw, the attacker's advance-rate
        multiplier (MODELS.md 2.4), in place of the one compiled from the analyst's
        distribution (e.g. drawn from a party's prior, for paths fitted under its belief).
        Every other number of the draw is unchanged (common random numbers).
    truces
        Deals in force (:class:`Truce`), at most one at a time on a draw. The control
        becomes the deal's in its first month; in its months no front moves, nobody takes
        casualties or loses tanks, opinion and the fronts' regimes stay as they were and
        no signal is sent; the economy runs on. Without truces the paths are bit for bit
        those of the model without them.

    With a ``beliefs`` section the result carries the belligerents' beliefs, updated by
    Bayes on one national signal a month of the realised path
    (:mod:`ceasefire.dynamics.beliefs`); on the expected path they stay at the priors.
    ``m`` multiplies the attacker's advance on its fronts in both regimes, on both paths;
    where every draw's ``log m`` is 0 the paths are bit for bit those of the model
    without ``m``.
    """
    s = compiled.scenario
    n, months = compiled.draws, compiled.months
    belligerents = tuple(s.belligerents)
    actors = tuple(a.id for a in s.actors)
    regions = tuple(r.id for r in s.regions)
    b_index = {b: k for k, b in enumerate(belligerents)}
    get, series = compiled.get, compiled.series
    nb, na = len(belligerents), len(actors)

    area = np.stack([get(f"regions.{r}.area_km2") for r in regions])  # [regions, draws]
    share = np.stack([np.stack([get(f"regions.{r}.control.{b}") for b in belligerents])
                      for r in regions])  # [regions, belligerents, draws]
    total = share.sum(1, keepdims=True)
    share = np.where(total > 1, share / np.maximum(total, 1e-12), share)
    held_km2 = share * area[:, None, :]
    inverse_area = 1 / np.maximum(area, 1e-12)[:, None, :]

    fronts = [(k, r) for k, r in enumerate(s.regions) if r.front is not None]
    f_region = np.array([k for k, _ in fronts], dtype=int)
    f_att = np.array([b_index[r.front.attacker] for _, r in fronts], dtype=int)
    f_def = np.array([_defender(r, b_index, share[k, :, 0]) for k, r in fronts], dtype=int)
    # fronts share their force ratio by (attacker, defender) pair: compute it once a pair
    pairs = sorted({(int(a), int(d)) for a, d in zip(f_att, f_def, strict=True)})
    p_att = np.array([a for a, _ in pairs], dtype=int)
    p_def = np.array([d for _, d in pairs], dtype=int)
    f_pair = np.array([pairs.index((int(a), int(d))) for a, d in zip(f_att, f_def, strict=True)],
                      dtype=int)

    def front(name: str) -> np.ndarray:
        return _stack([series(f"regions.{r.id}.front.{name}") for _, r in fronts], n)

    def force(name: str, default: float | None = None) -> np.ndarray:
        default = _default(Forces, name) if default is None else default
        return _stack([series(f"forces.{b}.{name}", default) for b in belligerents], n)

    def econ(name: str) -> np.ndarray:
        default = _default(Economy, name)
        return _stack([series(f"economy.{a}.{name}", default) for a in actors], n)

    def opin(name: str, default: float) -> np.ndarray:
        return _stack([series(f"opinion.{a}.{name}", default) for a in actors], n)

    base_gain, fortification = front("base_gain_km2"), front("fortification")
    supply, noise_sd = front("supply"), front("noise_sd")
    power0 = force("combat_power", 1.0)  # no forces record: equal strength
    min_power, exponent = force("min_power"), force("gain_exponent")
    cas_day, cas_gain = force("casualties_per_day"), force("casualties_per_km2_gained")
    cas_loss = force("casualties_per_km2_lost")
    tank_loss, tank_loss_km2 = force("tank_losses_per_month"), force("tank_losses_per_km2")
    tank_prod, tank_dep = force("tank_production_per_month"), force("tank_dependence")
    reserve_dep = force("reserve_dependence")
    oil0, other = econ("oil_gas_revenue_per_month"), econ("other_revenue_per_month")
    spending, war_spending = econ("spending_per_month"), econ("war_spending_per_month")
    floor, escalation = econ("reserves_floor"), econ("escalation_cost_per_month")
    keep = _kept(econ("export_loss"), econ("refinery_loss"))
    drift, volatility = econ("oil_price_drift"), econ("oil_price_volatility")
    has_opinion = np.array([any(o.id == a for o in s.opinion) for a in actors])[:, None]
    o_drift, o_loss = opin("drift_per_month", 0.0), opin("loss_sensitivity", 0.0)
    o_ref, o_strikes = opin("reference_casualties_per_day", 1000.0), opin("strike_pressure", 0.0)
    side = np.array([b_index[a.side] for a in s.actors], dtype=int)
    actor_of = np.array([actors.index(b) for b in belligerents])

    drawn = noise if isinstance(noise, Noise) else draw_noise(compiled) if noise else None
    if drawn is not None and (drawn.fronts.shape[0] < months or drawn.fronts.shape[-1] != n):
        raise ValueError(f"noise holds {drawn.fronts.shape[0]} months of "
                         f"{drawn.fronts.shape[-1]} draws; these paths need {months} of {n}")
    noise = drawn is not None
    shocks, price_shocks = _shocks(drawn, months, len(fronts), n, noise_sd)
    learn = _belief_inputs(compiled, f_att, b_index, noise, noise_sd, log_m)
    if learn is not None and learn.m is not None:
        base_gain = base_gain * learn.m  # m scales the attacker's advance, both regimes
    observe = learn is not None and learn.excess is not None
    regime = _regime_inputs(compiled, fronts, drawn, noise_sd)
    log_price = _cumsum_months(drift + volatility * price_shocks)
    first = log_price[0].copy()
    price_index = np.exp(np.subtract(log_price, first, out=log_price), out=log_price)
    del log_price  # month 0 is the reference price
    revenue = oil0 * keep * price_index  # [months, actors, draws]
    lost_revenue = oil0 * price_index - revenue
    balance = revenue + other - spending
    economic_cost = war_spending + lost_revenue + escalation

    control = np.empty((months + 1, len(regions), nb, n))
    gains = np.zeros((months, nb, n))  # gross area each side takes (attack or counter)
    lost = np.zeros((months, nb, n))  # gross area each side loses
    net_gains = gains if regime is None else np.zeros((months, nb, n))
    casualties = np.empty((months, nb, n))
    power = np.empty((months, nb, n))
    tanks = np.empty((months + 1, nb, n))
    reserves = np.empty((months + 1, na, n))
    opinion = np.full((months + 1, na, n), np.nan)
    tanks[0] = force("tanks")[0]
    tanks0 = np.where(tanks[0] > 0, tanks[0], 1.0)
    reserves[0] = econ("reserves")[0]
    opinion[0] = np.where(has_opinion, opin("support", 0.5)[0], np.nan)
    culminated = np.zeros((months, len(fronts), n), dtype=np.float32)
    state = regime.start if regime is not None else None
    ratio0 = None

    # per-month inputs that do not depend on the path, gathered once ([months or 1, ...])
    floor_b = floor[:, actor_of]
    floor_positive, floor_div = floor_b > 0, np.maximum(floor_b, 1e-12)
    min_def, exp_att, exp_def = min_power[:, p_def], exponent[:, p_att], exponent[:, p_def]
    o_rows = np.flatnonzero(has_opinion[:, 0])
    o_side, o_drift, o_loss = side[o_rows], o_drift[:, o_rows], o_loss[:, o_rows]
    o_strikes, reference = o_strikes[:, o_rows], o_ref[:, o_rows] * DAYS_PER_MONTH
    by_att, by_def = _Groups(f_att, nb), _Groups(f_def, nb)
    # the contested areas, [fronts, draws]: the loop updates these, the other cells of
    # held_km2 never change (so neither does their control)
    held_def, held_att = held_km2[f_region, f_def], held_km2[f_region, f_att]
    fixed_control = np.clip(held_km2 * inverse_area, 0.0, 1.0)
    inverse_front = inverse_area[f_region, 0]
    fighting = None  # [draws]: where the war goes on this month (None: everywhere)

    for t in range(months):
        if truces:
            fighting = _truce_month(truces, t, fixed_control, held_def, held_att,
                                    area[f_region], f_region, f_def, f_att)
        _control(control[t], fixed_control, held_def, held_att, inverse_front, f_region,
                 f_def, f_att)
        cash = np.where(_at(floor_positive, t),
                        np.clip(reserves[t, actor_of] / _at(floor_div, t), 0, 1), 1)
        power[t] = combat_power(_at(power0, t), np.minimum(tanks[t] / tanks0, 1),
                                _at(tank_dep, t), cash, _at(reserve_dep, t))
        if fronts:
            ratio = power[t, p_att] / np.maximum(power[t, p_def], _at(min_def, t))
            pushed = (ratio ** _at(exp_att, t))[f_pair]  # rho^gamma of each front
            if observe:  # the same advance, and this month's national signal
                advance = learn.month(t, held_def, state, _at(base_gain, t), pushed,
                                      _at(supply, t), _at(fortification, t), _at(shocks, t),
                                      fighting)
            else:  # advance_km2 with the force ratio's power computed once a pair
                advance = _product(_at(base_gain, t), pushed, _at(supply, t),
                                   _at(fortification, t), _at(shocks, t))
            if fighting is not None:
                advance = advance * fighting
            if regime is None:
                take = np.minimum(held_def, advance)
                held_def -= take
                held_att += take
                sums = by_def.sums(take, by_att.sums(take))
                by_att.scatter(sums, gains[t])
                by_def.scatter(sums, lost[t])
            else:
                ratio0 = ratio if ratio0 is None else ratio0
                relief = ratio0 / ratio  # > 1 when the attacker is weaker than at month 0
                relief_power = (relief ** _at(exp_def, t))[f_pair]
                if fighting is not None:
                    relief_power *= fighting
                take, back = _regime_month(regime, t, state, held_def, held_att, advance,
                                           relief_power, _at(shocks, t))
                culminated[t] = state
                net = np.subtract(take, back)
                held_def -= net
                held_att += net
                # the side that takes ground pays for it; the side that loses it, too
                take_sums = by_def.sums(take, by_att.sums(take))
                back_sums = by_def.sums(back, by_att.sums(back))
                taken, taken_back = by_att.scatter(take_sums), by_att.scatter(back_sums)
                np.add(taken, by_def.scatter(back_sums), out=gains[t])
                np.add(by_def.scatter(take_sums), taken_back, out=lost[t])
                np.subtract(taken, taken_back, out=net_gains[t])
                after = _regime_next(regime, t, state, np.log(relief, out=relief)[f_pair],
                                     noise)
                state = after if fighting is None else np.where(fighting, after, state)
        tank_use = _at(tank_loss, t) + _at(tank_loss_km2, t) * gains[t]
        if fighting is not None:
            tank_use = tank_use * fighting
        tanks[t + 1] = np.maximum(tanks[t] - tank_use + _at(tank_prod, t), 0)
        np.add(reserves[t], _at(balance, t), out=reserves[t + 1])
        casualties[t] = (_at(cas_day, t) * DAYS_PER_MONTH + _at(cas_gain, t) * gains[t]
                         + _at(cas_loss, t) * lost[t])
        if fighting is not None:
            casualties[t] *= fighting
        if o_rows.size:  # opinion moves only where the scenario gives one
            push = (_at(o_drift, t) + _at(o_loss, t) * (casualties[t, o_side]
                                                        / _at(reference, t) - 1)
                    + _at(o_strikes, t))
            opinion[t + 1, o_rows] = logistic_step(opinion[t, o_rows], push)
            if fighting is not None:
                opinion[t + 1, o_rows] = np.where(fighting, opinion[t + 1, o_rows],
                                                  opinion[t, o_rows])
    _control(control[months], fixed_control, held_def, held_att, inverse_front, f_region,
             f_def, f_att)

    return WarPaths(regions=regions, belligerents=belligerents, actors=actors, area_km2=area,
                    control=control, gains_km2=net_gains, casualties=casualties,
                    economic_cost=_full(economic_cost, months, n),
                    revenue=_full(revenue, months, n),
                    reserves=reserves, power=power, tanks=tanks, opinion=opinion, noise=noise,
                    fronts=tuple(r.id for _, r in fronts), culminated=culminated,
                    beliefs=None if learn is None else learn.beliefs(compiled, belligerents))


class _Learning:
    """The unknown ``m`` on the attacker's fronts and the national signal it sends.

    ``m`` (``[fronts, draws]``, 1 off the attacker's fronts; ``None`` where every draw's
    ``m`` is 1) scales the base gain once, before the month loop. On the realised path
    ``month`` returns a month's advance per front, operation for operation that of
    :func:`_product`, and adds the month's informative fronts to the signal's sums.
    """

    def __init__(self, attacker: str, log_m: np.ndarray, m: np.ndarray | None,
                 rows: np.ndarray | None, excess: np.ndarray | None, months: int,
                 draws: int) -> None:
        self.attacker, self.log_m, self.m, self.excess = attacker, log_m, m, excess
        self.rows = None if rows is None else rows.astype(float)
        shape = (months, draws)
        self.advance, self.predicted, self.variance = (np.zeros(shape), np.zeros(shape),
                                                       np.zeros(shape))

    def month(self, t: int, held_def: np.ndarray, state: np.ndarray | None,
              base_gain: np.ndarray, pushed: np.ndarray, supply: np.ndarray,
              fortification: np.ndarray, shock: np.ndarray,
              fighting: np.ndarray | None = None) -> np.ndarray:
        # the advance without the shock (at the draw's m; divided by m after the loop)
        predicted = np.multiply(base_gain, pushed)
        predicted *= supply
        predicted /= fortification
        advance = np.multiply(predicted, shock)
        informative = np.less(advance, held_def)  # not capped by what the defender held
        if state is not None:
            np.greater(informative, state, out=informative)  # ... and offensive
        if fighting is not None:
            informative &= fighting  # a truce sends no signal
        weight = informative.astype(float)
        if self.rows is not None:
            weight *= self.rows  # on the attacker's fronts
        # the sums over the informative fronts of a, a_hat and a_hat^2 (e^{s^2} - 1)
        self.advance[t] = np.einsum("fn,fn->n", weight, advance)
        self.predicted[t] = np.einsum("fn,fn->n", weight, predicted)
        weight *= predicted
        weight *= predicted
        self.variance[t] = np.einsum("fn,fn->n", weight, _at(self.excess, t))
        return advance

    def beliefs(self, compiled: CompiledScenario, belligerents: tuple[str, ...]
                ) -> BeliefPaths | None:
        if compiled.scenario.beliefs is None:
            return None
        months, n = self.advance.shape
        if self.excess is None:  # the expected path: no signal
            signal, signal_sd = np.full((months, n), np.nan), np.full((months, n), np.inf)
        else:
            # m is common to the attacker's fronts: the prediction at m = 1 is the sum / m
            m = np.exp(self.log_m)
            signal, signal_sd = national_signal(self.advance, self.predicted / m,
                                                self.variance / m**2)
        return belief_paths(compiled, belligerents, self.attacker, self.log_m, signal,
                            signal_sd)


def _belief_inputs(compiled: CompiledScenario, f_att: np.ndarray, b_index: dict[str, int],
                   noise: bool, noise_sd: np.ndarray, log_m: np.ndarray | None
                   ) -> _Learning | None:
    """The unknown ``m`` and the signal's inputs, or ``None`` when neither applies.

    ``None`` (the model without ``m``, bit for bit) where the scenario has no beliefs and
    no ``log_m`` is given, or has no front.
    """
    s = compiled.scenario
    if (s.beliefs is None and log_m is None) or f_att.size == 0:
        return None
    attacker = belief_attacker(s)
    if log_m is None:
        log_m = true_log_m(compiled)
    else:
        log_m = np.asarray(log_m, dtype=float)
        if log_m.shape != (compiled.draws,):
            raise ValueError(f"log_m must have shape ({compiled.draws},), got {log_m.shape}")
    mask = f_att == b_index[attacker]
    rows = None if mask.all() else mask[:, None]
    m = None
    if np.any(log_m != 0):
        m = np.where(mask[:, None], np.exp(log_m)[None, :], 1.0)
    excess = None
    if noise and s.beliefs is not None:
        excess = np.expm1(np.square(noise_sd))
    return _Learning(attacker, log_m, m, rows, excess, compiled.months, compiled.draws)


@dataclass(frozen=True)
class _Regimes:
    """The fronts' regime parameters, each ``[months or 1, fronts, draws]``."""

    p_culminate: np.ndarray
    p_resume: np.ndarray
    scale: np.ndarray
    counter: np.ndarray
    sensitivity: np.ndarray
    start: np.ndarray  # [fronts, draws]: 1 where the front starts culminated
    uniforms: np.ndarray | None  # [months, groups, draws] on the realised path
    group: np.ndarray  # [fronts]: each front's row of ``uniforms``
    counter_shock_scale: np.ndarray | None  # exp(-s^2) on the realised path
    sensitive: np.ndarray  # [months or 1]: whether any exhaustion sensitivity is nonzero


def _regime_groups(fronts: list) -> tuple[list[str | None], list[str]]:
    """Each front's regime group (``None``: no regime) and the groups' names, sorted."""
    groups = [None if r.front.regime is None else (r.front.regime.group or r.id)
              for r in fronts]
    return groups, sorted({g for g in groups if g is not None})


def _regime_inputs(compiled: CompiledScenario, fronts: list, drawn: Noise | None,
                   noise_sd: np.ndarray) -> _Regimes | None:
    """Regime parameters of every front, or ``None`` when no front has a regime.

    A front without a regime gets the neutral values (it never culminates), so the
    months of such a front are those of the model without regimes, bit for bit.
    """
    if not any(r.front.regime is not None for _, r in fronts):
        return None
    n = compiled.draws

    def field(name: str) -> np.ndarray:
        default = REGIME_DEFAULTS[name]
        return _stack([compiled.series(f"regions.{r.id}.front.regime.{name}")
                       if r.front.regime is not None else np.full((1, n), default)
                       for _, r in fronts], n)

    regimes = [r.front.regime for _, r in fronts]
    start = np.array([g is not None and g.start == "culminated" for g in regimes])
    start = np.broadcast_to(start[:, None], (len(fronts), n))
    groups, names = _regime_groups([r for _, r in fronts])
    # a front without a regime has p_C = 0 and starts offensive: it never switches,
    # whichever group's uniforms it reads
    group = np.array([names.index(g) if g is not None else 0 for g in groups], dtype=int)
    uniforms, scale = None, None
    if drawn is not None:
        uniforms = drawn.regimes[:compiled.months]
        scale = np.exp(-noise_sd**2)
        culminated = start.copy()
    else:
        culminated = start.astype(float)
    sensitivity = field("exhaustion_sensitivity")
    return _Regimes(p_culminate=field("p_culminate"), p_resume=field("p_resume"),
                    scale=field("culminated_scale"), counter=field("counter_gain_km2"),
                    sensitivity=sensitivity, start=culminated, uniforms=uniforms, group=group,
                    counter_shock_scale=scale, sensitive=np.any(sensitivity, axis=(1, 2)))


def _control(out: np.ndarray, fixed: np.ndarray, held_def: np.ndarray,
             held_att: np.ndarray, inverse_front: np.ndarray, f_region: np.ndarray,
             f_def: np.ndarray, f_att: np.ndarray) -> None:
    """Write one month's control ``[regions, belligerents, draws]`` into ``out``.

    The cells no front moves are ``fixed``; each front's defender and attacker cells are
    ``clip(held / area, 0, 1)``, as for every cell.
    """
    out[...] = fixed
    # one front per region, so (region, side) pairs are unique
    out[f_region, f_def] = np.clip(held_def * inverse_front, 0.0, 1.0)
    out[f_region, f_att] = np.clip(held_att * inverse_front, 0.0, 1.0)


def _truce_month(truces: Sequence[Truce], t: int, fixed: np.ndarray, held_def: np.ndarray,
                 held_att: np.ndarray, front_area: np.ndarray, f_region: np.ndarray,
                 f_def: np.ndarray, f_att: np.ndarray) -> np.ndarray:
    """Whether the war goes on in month ``t`` on each draw, ``[draws]``.

    Where a truce starts in month ``t`` the control becomes the deal's from the start of
    the month: ``fixed`` (every cell) and the fronts' held areas are overwritten in place.
    """
    fighting = np.ones(fixed.shape[-1], dtype=bool)
    for truce in truces:
        signed = truce.start == t
        if signed.any():
            fixed[..., signed] = truce.control[..., signed]
            # areas, never below 0 (a deal's shares may be -1e-16 off)
            held_def[:, signed] = np.maximum(truce.control[f_region, f_def] * front_area,
                                             0)[:, signed]
            held_att[:, signed] = np.maximum(truce.control[f_region, f_att] * front_area,
                                             0)[:, signed]
        fighting &= ~((truce.start <= t) & (t < truce.end))
    return fighting


def _kept(export_loss: np.ndarray, refinery_loss: np.ndarray) -> np.ndarray:
    """Share of oil revenue kept, ``(1 - clip(export_loss)) (1 - clip(refinery_loss))``.

    Both arguments are fresh arrays and are overwritten.
    """
    kept = np.subtract(1, np.clip(export_loss, 0, 1, out=export_loss), out=export_loss)
    other = np.subtract(1, np.clip(refinery_loss, 0, 1, out=refinery_loss), out=refinery_loss)
    if kept.shape != np.broadcast_shapes(kept.shape, other.shape):
        return kept * other
    return np.multiply(kept, other, out=kept)


def _regime_month(regime: _Regimes, t: int, state: np.ndarray, held_def: np.ndarray,
                  held_att: np.ndarray, advance: np.ndarray, relief_power: np.ndarray,
                  shock: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The area the attacker takes and the area the defender takes back, per front.

    ``advance`` is the offensive regime's uncapped advance. The counter-attack rate is
    ``counter_gain_km2`` at the month-0 force balance, scaled by the defender's relative
    strength since then, ``relief_power = (rho_0 / rho_t)^gamma_def``, times the mirror of
    the front's shock (a good month for the attacker is a bad one for the counter-attack;
    mean one too).
    ``relief_power`` is overwritten (it becomes the counter-attack rate).
    """
    counter = np.multiply(relief_power, _at(regime.counter, t), out=relief_power)
    if regime.counter_shock_scale is not None:
        counter *= _at(regime.counter_shock_scale, t) / shock
    return regime_gains(held_def, held_att, advance, counter, _at(regime.scale, t), state,
                        expected=regime.uniforms is None)


def _regime_next(regime: _Regimes, t: int, state: np.ndarray, log_relief: np.ndarray,
                 noise: bool) -> np.ndarray:
    """Next month's regime (realised) or its probability (expected)."""
    p_c = culmination_probability(_at(regime.p_culminate, t), log_relief,
                                  _at(regime.sensitivity, t),
                                  sensitive=bool(_at(regime.sensitive, t)))
    p_r = _at(regime.p_resume, t)
    if noise:
        return switch(state, regime.uniforms[t][regime.group], p_c, p_r)
    return expected_step(state, p_c, p_r)


def _product(base_gain: np.ndarray, pushed: np.ndarray, supply: np.ndarray,
             fortification: np.ndarray, shock: np.ndarray) -> np.ndarray:
    """``base_gain * pushed * supply / fortification * shock``, left to right, in one array.

    The uncapped advance of :func:`advance_km2`, operation for operation (so bit for bit),
    without its temporaries.
    """
    out = np.multiply(base_gain, pushed)
    out *= supply
    out /= fortification
    out *= shock
    return out


def _cumsum_months(values: np.ndarray) -> np.ndarray:
    """``np.cumsum(values, axis=0)`` in place, bit for bit.

    A running sum is sequential either way; numpy's accumulate along the outer axis of a
    3-d array is several times slower than one vectorised add a month.
    """
    for t in range(1, values.shape[0]):
        np.add(values[t - 1], values[t], out=values[t])
    return values


class _Groups:
    """Fronts grouped by belligerent (attacker or defender), to sum per-front rows.

    ``rows`` pairs each belligerent that has fronts with its fronts' rows (``None`` for all
    of them: summed without a copy). Sums are keyed by those rows, so two groupings of the
    same fronts (one attacker, one defender) share one sum.
    """

    def __init__(self, index: np.ndarray, size: int) -> None:
        self.size = size
        self.rows: list[tuple[int, tuple[int, ...] | None]] = []
        for k in range(size):
            mask = index == k
            if mask.any():
                self.rows.append((k, None if mask.all() else tuple(np.flatnonzero(mask))))

    def sums(self, values: np.ndarray, known: dict | None = None) -> dict:
        """Add the sums over this grouping's rows of ``values [fronts, draws]`` to ``known``."""
        known = {} if known is None else known
        for _, rows in self.rows:
            if rows not in known:
                known[rows] = values.sum(axis=0) if rows is None else values[list(rows)].sum(0)
        return known

    def scatter(self, sums: dict, out: np.ndarray | None = None) -> np.ndarray:
        """The ``[size, draws]`` sums by belligerent (0 where it has no front)."""
        if out is None:
            out = np.zeros((self.size, next(iter(sums.values())).shape[-1]))
        for k, rows in self.rows:
            out[k] = sums[rows]
        return out


def _default(model: type, name: str) -> float:
    """A field's default, for actors the scenario gives no record of that kind."""
    default = model.model_fields[name].default
    return float(default) if isinstance(default, (int, float)) else 0.0


def _stack(parts: list[np.ndarray], draws: int) -> np.ndarray:
    """Stack ``[months or 1, draws]`` series into ``[months or 1, k, draws]``."""
    if not parts:
        return np.zeros((1, 0, draws))
    return np.stack(np.broadcast_arrays(*parts), axis=1)


def _full(values: np.ndarray, months: int, draws: int) -> np.ndarray:
    return np.ascontiguousarray(np.broadcast_to(values, (months, values.shape[1], draws)))


def _at(values: np.ndarray, t: int) -> np.ndarray:
    """Month ``t`` of a ``[months or 1, ...]`` array."""
    return values[min(t, values.shape[0] - 1)]


def _defender(region, b_index: dict[str, int], share0: np.ndarray) -> int:
    """The belligerent other than the attacker that holds most of the region."""
    attacker = b_index[region.front.attacker]
    others = [k for k in range(len(b_index)) if k != attacker]
    return max(others, key=lambda k: share0[k])


def _shocks(drawn: Noise | None, months: int, n_fronts: int, draws: int,
            noise_sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean-one battlefield shocks ``[months, fronts, draws]`` and oil price shocks.

    ``exp(sd z - sd^2 / 2)`` of the drawn normals; all 1 (and no price shock) on the
    noise-free path (``drawn`` None).
    """
    if drawn is None:
        return np.ones((1, n_fronts, draws)), np.zeros((1, 1, draws))
    z = drawn.fronts[:months] * noise_sd
    z -= noise_sd**2 / 2
    return np.exp(z, out=z), drawn.price[:months]
