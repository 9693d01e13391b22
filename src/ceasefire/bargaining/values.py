"""War values and deal values (MODELS.md section 2).

All arrays keep draws on the last axis. ``A`` is the number of actors, ``n`` of draws.
Each formula lives in one function whose docstring gives the equation and its source.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ceasefire.dynamics import WarPaths
from ceasefire.scenario.compile import CompiledScenario

__all__ = [
    "ActorParameters",
    "PayoffStreams",
    "actor_parameters",
    "deal_value",
    "discounted_value",
    "discounted_values",
    "payoff_streams",
    "ratification_margin",
]


@dataclass(frozen=True)
class ActorParameters:
    """Per-actor parameters, ``[actors, draws]`` (``value``: ``[actors, regions, draws]``)."""

    actors: tuple[str, ...]
    side: np.ndarray
    discount: np.ndarray
    margin: np.ndarray
    casualty_weight: np.ndarray
    cost_weight: np.ndarray
    value: np.ndarray


def actor_parameters(compiled: CompiledScenario) -> ActorParameters:
    """Collect the actors' valuations and weights from the compiled scenario."""
    s = compiled.scenario
    actors = tuple(a.id for a in s.actors)
    belligerents = s.belligerents

    def stack(name: str) -> np.ndarray:
        return np.stack([compiled.get(f"actors.{a}.{name}") for a in actors])

    value = np.stack([np.stack([compiled.get(f"regions.{r.id}.value.{a}") for r in s.regions])
                      for a in actors])
    return ActorParameters(
        actors=actors,
        side=np.array([belligerents.index(a.side) for a in s.actors], dtype=int),
        discount=stack("discount_factor"),
        margin=stack("ratification_margin"),
        casualty_weight=stack("casualty_weight"),
        cost_weight=stack("cost_weight"),
        value=value,
    )


@dataclass(frozen=True)
class PayoffStreams:
    """Monthly payoff at war and its parts, each ``[months, actors, draws]``.

    ``payoff = territory - casualty_cost - economic_cost`` exactly.
    """

    territory: np.ndarray
    casualty_cost: np.ndarray
    economic_cost: np.ndarray

    @property
    def payoff(self) -> np.ndarray:
        """u_i(t), the monthly payoff at war."""
        return self.territory - self.casualty_cost - self.economic_cost


def territory_value(value: np.ndarray, control: np.ndarray, side: np.ndarray) -> np.ndarray:
    r"""Value of the territory each actor's side holds: :math:`\sum_r v_{i,r} q_{side(i),r}`.

    ``value`` is ``[actors, regions, draws]``, ``control`` ``[..., regions, belligerents,
    draws]``; returns ``[..., actors, draws]``. Regions are valued as wholes (MODELS.md
    section 2): a patron values what its side holds.
    """
    out = np.empty((*control.shape[:-3], len(side), control.shape[-1]))
    for b in np.unique(side):
        mine = np.flatnonzero(side == b)
        out[..., mine, :] = np.einsum("...rd,ard->...ad", control[..., b, :], value[mine])
    return out


def payoff_streams(paths: WarPaths, params: ActorParameters) -> PayoffStreams:
    r"""Monthly payoff at war (MODELS.md section 2).

    .. math:: u_i(t) = \sum_r v_{i,r} q_{side(i),r}(t) - \kappa_i L_{side(i)}(t)
              - \eta_i G_i(t)

    with L in thousands of casualties a month and G the economic cost in the scenario's
    currency a month.

    References
    ----------
    Fearon, J. (1995) Rationalist explanations for war. *International Organization*
    49(3): costly war as the source of a bargaining range.
    """
    months = paths.casualties.shape[0]
    territory = territory_value(params.value, paths.control[:months], params.side)
    casualties = np.take(paths.casualties, params.side, axis=1) / 1000.0
    casualty_cost = params.casualty_weight * casualties
    economic_cost = params.cost_weight * paths.economic_cost
    return PayoffStreams(territory=territory, casualty_cost=casualty_cost,
                         economic_cost=economic_cost)


