"""Reading and writing tables: KTAB CSV/XML, EUM tables, Decide, China JSON, scenarios."""

from __future__ import annotations

import types

import numpy as np
import pytest

from ceasefire.errors import InputError
from ceasefire.forecast import (
    SMPOptions,
    load_table,
    read_ktab_csv,
    read_ktab_xml,
    smp,
    table_from_scenario,
    write_ktab_csv,
    write_ktab_xml,
)
from ceasefire.forecast.results import ForecastResult
from ceasefire.forecast.summary import model_forecast
from ceasefire.scenario.values import Pert

EUM_FILES = {
    "with_outcomes/bdm1994_emission_standards.tsv": (10, 1),
    "with_outcomes/iran_2013_election.tsv": (8, 1),
    "with_outcomes/ktab_china_2014_soe_with_outcomes.json": (None, 2),
    "inputs_only/argentina_2016.tsv": (17, 1),
    "inputs_only/china_leadership.csv": (24, 1),
    "inputs_only/honduras_nicaragua_crisis.csv": (5, 1),
    "inputs_only/sultan.csv": (17, 1),
    "inputs_only/cop15_copenhagen_2009.csv": (11, 7),
    "inputs_only/cop21_paris_2015.csv": (15, None),
}


@pytest.mark.parametrize("name", sorted(EUM_FILES))
def test_every_eum_data_file_loads(shared_dir, name):
    table, options = load_table(shared_dir / "peers/eum/data" / name)
    actors, dims = EUM_FILES[name]
    if actors is not None:
        assert table.n_actors == actors
    if dims is not None:
        assert table.n_dimensions == dims
    assert options is None
    assert np.all((table.saliences >= 0) & (table.saliences <= 1))


def test_bom_and_cr_line_endings(shared_dir):
    data = shared_dir / "peers/eum/data"
    table, _ = load_table(data / "with_outcomes/bdm1994_emission_standards.tsv")
    assert table.actor_ids[0] == "Netherlands"  # the BOM is gone
    table, _ = load_table(shared_dir / "peers/eum/data/inputs_only/china_leadership.csv")
    assert table.actor_ids[:2] == ("Zeming", "Lipeng")
    assert table.saliences[0, 0] == pytest.approx(0.5)  # 0-100 saliences divided by 100


def test_decide_and_china_json(shared_dir):
    table, _ = load_table(shared_dir / "peers/eum/data/inputs_only/cop15_copenhagen_2009.csv")
    k = table.dimension_index("Newtreaty")
    i = table.actor_ids.index("USA")
    assert table.positions[i, k] == 10.0
    assert table.capabilities[i] * table.saliences[i, k] == pytest.approx(0.26 * 0.9)
    china, _ = load_table(shared_dir /
                          "peers/eum/data/with_outcomes/ktab_china_2014_soe_with_outcomes.json")
    policy, _ = load_table(shared_dir / "peers/ktab/SOE-Policy.csv")
    sub = china.select(["KTAB-CHINA-2014-POLICY"])
    present = sub.saliences[:, 0] > 0
    assert present.sum() == policy.n_actors
    np.testing.assert_allclose(np.sort(sub.positions[present, 0]), np.sort(policy.positions[:, 0]))


@pytest.mark.parametrize("text, where", [
    ("S,desc,2,1\nActor,Desc,Power,P,S\nA,,10,50,60\n", "announces 2 actors"),
    ("S,desc,2,1\nActor,Desc,Power,P,S\nA,,10,50,60\nB,,ten,50,60\n", ":4:"),
    ("S,desc,2,1\nActor,Desc,Power,P,S\nA,,10,50,60\nB,,10,150,60\n", "allowed: 0 to 100"),
    ("S,desc,2,2\nActor,Desc,Power,P,S,Q,T\nA,,10,50,60,20,60\nB,,1,5,6,2,6\n", "sum to 120"),
])
def test_bad_ktab_csv_names_file_line_and_fix(tmp_path, text, where):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        read_ktab_csv(path)
    assert "bad.csv" in str(info.value)
    assert where in str(info.value)


