r"""The candidate packages on the board and their values at one path-month (MODELS.md 2.1-2.3).

Every value is relative to the party's value of the war at the current line,
:math:`b_i(t) = u_i(t) / (1 - \delta_i)`, so that a region no deal moves, no front changes
and no claim covers cancels out of every comparison: it is left out, and adding a
constant to its value changes no decision, exactly. Package terms are option *columns*;
a package's additive parts are an incidence matrix times the columns (one matrix
product), and the parts that are not additive (completion of a claim, the least
supported concession, the hazard) are formed from those sums.

With the continuation value :math:`\hat C_i` fitted by :mod:`~ceasefire.bargaining.regression`
(in units of the annuity :math:`A_i` of i's war costs), a package d signed in month t is
worth (MODELS.md 2.2)

.. math::

    V_i(d) - b_i = O_i(d) + \frac{\Delta P_i(d) + \delta_i h (\hat C_i^{post}(d) - b_i)}
                               {1 - \delta_i (1 - h)},

with :math:`\Delta P_i(d) = P_i(d) - u_i(t)` the change in the monthly payoff from war
to peace, :math:`\hat C_i^{post}` the continuation value at the deal's control (the game
resumes after a collapse), and the hazard
:math:`h = 1 - \prod_{b} (1 - \mathrm{logistic}(a_0 + \beta R_b / A_b - g(d)))`,
:math:`R_b = \hat C_b^{post} - P_b / (1 - \delta_b)` the gain from renewed war.

References
----------
Fortna, V. P. (2003) Scraps of paper? Agreements and the durability of peace.
*International Organization* 57(2).
Powell, R. (2006) War as a commitment problem. *International Organization* 60(1).
Putnam, R. (1988) Diplomacy and domestic politics: the logic of two-level games.
*International Organization* 42(3).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
from scipy.special import expit, ndtr

from ceasefire.bargaining.packages import option_move, package_index
from ceasefire.scenario.compile import CompiledScenario

__all__ = ["Board", "Claims", "MonthState", "Values"]

COMPLETE = 0.01 + 1e-9
"""A claim is complete while the other side holds at most 1 % of each region (MODELS.md
2.1; the 1e-9 absorbs the rounding of shares such as 1 - 0.99)."""


@dataclass(frozen=True)
class Claims:
    """Territorial claims (MODELS.md 2.1).

    ``actor`` is an index into the players, ``regions`` region indices, ``other`` the
    belligerent whose share must stay below :data:`COMPLETE`, ``value`` ``[claims,
    draws]`` the completion value per month.
    """

    actor: np.ndarray
    other: np.ndarray
    regions: tuple[np.ndarray, ...]
    value: np.ndarray


@dataclass(frozen=True)
class MonthState:
    """The state of every path at the start of one month, for the players ``J``.

    ``control`` ``[regions, belligerents, N]``; ``war_cost`` ``[J, N]`` the month's
    cost of war (casualties and economic cost, weighted); ``lost`` ``[J, N]`` the
    weighted revenue lost to sanctions; ``opinion_shift`` ``[belligerents, N]`` the
    change of logit support for concessions since month 0; ``features`` ``[N, F]``.
    """

    control: np.ndarray
    war_cost: np.ndarray
    lost: np.ndarray
    opinion_shift: np.ndarray
    features: np.ndarray


@dataclass(frozen=True)
class Values:
    """Values of the candidates at one month, relative to ``b`` (``[P, J, N]``).

    ``deal`` is V - b, ``war`` X - b ``[J, N]``, ``ratify`` r ``[P, N]``, ``own`` r_j
    ``[P, J, N]``, ``audience`` a_j ``[P, J, N]``, ``hazard`` h ``[P, N]``.
    """

    deal: np.ndarray
    war: np.ndarray
    ratify: np.ndarray
    own: np.ndarray
    audience: np.ndarray
    hazard: np.ndarray

    def gain(self) -> np.ndarray:
        """``[P, J, N]``: the expected gain of signing over fighting on.

        r (V - X) - (1 - r_j) a_j: a responder accepts when it is not negative.
        """
        return self.ratify[:, None] * (self.deal - self.war[None]) - (1 - self.own) * self.audience


class Board:
    """The static side of the candidate packages for the players, over ``N`` paths.

    Built on the compiled draws of the paths it values (``N`` of them); arrays are
    ``[..., N]``.
    """

    def __init__(self, compiled: CompiledScenario, players: Sequence[str],
                 packages: Sequence[Mapping[str, str]], summit: np.ndarray,
                 area: np.ndarray) -> None:
        s = compiled.scenario
        self.scenario, self.compiled = s, compiled
        actors = [a.id for a in s.actors]
        self.players = tuple(players)
        self.player_index = np.array([actors.index(p) for p in players])
        belligerents = s.belligerents
        self.belligerents = np.array([self.players.index(b) for b in belligerents])
        self.side = np.array([belligerents.index(s.actor(p).side) for p in players])

        def per_player(path: str) -> np.ndarray:
            return np.stack([compiled.get(path.format(p)) for p in players])

        self.discount = per_player("actors.{}.discount_factor")
        self.casualty_weight = per_player("actors.{}.casualty_weight")
        self.cost_weight = per_player("actors.{}.cost_weight")
        self.audience_share = per_player("actors.{}.audience_cost")
        self.peace_value = per_player("actors.{}.peace_value_per_month")
        self.peace_spending = per_player("economy.{}.peace_spending_per_month")
        bel = [self.players[k] for k in self.belligerents]
        self.spread = np.stack([compiled.get(f"actors.{b}.ratification_spread")
                                for b in bel])
        self.threshold = np.stack([[compiled.get(f"actors.{b}.{kind}_threshold")
                                    for b in bel]
                                   for kind in ("ratification", "constitutional")])
        self.base_logit = np.log(compiled.get("bargaining.base_hazard").clip(1e-9, 1 - 1e-9))
        self.base_logit -= np.log1p(-np.exp(self.base_logit))
        self.sensitivity = compiled.get("bargaining.hazard_sensitivity")

        self.regions = [r.id for r in s.regions]
        self.fronts = np.array([k for k, r in enumerate(s.regions) if r.front is not None],
                               dtype=int)
        self.summit = SimpleNamespace(control=summit[None], area_km2=area)
        self._columns(compiled)
        self.claims = self._claims(compiled)
        moved = {r for _, regions, _, _ in self.moves for r in regions}
        claimed = {int(r) for regions in self.claims.regions for r in regions}
        variable = sorted(moved | claimed | set(self.fronts.tolist()))
        self.variable = np.array(variable, dtype=int)
        value = np.stack([np.stack([compiled.get(f"regions.{r}.value.{p}")
                                    for r in self.regions]) for p in players])
        self.value = value  # [J, regions, N]
        self.conceded_columns = (np.maximum(-self.flow, 0) / (1 - self.discount[:, None])
                                 + np.maximum(-self.once, 0))  # [J, C, N]
        columns = [o for i in s.issues for o in i.options]
        self.delivered_columns = np.array([[p in o.delivered_by for o in columns]
                                           for p in players], dtype=bool).reshape(
            len(players), len(columns))  # [J, C]
        moved_by = {c: set(regions) for c, regions, _, _ in self.moves}
        self.claim_cover = [np.array([[int(r) in moved_by.get(c, ()) for r in regions]
                                      for c in range(self.columns)], dtype=bool).reshape(
            self.columns, len(regions)) for regions in self.claims.regions]  # [C, R_k]
        self._packages(packages)

    def with_packages(self, packages: Sequence[Mapping[str, str]]) -> Board:
        """The same board (columns, claims, draws) with other candidate packages."""
        other = copy.copy(self)
        other._packages(packages)
        return other

    # --- columns -----------------------------------------------------------------------

    def _columns(self, compiled: CompiledScenario) -> None:
        """Per option: its constant terms for the players, and the regions it moves."""
        s = self.scenario
        flow, once, log_h, relief, shift, support, constitutional = [], [], [], [], [], [], []
        self.moves: list[tuple] = []  # (column, regions, (issue, option id), OptionMove)
        bel = [self.players[k] for k in self.belligerents]
        for issue in s.issues:
            for option in issue.options:
                c = len(flow)
                prefix = f"issues.{issue.id}.options.{option.id}"
                sovereign = option.sovereignty_value
                values = []
                for p in self.players:
                    name = "sovereignty_value" if p in sovereign else "value"
                    values.append(compiled.get(f"{prefix}.{name}.{p}"))
                values = np.stack(values)
                is_flow = option.term == "flow" and not sovereign
                flow.append(values if is_flow else np.zeros_like(values))
                once.append(np.zeros_like(values) if is_flow else values)
                log_h.append(np.log(compiled.get(f"{prefix}.hazard_factor", 1.0)))
                relief.append(compiled.get(f"{prefix}.sanctions_relief", 0.0))
                shift.append(np.stack([compiled.get(f"{prefix}.support_shift.{b}", 0.0)
                                       for b in bel]))
                # a concession for b: the scenario gives its public's support for it
                support.append(np.stack([compiled.get(f"{prefix}.support.{b}")
                                         if b in option.support
                                         else np.full_like(values[0], np.inf) for b in bel]))
                constitutional.append([b in option.constitutional for b in bel])
                if (issue.kind == "territory" and option.control is not None) or (
                        issue.kind == "line" and option.x is not None):
                    self.moves.append((c, [], (issue, option.id), None))
        self.columns = len(flow)
        self.flow, self.once = np.stack(flow, 1), np.stack(once, 1)  # [J, C, N]
        self.log_hazard = np.stack(log_h)  # [C, N]
        self.relief = np.stack(relief)  # [C, N]
        self.shift = np.stack(shift, 1)  # [B, C, N]
        self.support = np.stack(support, 1)  # [B, C, N], inf: not a concession
        self.constitutional = np.array(constitutional, dtype=bool).T  # [B, C]
        # the regions each moving option changes (fixed by the scenario, not the state)
        for k, (c, _, (issue, option_id), _) in enumerate(self.moves):
            move = option_move(self.compiled, self.summit, issue, option_id)
            self.moves[k] = (c, move.regions, (issue, option_id), move)

    def _claims(self, compiled: CompiledScenario) -> Claims:
        s = self.scenario
        claims = s.territorial_claims
        index = {r: k for k, r in enumerate(self.regions)}
        belligerents = s.belligerents
        actor, other, regions, value = [], [], [], []
        for claim in claims:
            actor.append(self.players.index(claim.actor))
            mine = belligerents.index(claim.actor)
            other.append(next(k for k in range(len(belligerents)) if k != mine))
            regions.append(np.array([index[r] for r in claim.regions], dtype=int))
            value.append(compiled.get(
                f"territorial_claims.{claim.id}.completion_value_per_month"))
        n = self.summit.area_km2.shape[-1]
        return Claims(actor=np.array(actor, dtype=int), other=np.array(other, dtype=int),
                      regions=tuple(regions),
                      value=np.stack(value) if value else np.zeros((0, n)))

    # --- packages ----------------------------------------------------------------------

    def _packages(self, packages: Sequence[Mapping[str, str]]) -> None:
        """The candidates' constant parts: sums of their columns, supports, vetoes.

        Everything is gathered through the package index ``[P, issues]``, so a chunk of a
        large deal space costs array operations only.
        """
        s = self.scenario
        index = package_index(s, packages)
        self.index = index
        P = len(index)
        incidence = np.zeros((P, self.columns))
        np.put_along_axis(incidence, index, 1.0, axis=1)
        self.incidence = incidence
        flat = self.incidence
        self.package_flow = np.einsum("pc,jcn->pjn", flat, self.flow)
        self.package_once = np.einsum("pc,jcn->pjn", flat, self.once)
        self.enforcement = -(flat @ self.log_hazard)
        self.package_relief = np.minimum(flat @ self.relief, 1.0)
        self.package_shift = np.einsum("pc,bcn->pbn", flat, self.shift)
        # the least supported ordinary and constitutional concession of each belligerent
        chosen = self.support[:, index]  # [B, P, issues, N]
        kinds = self.constitutional[:, index]  # [B, P, issues]
        lowest = np.stack([np.where((kinds == bool(kind))[..., None], chosen, np.inf).min(2)
                           for kind in (0, 1)])
        self.lowest_support = lowest.swapaxes(1, 2)  # [kind, P, B, N]
        self.finite_support = np.isfinite(self.lowest_support)
        base = np.clip(np.where(self.finite_support, self.lowest_support, 0.5), 1e-9,
                       1 - 1e-9)
        self.lowest_logit = np.log(base / (1 - base))
        self.concedes = [bool(self.finite_support[kind].any()) for kind in (0, 1)]
        self.conceded = np.einsum("pc,jcn->pjn", flat, self.conceded_columns)
        delivered = self.delivered_columns[:, index].any(axis=2).T  # [P, J]
        veto = np.array([s.actor(a).veto for a in self.players])
        self.required = (veto == "all")[None] | ((veto == "terms")[None] & delivered)
        # the claim regions each package's moving options cover
        self.uncovered = [(~self.claim_cover[k][index].any(axis=1)).astype(float)
                          for k in range(len(self.claims.regions))]

    # --- one month ---------------------------------------------------------------------

    def territory(self, control: np.ndarray) -> np.ndarray:
        """Value of the variable regions each player's side holds ``[J, N]``."""
        v = self.value[:, self.variable]  # [J, R, N]
        held = control[self.variable][:, self.side]  # [R, J, N]
        return np.einsum("jrn,rjn->jn", v, held)

    def completion(self, control: np.ndarray) -> np.ndarray:
        """``[J, N]``: the completion value of each player's claims that are complete."""
        out = np.zeros((len(self.players), control.shape[-1]))
        for k, regions in enumerate(self.claims.regions):
            done = np.all(control[regions, self.claims.other[k]] <= COMPLETE, axis=0)
            out[self.claims.actor[k]] += self.claims.value[k] * done
        return out

    def moved(self, control: np.ndarray) -> list[tuple[int, list[int], np.ndarray]]:
        """Each moving option's regions and their control if it were signed now."""
        return [(c, regions, move.after(control)) for c, regions, _, move in self.moves]

    def column_territory(self, control: np.ndarray,
                         moved: list[tuple[int, list[int], np.ndarray]]) -> np.ndarray:
        """``[J, C, N]``: each option's change to the territory value of each player."""
        out = np.zeros((len(self.players), self.columns, control.shape[-1]))
        for c, regions, after in moved:
            change = (after - control[regions])[:, self.side]  # [R, J, N]
            out[:, c] = np.einsum("jrn,rjn->jn", self.value[:, regions], change)
        return out

    def _sum(self, columns: np.ndarray) -> np.ndarray:
        """Package sums ``[P, K, N]`` of per-option quantities ``[K, C, N]`` (one matmul)."""
        k, c, n = columns.shape
        flat = np.ascontiguousarray(columns.transpose(1, 0, 2)).reshape(c, k * n)
        return (self.incidence @ flat).reshape(len(self.incidence), k, n)

    def package_completion(self, control: np.ndarray,
                           moved: list[tuple[int, list[int], np.ndarray]]) -> np.ndarray:
        """``[P, J, N]``: completion value under each candidate's control."""
        n = control.shape[-1]
        out = np.zeros((len(self.index), len(self.players), n))
        for k, regions in enumerate(self.claims.regions):
            other = self.claims.other[k]
            fails = np.zeros((self.columns, n))
            for c, moved_regions, after in moved:
                rows = [i for i, r in enumerate(moved_regions) if r in set(regions.tolist())]
                if rows:
                    fails[c] = np.any(after[rows, other] > COMPLETE, axis=0)
            open_now = (control[regions, other] > COMPLETE).astype(float)  # [R_k, N]
            failed = (self.incidence @ fails + self.uncovered[k] @ open_now) > 0
            out[:, self.claims.actor[k]] += self.claims.value[k] * ~failed
        return out

    def values(self, state: MonthState, predicted: np.ndarray, annuity: np.ndarray, *,
               ratification: bool = True, claims: bool = True) -> Values:
        """The candidates' values at one month.

        ``predicted`` ``[J, N]`` is each player's fitted (C - b) / A. After a collapse the
        war resumes from the deal's line: the continuation is the fitted one, shifted by
        the value of what the deal moved (and the claims it completed) as a perpetuity.
        How the fighting would go from another line is not re-estimated: a regression
        extrapolated to each package's line, under a maximum over packages, compounds
        its errors from month to month.
        ``ratification=False`` sets r = 1 and ``claims=False`` drops the completion values
        (for the binding reasons, MODELS.md 2.7).
        """
        control = state.control
        moved = self.moved(control)
        territory = self.column_territory(control, moved)  # [J, C, N]
        stacked = np.concatenate([territory, np.maximum(-territory, 0)], axis=0)
        J = len(self.players)
        sums = self._sum(stacked)
        d_territory, lost_ground = sums[:, :J], sums[:, J:]
        d_claim = 0.0
        if claims and len(self.claims.regions):
            d_claim = self.package_completion(control, moved) - self.completion(control)[None]
        delta = self.discount[None]
        keep = 1 - delta
        # in place, in the order of the formulas (bit for bit the same sums)
        d_war = d_territory + d_claim
        change = d_war + self.package_flow
        change += (state.war_cost + self.peace_value - self.cost_weight * self.peace_spending
                   - state.lost)[None]
        change += self.package_relief[:, None] * state.lost[None]
        post = d_war / keep  # the collapse's line: the fitted war shifted by what moved
        post += annuity[None] * predicted[None]
        bel = self.belligerents
        gain = change[:, bel]  # each side's gain from renewed war, then its logit hazard
        gain /= keep[:, bel]
        np.subtract(post[:, bel], gain, out=gain)
        gain *= self.sensitivity
        gain /= annuity[None, bel]
        gain += self.base_logit[None, None]
        gain -= self.enforcement[:, None]
        stays = np.subtract(1, expit(gain, out=gain), out=gain)
        hazard = np.subtract(1, np.prod(stays, axis=1))
        h = hazard[:, None]
        deal = delta * h
        deal *= post
        deal += change
        deal /= np.subtract(1, delta * (1 - h))
        deal += self.package_once
        war = self.discount * annuity * predicted
        own = np.ones_like(deal)
        if ratification:
            own[:, bel] = self.ratification(state.opinion_shift)
        ratify = np.prod(own[:, bel], axis=1)
        lost_ground /= keep
        lost_ground += self.conceded
        audience = np.multiply(self.audience_share[None], lost_ground, out=lost_ground)
        return Values(deal=deal, war=war, ratify=ratify, own=own, audience=audience,
                      hazard=hazard)

    def ratification(self, opinion_shift: np.ndarray) -> np.ndarray:
        r"""r_i of each candidate ``[P, B, N]`` (MODELS.md 2.3).

        .. math:: r_i(d, t) = \Phi\Bigl(\min_c (o_{i,c} - \theta_{i,c}) / s_i\Bigr)

        o: the term's support moved by the drift of general opinion since month 0 (in
        logits) and by the terms attached (``support_shift``); theta: the ordinary or
        the constitutional threshold. A package conceding nothing is ratified (r = 1).
        """
        margin = None
        for kind in (0, 1):
            if not self.concedes[kind]:
                continue
            moved = expit(self.lowest_logit[kind] + opinion_shift[None])
            moved += self.package_shift
            np.clip(moved, 0.0, 1.0, out=moved)
            moved -= self.threshold[kind][None]
            moved[~self.finite_support[kind]] = np.inf
            margin = moved if margin is None else np.minimum(margin, moved)
        if margin is None:  # nothing is conceded by anyone
            return np.ones(self.lowest_support.shape[1:])
        out = ndtr(margin / self.spread[None])
        out[np.isinf(margin)] = 1.0
        return out
