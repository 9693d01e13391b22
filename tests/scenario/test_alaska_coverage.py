"""The built-in alaska-2025 scenario covers everything the source analysis names.

Each actor, place, lever and figure of the analysis (../shared/sources/alaska-summit-analysis.txt)
must be findable in the loaded scenario: as an id or name of an actor, region, lever, issue,
option or proposal, as a city, or in the text of an evidence claim.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from ceasefire.scenario import load_scenario, point_value

CUT_OFF = dt.date(2025, 8, 15)
DONETSK_SUBREGIONS = ("siversk-lyman", "chasiv-yar-front", "kramatorsk-belt", "pokrovsk-pocket",
                      "dobropillia-area", "western-donetsk")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("alaska-2025")


def _texts(s, kind: str) -> list[str]:
    """Lower-cased searchable strings of one kind of entity."""
    if kind == "actor":
        return [f"{a.id} {a.name}" for a in s.actors]
    if kind == "region":
        return [f"{r.id} {r.name} {r.province}" for r in s.regions]
    if kind == "city":
        return [c.name for r in s.regions for c in r.cities]
    if kind == "lever":
        return [f"{lv.id} {lv.name}" for lv in s.levers]
    if kind == "issue":
        return ([f"{i.id} {i.name}" for i in s.issues]
                + [f"{o.id} {o.name}" for i in s.issues for o in i.options])
    if kind == "proposal":
        return [f"{p.id} {p.name}" for p in s.proposals]
    if kind == "claim":
        return [f"{c.claim} {c.note}" for c in s.evidence]
    raise AssertionError(kind)


def _found(s, kinds: tuple[str, ...], pattern: str) -> bool:
    regex = re.compile(pattern, re.IGNORECASE)
    return any(regex.search(text) for kind in kinds for text in _texts(s, kind))


ENTITIES = ("actor", "region", "city", "lever", "issue", "proposal")

# (what the analysis names, where it must be found, regex)
ACTORS = [
    ("Russia", ("actor",), r"^RU .*Russia"),
    ("Ukraine", ("actor",), r"^UA .*Ukraine"),
    ("United States", ("actor",), r"^US .*United States"),
    ("Europe / NATO", ("actor",), r"^EU .*European.*NATO"),
    ("India", ("actor",), r"^IN .*India"),
    ("Azerbaijan", ("actor",), r"^AZ .*Azerbaijan"),
    ("Armenia", ("actor",), r"^AM .*Armenia"),
    ("IAEA", ("actor",), r"^IAEA "),
    ("Witkoff", ("claim",), r"Witkoff"),
    ("Medvedev", ("claim",), r"Medvedev"),
    ("Turkey", ("claim",), r"Turkey"),
]
PLACES = [
    ("Kramatorsk", ("city", "region"), r"Kramatorsk"),
    ("Sloviansk", ("city",), r"Sloviansk"),
    ("Kostiantynivka", ("city",), r"Kostiantynivka"),
    ("Pokrovsk", ("city", "region"), r"Pokrovsk"),
    ("Chasiv Yar", ("city", "region"), r"Chasiv[- ]Yar"),
    ("Donetsk", ("region",), r"Donetsk"),
    ("Luhansk", ("region",), r"Luhansk"),
    ("Zaporizhzhia", ("region",), r"Zaporizhzhia"),
    ("Kherson", ("region",), r"Kherson"),
    ("the Dnieper delta", ("region",), r"dnieper-delta"),
    ("the nuclear plant", ("region",), r"nuclear plant|znpp"),
    ("Sumy", ("region",), r"sumy"),
    ("Kursk", ("region",), r"kursk"),
    ("Crimea", ("region",), r"crimea"),
    ("Sevastopol", ("city",), r"Sevastopol"),
    ("Kyiv strikes", ("lever",), r"strikes-on-cities.*Kyiv"),
    ("Moscow and St Petersburg", ("lever", "claim"), r"Moscow"),
    ("South Caucasus corridor", ("lever",), r"south-caucasus-corridor"),
    ("Alaska", ("claim",), r"Alaska"),
]
LEVERS = [
    ("oil sanctions", r"^oil-sanctions "),
    ("secondary sanctions on India", r"^india-secondary-tariff "),
    ("100 % secondary tariffs ultimatum", r"^secondary-tariffs-ultimatum "),
    ("refinery strikes", r"^refinery-strikes "),
    ("$10 bn arms package", r"^us-arms-package-10bn "),
    ("NATO PURL purchases", r"^nato-purl-purchases "),
    ("EU energy purchases", r"^eu-us-energy-deal "),
    ("NATO 5 %", r"^nato-five-percent "),
    ("TRIPP corridor", r"^south-caucasus-corridor "),
    ("nuclear signalling", r"^nuclear-signalling "),
    ("strikes on cities", r"^strikes-on-cities "),
    ("strikes on Moscow", r"^long-range-strikes-on-russia "),
]
FIGURES = [
    ("oil revenue down 18.5 %", r"18\.5 ?%"),
    ("16-month siege", r"16[- ]month"),
    ("14-month siege of Toretsk", r"14 months"),
    ("a quarter million in the belt", r"quarter million"),
    ("$10 bn package", r"\$10 bn"),
    ("32 F-16s", r"32 F-16"),
    ("$750 bn of US energy", r"\$750 bn"),
    ("NATO 5 % of GDP", r"5 % of GDP"),
    ("69 % of Ukrainians", r"69 %"),
    ("negotiations in six months", r"six months"),
    ("secondary sanctions on India", r"tariff on Indian goods"),
    ("two US submarines", r"two US nuclear submarines"),
    ("Patriot, AMRAAM, HIMARS, ATACMS", r"Patriot.*AMRAAM.*HIMARS.*ATACMS"),
    ("9,000 km2 of Donetsk", r"9,000 km2"),
    ("6,600 km2 alternative", r"6,600 km2"),
    ("Kursk expelled last April", r"Kursk.*April"),
]


@pytest.mark.parametrize(("what", "kinds", "pattern"), ACTORS + PLACES,
                         ids=[a[0] for a in ACTORS + PLACES])
def test_actors_and_places_are_represented(scenario, what, kinds, pattern):
    assert _found(scenario, kinds, pattern), f"{what} is not in alaska-2025 ({kinds})"


@pytest.mark.parametrize(("what", "pattern"), LEVERS, ids=[lv[0] for lv in LEVERS])
def test_levers_are_represented(scenario, what, pattern):
    assert _found(scenario, ("lever",), pattern), f"no lever for {what}"


@pytest.mark.parametrize(("what", "pattern"), FIGURES, ids=[f[0] for f in FIGURES])
def test_figures_are_recorded_as_claims(scenario, what, pattern):
    assert _found(scenario, ("claim",), pattern), f"no claim records {what}"


def test_actor_roles_and_vetoes(scenario):
    roles = {a.id: (a.role, a.side, a.veto) for a in scenario.actors}
    assert roles["RU"] == ("belligerent", "RU", "all")
    assert roles["UA"] == ("belligerent", "UA", "all")
    assert roles["US"] == ("patron", "UA", "terms")
    assert roles["EU"] == ("patron", "UA", "terms")
    assert roles["IN"][0] == "third-party" and roles["IN"][2] == "none"


def test_lever_statuses(scenario):
    levers = {lv.id: lv for lv in scenario.levers}
    assert levers["oil-sanctions"].status == "in-force"
    assert levers["refinery-strikes"].status == "in-force"
    india = levers["india-secondary-tariff"]
    assert (india.status, india.start_month) == ("announced", 1)
    package = levers["us-arms-package-10bn"]
    assert package.status == "rumoured" and point_value(package.probability) < 1
    assert levers["nato-purl-purchases"].status == "in-force"


def test_disputed_readings_of_the_analysis_are_flagged(scenario):
    disputed = {c.id for c in scenario.evidence if c.disputed}
    assert {"analysis-69-percent-concede", "analysis-chasiv-yar-cleared",
            "analysis-oil-revenue-18-5", "state-dept-swap"} <= disputed
    for claim_id in disputed:
        assert scenario.claim(claim_id).note, f"disputed claim {claim_id} needs a note"


def test_every_design_proposal_exists(scenario):
    ids = {p.id for p in scenario.proposals}
    assert ids >= {"donetsk-for-zaporizhzhia-kherson", "donetsk-for-plant-delta-sumy",
                   "freeze-current-line", "line-east-of-kramatorsk", "donetsk-for-freeze"}
    for proposal in scenario.proposals:
        assert proposal.description and proposal.sources


def test_line_issue_orders_the_donetsk_subregions(scenario):
    line_issues = [i for i in scenario.issues if i.kind == "line"]
    assert [i.id for i in line_issues] == ["donetsk-line"]
    issue = line_issues[0]
    assert tuple(issue.line.regions) == DONETSK_SUBREGIONS
    assert (issue.line.gainer, issue.line.loser) == ("RU", "UA")
    xs = {o.id: o.x for o in issue.options}
    assert xs["freeze"] == 0 and xs["all-donetsk"] == 100
    assert 0 < xs["east-of-kramatorsk"] < 100
    assert issue.default == "freeze"
    # east to west: centroids' longitudes do not increase by more than a little
    lons = [scenario.region(r).lon for r in DONETSK_SUBREGIONS]
    assert lons[0] > lons[2] > lons[-1]


def test_east_of_kramatorsk_is_the_ukrainian_held_land_east_of_the_belt(scenario):
    held = {r: scenario.region(r).area_km2 * point_value(scenario.region(r).control["UA"])
            for r in DONETSK_SUBREGIONS}
    east = held["siversk-lyman"] + held["chasiv-yar-front"]
    x = next(o.x for o in scenario.issue("donetsk-line").options if o.id == "east-of-kramatorsk")
    assert x == pytest.approx(100 * east / sum(held.values()), abs=0.05)


def test_ukrainian_held_donetsk_matches_the_reference_area(scenario):
    issue = scenario.issue("donetsk-line")
    reference = point_value(issue.line.reference_area_km2)
    assert reference == 9000
    area = sum(point_value(scenario.region(r).area_km2) for r in DONETSK_SUBREGIONS)
    assert abs(area - reference) <= 0.1 * reference
    held = sum(point_value(scenario.region(r).area_km2)
               * point_value(scenario.region(r).control["UA"]) for r in DONETSK_SUBREGIONS)
    assert 0.8 * reference <= held <= reference
    oblast = sum(point_value(r.area_km2) for r in scenario.regions if r.province == "Donetsk")
    assert oblast == pytest.approx(26517, abs=1)


def test_control_shares_are_fractions_that_fit(scenario):
    for region in scenario.regions:
        assert sum(point_value(v) for v in region.control.values()) <= 1 + 1e-9, region.id


def test_calibration_of_gains_and_casualties_at_the_modes(scenario):
    forces = {f.id: f for f in scenario.forces}
    ratio = point_value(forces["RU"].combat_power) / point_value(forces["UA"].combat_power)
    base = sum(point_value(r.front.base_gain_km2) * point_value(r.front.supply)
               / point_value(r.front.fortification)
               for r in scenario.regions if r.front is not None and r.front.attacker == "RU")
    monthly = base * ratio
    assert 400 <= monthly <= 650
    ru = forces["RU"]
    per_day = (point_value(ru.casualties_per_day) * 365.25 / 12
               + point_value(ru.casualties_per_km2_gained) * monthly) / (365.25 / 12)
    assert 950 <= per_day <= 1150
    assert point_value(ru.tank_losses_per_month) + point_value(ru.tank_losses_per_km2) * monthly \
        > point_value(ru.tank_production_per_month)


def test_oil_revenue_calibrates_to_minus_18_5_percent(scenario):
    ru = next(e for e in scenario.economy if e.id == "RU")
    export_loss = point_value(ru.export_loss)
    refinery_loss = point_value(ru.refinery_loss)
    for lever in scenario.levers:
        if lever.status != "in-force" or lever.start_month != 0:
            continue
        for effect in lever.effects:
            if effect.path == "economy.RU.export_loss":
                export_loss += point_value(effect.value)
            elif effect.path == "economy.RU.refinery_loss":
                refinery_loss += point_value(effect.value)
    kept = (1 - export_loss) * (1 - refinery_loss)
    assert kept == pytest.approx(1 - 0.185, abs=0.02)


def test_deal_space_size(scenario):
    size = math.prod(len(issue.options) for issue in scenario.issues)
    assert 1e5 <= size <= 1e6


def test_stakeholder_table(scenario):
    table = scenario.stakeholders
    assert [d.id for d in table.dimensions] == ["donetsk-line"]
    dim = table.dimensions[0]
    assert (dim.scale.low, dim.scale.high, dim.status_quo) == (0, 100, 0)
    assert 8 <= len(table.actors) <= 15


def test_no_claim_is_dated_after_the_cut_off(scenario):
    assert scenario.as_of == CUT_OFF
    late = [c.id for c in scenario.evidence
            if c.source.date is not None and c.source.date > CUT_OFF]
    assert not late, f"claims dated after {CUT_OFF}: {late}"


def test_every_claim_has_a_source_and_grade(scenario):
    for claim in scenario.evidence:
        assert claim.source.outlet
        if claim.grade == "modelling-assumption":
            continue
        assert claim.source.title, claim.id