def test_bad_eum_table(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("Name\tx\tc\nA\t1\t2\n")
    with pytest.raises(InputError, match=r"bad.tsv:1: .*lacks salience.*hint"):
        load_table(path)
    path.write_text("Name\tx\tc\ts\nA\t1\t2\t0.5\nB\tfour\t2\t0.5\n")
    with pytest.raises(InputError, match=r"bad.tsv:3: position is 'four'"):
        load_table(path)


def test_bad_xml(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text("<Scenario><name>x</name>\n<Dimensions>")
    with pytest.raises(InputError, match=r"bad.xml:\d+: not well-formed XML"):
        read_ktab_xml(path)


def test_ktab_csv_and_xml_round_trip(shared_dir, tmp_path):
    table, _ = load_table(shared_dir / "peers/ktab/dummyData_3Dim.csv")
    write_ktab_csv(table, tmp_path / "out.csv")
    back, _ = load_table(tmp_path / "out.csv")
    np.testing.assert_array_equal(back.positions, table.positions)
    np.testing.assert_allclose(back.saliences, table.saliences, rtol=1e-15)
    np.testing.assert_array_equal(back.capabilities, table.capabilities)
    options = SMPOptions(voting_rule="PropCbc", big_r_range="Max")
    write_ktab_xml(table, tmp_path / "out.xml", options)
    again, opts = load_table(tmp_path / "out.xml")
    assert opts == options
    np.testing.assert_array_equal(again.positions, table.positions)
    np.testing.assert_allclose(smp(again).positions, smp(table).positions, atol=1e-9)


def _fake_scenario():
    scale = types.SimpleNamespace(low=0.0, high=100.0, unit="km", labels={})
    dims = [types.SimpleNamespace(id="line", name="Where the line falls", scale=scale,
                                  status_quo=40.0)]
    actors = [
        types.SimpleNamespace(id="ua", name="Ukraine", capability=60.0,
                              positions={"line": 10.0}, salience={"line": 0.9}),
        types.SimpleNamespace(id="ru", name="Russia", capability=Pert(low=70, mode=80, high=90),
                              positions={"line": 90.0}, salience={"line": 0.8}),
        types.SimpleNamespace(id="us", name="United States", capability=100.0,
                              positions={"line": 45.0}, salience={"line": 0.4}),
    ]
    return types.SimpleNamespace(id="fake", name="Fake", as_of="2025-08-01",
                                 stakeholders=types.SimpleNamespace(dimensions=dims,
                                                                    actors=actors))


def test_table_from_scenario():
    table = table_from_scenario(_fake_scenario())
    assert table.actor_ids == ("ua", "ru", "us")
    assert table.status_quo[0] == 40.0
    assert table.capabilities[1] == pytest.approx(80.0, abs=1.0)
    with pytest.raises(InputError, match="dimension 'nope'"):
        table_from_scenario(_fake_scenario(), "nope")
    empty = types.SimpleNamespace(id="e", stakeholders=None)
    with pytest.raises(InputError, match="no stakeholders"):
        table_from_scenario(empty)


def test_missing_file():
    with pytest.raises(InputError, match="no such file"):
        load_table("/nonexistent/table.csv")


def test_result_summary_has_no_nan():
    table = table_from_scenario(_fake_scenario())
    result = ForecastResult(model="x", table=table, options=None,
                            positions=np.full((1, 3, 1), np.nan), forecasts=np.full((1, 1), np.nan),
                            turns=0)
    assert model_forecast(result).forecast["line"] is None


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '{"cases": ' + "[" * 100_000 + "]" * 100_000 + "}"])
def test_deeply_nested_json_is_a_clear_error(tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(InputError, match=r"deep\.json: JSON nested too deeply"):
        load_table(path)


def _random_table(n: int, seed: int = 1):
    from ceasefire.forecast.table import make_table

    rng = np.random.default_rng(seed)
    return make_table(actor_ids=[f"a{k}" for k in range(n)],
                      capabilities=rng.uniform(1, 100, n),
                      positions=rng.uniform(0, 100, (n, 2)),
                      saliences=rng.uniform(0.05, 0.45, (n, 2)),
                      scale_low=[0, 0], scale_high=[100, 100])


def test_smp_refuses_more_actors_than_it_can_handle():
    from ceasefire.errors import ModelError
    from ceasefire.forecast.smp import MAX_ACTORS

    with pytest.raises(ModelError, match=f"at most {MAX_ACTORS}"):
        smp(_random_table(MAX_ACTORS + 1))


def test_smp_in_blocks_gives_the_same_bits(monkeypatch):
    # the bargain-value cube is built a few bargains at a time for large tables
    import importlib

    smp_module = importlib.import_module("ceasefire.forecast.smp")  # not the function
    table = _random_table(12)
    whole = smp(table)
    monkeypatch.setattr(smp_module, "_CUBE_CELLS", 13 * 12 * 3)  # three bargains a block
    blocked = smp(table)
    assert np.array_equal(whole.positions, blocked.positions)