def discounted_value(stream: np.ndarray, discount: np.ndarray, start: int,
                     horizon: int) -> np.ndarray:
    r"""Value of fighting on from month ``start`` (MODELS.md section 2).

    .. math:: W_i(s) = \sum_{t=s}^{s+H-1} \delta_i^{t-s} u_i(t)
              + \frac{\delta_i^{H} u_i(s+H)}{1-\delta_i}

    The terminal term assumes the war goes on after the horizon as it was at its end,
    costs included: the war does not end for free.

    Parameters
    ----------
    stream
        ``[months, actors, draws]`` monthly payoffs (or one part of them).
    discount
        ``[actors, draws]`` monthly discount factors in (0, 1).

    References
    ----------
    Powell, R. (2006) War as a commitment problem. *International Organization* 60(1).
    """
    return discounted_values(stream, discount, [start], horizon)[0]


def discounted_values(stream: np.ndarray, discount: np.ndarray, starts: list[int] | range,
                      horizon: int) -> np.ndarray:
    """:func:`discounted_value` for several start months at once, ``[starts, actors, draws]``.

    Uses one cumulative sum: the head of W(s) is ``delta^-s (C(s+H) - C(s))`` with
    ``C(t) = sum_{u<t} delta^u stream(u)``; start months stay small (at most 12), so
    ``delta^-s`` is well conditioned.
    """
    starts = list(starts)
    last = max(starts) + horizon
    powers = discount[None] ** np.arange(last + 1)[:, None, None]  # [t, actors, draws]
    cumulative = np.concatenate([np.zeros_like(discount)[None],
                                 np.cumsum(powers[:last] * stream[:last], axis=0)])
    out = np.empty((len(starts), *discount.shape))
    for k, s in enumerate(starts):
        head = (cumulative[s + horizon] - cumulative[s]) / powers[s]
        out[k] = head + powers[horizon] * stream[s + horizon] / (1 - discount)
    return out


def deal_value(
    *,
    implementation: np.ndarray,
    territory: np.ndarray,
    flow: np.ndarray,
    one_off: np.ndarray,
    war_cost: np.ndarray,
    hazard: np.ndarray,
    discount: np.ndarray,
) -> np.ndarray:
    r"""Value of a package signed at month s (MODELS.md section 2, durability).

    The implementation month keeps the line of month s and ends the war's costs; from the
    next month the deal's control holds and its flow terms pay, until the deal collapses
    (monthly hazard h), after which the party is back at war from the deal's line with
    payoff :math:`c = T^d - \bar{C}(s)`, where :math:`\bar{C}(s)` is the war's monthly
    cost as an annuity (the constant cost with the present value of the cost stream
    from s):

    .. math:: V = u_{impl} + \delta\left[\frac{T^d + F}{1-\delta(1-h)}
              + \frac{\delta h\, c}{(1-\delta)(1-\delta(1-h))}\right] + O

    With h = 0 this is the plain discounted value of the deal. All arguments broadcast.

    References
    ----------
    Powell, R. (2006) War as a commitment problem. *International Organization* 60(1);
    guarantees matter because they lower h.
    """
    survive = 1 - discount * (1 - hazard)
    collapse = territory - war_cost
    stationary = (territory + flow) / survive + discount * hazard * collapse / (
        (1 - discount) * survive)
    return implementation + discount * stationary + one_off


def ratification_margin(mu: np.ndarray, support: np.ndarray, war_value: np.ndarray) -> np.ndarray:
    r"""The margin by which a deal must beat war to be ratified (MODELS.md section 2).

    .. math:: m_i(d, s) = \mu_i\,(1 - o_i(d, s))\,|W_i(s)|

    ``support`` is the share of the actor's public that accepts what the deal concedes;
    a deal conceding nothing the public minds (support 1) needs no margin.
    """
    return mu * (1 - support) * np.abs(war_value)


def shift_support(term_support: np.ndarray, now: np.ndarray, then: np.ndarray) -> np.ndarray:
    r"""Move a term's support with the drift of general opinion (MODELS.md section 6).

    .. math:: \mathrm{logit}\,o_i(d,s) = \mathrm{logit}\,o_i^d
              + \mathrm{logit}\,o_i(s) - \mathrm{logit}\,o_i(0)

    Support for negotiating is not support for ceding land: each term keeps its own level
    and only the change in war weariness since the scenario date carries over. NaN
    ``now``/``then`` (no opinion data for the actor) leave the term's support unchanged.
    """
    shift = np.nan_to_num(_logit(now) - _logit(then))
    moved = 1 / (1 + np.exp(-(_logit(term_support) + shift)))
    return np.where(term_support >= 1, 1.0, moved)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))
