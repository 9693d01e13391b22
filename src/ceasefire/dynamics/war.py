"""War paths: a month-by-month simulation of the war, vectorised over draws.

Every array keeps draws on its last axis (``[..., draws]``), so each inner loop runs over
draws; the only Python loop is over months. Per
month: each contested region's attacker gains ground (force ratio, fortification,
supply, noise), gains cost casualties and tanks, tank shortages and empty reserves
sap combat power, revenue follows sanctions and refinery strikes, reserves run down,
and opinion drifts with losses and strikes on cities (MODELS.md sections 4-6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
        ``[months, belligerents, draws]``: area each belligerent gained in each month.
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

    @property
    def draws(self) -> int:
        """Number of draws."""
        return self.control.shape[-1]

    def draws_first(self, name: str) -> np.ndarray:
        """Return an array with draws moved to the first axis (a view, no copy)."""
        return np.moveaxis(getattr(self, name), -1, 0)


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


def simulate_war(compiled: CompiledScenario, *, noise: bool = True) -> WarPaths:
    """Simulate the war month by month for every draw.

    Parameters
    ----------
    compiled
        The scenario's sampled parameters.
    noise
        With ``False`` every shock is exactly 1 (the noise-free path that the parties'
        war values are computed on); with ``True`` one realised path per draw, its
        shocks drawn block by block from the compiled seed.
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

    fronts = [(k, r) for k, r in enumerate(s.regions) if r.front is not None]
    f_region = np.array([k for k, _ in fronts], dtype=int)
    f_att = np.array([b_index[r.front.attacker] for _, r in fronts], dtype=int)
    f_def = np.array([_defender(r, b_index, share[k, :, 0]) for k, r in fronts], dtype=int)

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
    keep = (1 - np.clip(econ("export_loss"), 0, 1)) * (1 - np.clip(econ("refinery_loss"), 0, 1))
    drift, volatility = econ("oil_price_drift"), econ("oil_price_volatility")
    has_opinion = np.array([any(o.id == a for o in s.opinion) for a in actors])[:, None]
    o_drift, o_loss = opin("drift_per_month", 0.0), opin("loss_sensitivity", 0.0)
    o_ref, o_strikes = opin("reference_casualties_per_day", 1000.0), opin("strike_pressure", 0.0)
    side = np.array([b_index[a.side] for a in s.actors], dtype=int)
    actor_of = np.array([actors.index(b) for b in belligerents])

    shocks, price_shocks = _shocks(compiled, noise, len(fronts), noise_sd)
    log_price = np.cumsum(drift + volatility * price_shocks, axis=0)
    price_index = np.exp(log_price - log_price[:1])  # month 0 is the reference price
    revenue = oil0 * keep * price_index  # [months, actors, draws]
    lost_revenue = oil0 * price_index - revenue
    balance = revenue + other - spending
    economic_cost = war_spending + lost_revenue + escalation

    control = np.empty((months + 1, len(regions), nb, n))
    gains = np.zeros((months, nb, n))
    lost = np.zeros((months, nb, n))
    casualties = np.empty((months, nb, n))
    power = np.empty((months, nb, n))
    tanks = np.empty((months + 1, nb, n))
    reserves = np.empty((months + 1, na, n))
    opinion = np.full((months + 1, na, n), np.nan)
    tanks[0] = force("tanks")[0]
    tanks0 = np.where(tanks[0] > 0, tanks[0], 1.0)
    reserves[0] = econ("reserves")[0]
    opinion[0] = np.where(has_opinion, opin("support", 0.5)[0], np.nan)
    inverse_area = 1 / np.maximum(area, 1e-12)[:, None, :]

    for t in range(months):
        np.clip(held_km2 * inverse_area, 0.0, 1.0, out=control[t])
        cash_floor = _at(floor, t)[actor_of]
        cash = np.where(cash_floor > 0,
                        np.clip(reserves[t, actor_of] / np.maximum(cash_floor, 1e-12), 0, 1), 1)
        power[t] = combat_power(_at(power0, t), np.minimum(tanks[t] / tanks0, 1),
                                _at(tank_dep, t), cash, _at(reserve_dep, t))
        if fronts:
            ratio = power[t, f_att] / np.maximum(power[t, f_def], _at(min_power, t)[f_def])
            take = advance_km2(held_km2[f_region, f_def], _at(base_gain, t), ratio,
                               _at(exponent, t)[f_att], _at(supply, t), _at(fortification, t),
                               _at(shocks, t))
            # one front per region, so (region, side) pairs are unique
            held_km2[f_region, f_def] -= take
            held_km2[f_region, f_att] += take
            gains[t] = _sum_by(take, f_att, nb)
            lost[t] = _sum_by(take, f_def, nb)
        tank_use = _at(tank_loss, t) + _at(tank_loss_km2, t) * gains[t]
        tanks[t + 1] = np.maximum(tanks[t] - tank_use + _at(tank_prod, t), 0)
        reserves[t + 1] = reserves[t] + _at(balance, t)
        casualties[t] = (_at(cas_day, t) * DAYS_PER_MONTH + _at(cas_gain, t) * gains[t]
                         + _at(cas_loss, t) * lost[t])
        reference = _at(o_ref, t) * DAYS_PER_MONTH
        push = (_at(o_drift, t) + _at(o_loss, t) * (casualties[t, side] / reference - 1)
                + _at(o_strikes, t))
        opinion[t + 1] = np.where(has_opinion, logistic_step(opinion[t], push), np.nan)
    np.clip(held_km2 * inverse_area, 0.0, 1.0, out=control[months])

    return WarPaths(regions=regions, belligerents=belligerents, actors=actors, area_km2=area,
                    control=control, gains_km2=gains, casualties=casualties,
                    economic_cost=_full(economic_cost, months, n),
                    revenue=_full(revenue, months, n),
                    reserves=reserves, power=power, tanks=tanks, opinion=opinion, noise=noise)


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


def _sum_by(values: np.ndarray, index: np.ndarray, size: int) -> np.ndarray:
    """Sum rows ``values[j]`` into row ``index[j]`` of a ``[size, draws]`` array."""
    out = np.zeros((size, values.shape[-1]))
    for k in range(size):
        mask = index == k
        if mask.any():
            out[k] = values[mask].sum(axis=0)
    return out


def _shocks(compiled: CompiledScenario, noise: bool, n_fronts: int,
            noise_sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean-one battlefield shocks ``[months, fronts, draws]`` and oil price shocks.

    Standard normals are drawn block by block from the compiled noise seeds, so a draw's
    path does not depend on how many draws run beside it.
    """
    n, months = compiled.draws, compiled.months
    if not noise:
        return np.ones((1, n_fronts, n)), np.zeros((1, 1, n))
    names = [r.id for r in compiled.scenario.regions if r.front is not None]
    fronts, prices = [], []
    for seed in compiled.noise_seeds:
        # each front and the oil price draw from streams keyed by name (see `stream`)
        fronts.append(np.stack([stream(seed, f"shock.{name}").standard_normal((months, BLOCK))
                                for name in names], axis=1) if names
                      else np.zeros((months, 0, BLOCK)))
        prices.append(stream(seed, "shock.oil-price").standard_normal((months, 1, BLOCK)))
    z = np.concatenate(fronts, axis=-1)[..., :n]
    price = np.concatenate(prices, axis=-1)[..., :n]
    return np.exp(noise_sd * z - noise_sd**2 / 2), price
