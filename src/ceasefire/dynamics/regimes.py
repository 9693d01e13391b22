r"""Offensive and culminated regimes of a front: a two-state Markov chain (MODELS.md 4).

Each front is, every month, in one of two regimes: *offensive* (the attacker advances at
its full rate) or *culminated* (the attacker is exhausted: its rate is scaled down by
``m`` and the defender takes ground back at up to ``c`` km² a month). The regime switches
month to month with the probabilities of a Markov-switching model (Hamilton 1989):

.. math::

    P(s_{t+1} = C \mid s_t = O) = p_C(t) = \min\bigl(1,\; p_C\,(\rho_0/\rho_t)^{\eta}\bigr),
    \qquad P(s_{t+1} = O \mid s_t = C) = p_R,

so culmination becomes likelier as the attacker's force ratio ``rho`` falls below its
month-0 level (``eta``, the exhaustion sensitivity; 0 gives constant probabilities). With
constant probabilities the long-run share of culminated months is ``p_C / (p_C + p_R)``.

The realised path samples the regime from one uniform per month and group, drawn block by
block like the other noise (common random numbers; chunking does not matter). The
noise-free path carries the *probability* of the culminated regime instead,

.. math:: \pi_{t+1} = \pi_t\,(1 - p_R) + (1 - \pi_t)\,p_C(t),

and mixes the two regimes' gains with weights ``1 - pi`` and ``pi``: deterministic given
the parameters.

References
----------
Hamilton, J. (1989) A new approach to the economic analysis of nonstationary time series
and the business cycle. *Econometrica* 57(2).
"""

from __future__ import annotations

import numpy as np

from ceasefire.scenario.compile import BLOCK, CompiledScenario, stream

__all__ = ["REGIME_DEFAULTS", "culmination_probability", "expected_step", "regime_gains",
           "regime_uniforms", "stationary_share", "switch"]

REGIME_DEFAULTS = {"p_culminate": 0.0, "p_resume": 0.0, "culminated_scale": 1.0,
                   "counter_gain_km2": 0.0, "exhaustion_sensitivity": 0.0}
"""Each regime field's neutral value: a front without a regime never culminates."""


def culmination_probability(p_culminate: np.ndarray, log_relief: np.ndarray,
                            sensitivity: np.ndarray, *, sensitive: bool | None = None
                            ) -> np.ndarray:
    r"""``p_C(t) = min(1, p_C (rho_0 / rho_t)^eta)``, in [0, 1].

    ``log_relief`` is ``log(rho_0 / rho_t)``. A lever may push a probability past 1; it
    is clipped, never wrapped. ``sensitive``, when known, is ``np.any(sensitivity)``.
    """
    if not (np.any(sensitivity) if sensitive is None else sensitive):
        return np.clip(p_culminate, 0.0, 1.0)
    odds = np.exp(np.multiply(sensitivity, log_relief))
    odds = np.multiply(p_culminate, odds, out=_scratch(odds, p_culminate))
    return np.clip(odds, 0.0, 1.0, out=odds)


def expected_step(culminated: np.ndarray, p_culminate: np.ndarray,
                  p_resume: np.ndarray) -> np.ndarray:
    r"""Propagate the probability of the culminated regime one month.

    ``pi' = pi (1 - p_R) + (1 - pi) p_C``.
    """
    stay = np.subtract(1, np.clip(p_resume, 0.0, 1.0))
    stay = np.multiply(culminated, stay, out=_scratch(stay, culminated))
    start = np.subtract(1, culminated)
    start = np.multiply(start, p_culminate, out=_scratch(start, p_culminate))
    return np.add(stay, start, out=_scratch(stay, start))


def switch(culminated: np.ndarray, uniform: np.ndarray, p_culminate: np.ndarray,
           p_resume: np.ndarray) -> np.ndarray:
    """Sample next month's regime from one uniform a month per group.

    An offensive front culminates when ``u < p_C``, a culminated one resumes when
    ``u < p_R``.
    """
    return np.where(culminated, uniform >= p_resume, uniform < p_culminate)


def stationary_share(p_culminate: float, p_resume: float) -> float:
    """Long-run share of culminated months of a chain with constant probabilities."""
    total = p_culminate + p_resume
    return p_culminate / total if total > 0 else 0.0


def regime_gains(held_defender: np.ndarray, held_attacker: np.ndarray, advance: np.ndarray,
                 counter: np.ndarray, scale: np.ndarray, culminated: np.ndarray,
                 *, expected: bool) -> tuple[np.ndarray, np.ndarray]:
    r"""Area the attacker takes and the area the defender takes back in a month.

    ``advance`` is the offensive regime's uncapped advance (``g rho^gamma sigma / phi
    e^eps``) and ``counter`` the culminated regime's counter-attack rate. In the offensive
    regime the attacker takes ``min(H_def, advance)`` and loses nothing; in the
    culminated one it takes ``min(H_def, m advance)`` and the defender takes back
    ``min(H_att, counter)``: never more than the attacker holds in the region.

    On the realised path ``culminated`` is the sampled regime (booleans); on the expected
    path (``expected=True``) it is the regime's probability and both areas are the
    probability-weighted mix of the two regimes'. With ``culminated`` all 0 the take is
    exactly ``min(H_def, advance)`` and nothing is taken back.
    """
    if expected:
        full = np.minimum(held_defender, advance)
        scaled = np.multiply(scale, advance)
        scaled = np.minimum(held_defender, scaled, out=_scratch(scaled, held_defender))
        back = np.minimum(held_attacker, counter)
        # (1 - pi) full + pi scaled, pi back
        full = np.multiply(np.subtract(1, culminated), full, out=_scratch(full, culminated))
        scaled = np.multiply(culminated, scaled, out=_scratch(scaled, culminated))
        back = np.multiply(culminated, back, out=_scratch(back, culminated))
        return np.add(full, scaled, out=_scratch(full, scaled)), back
    # one regime a draw: scale only the culminated fronts (1.0 * a == a exactly)
    take = np.where(culminated, scale, 1.0)
    take = np.multiply(take, advance, out=_scratch(take, advance))
    back = np.where(culminated, counter, 0.0)
    return (np.minimum(held_defender, take, out=_scratch(take, held_defender)),
            np.minimum(held_attacker, back, out=_scratch(back, held_attacker)))


def regime_uniforms(compiled: CompiledScenario, groups: list[str]) -> np.ndarray:
    """Uniforms ``[months, groups, draws]`` that drive the regime switches.

    Drawn block by block from the compiled noise seeds, from a stream keyed by the group's
    name (``regime.<group>``), so a draw's regimes do not depend on how many draws run
    beside it, and adding a front or a group leaves the others' draws as they were.
    """
    n, months = compiled.draws, compiled.months
    if not groups:
        return np.zeros((months, 0, n))
    out = np.empty((months, len(groups), n))
    for seed, rows, columns in compiled.noise_blocks():
        for g, name in enumerate(groups):
            out[:, g, rows] = stream(seed, f"regime.{name}").random((months, BLOCK))[:, columns]
    return out


def _scratch(fresh: np.ndarray, *others: np.ndarray) -> np.ndarray | None:
    """``fresh`` (a temporary) as the ``out=`` of an operation with ``others``, or ``None``.

    ``None`` (numpy allocates) where the result's broadcast shape is larger than ``fresh``.
    """
    shape = np.broadcast_shapes(fresh.shape, *(np.shape(o) for o in others))
    return fresh if shape == fresh.shape else None
