"""The trajectory figure, drawn from a typed forecast result."""

from __future__ import annotations

import pytest
from forecast_helpers import random_table

from ceasefire.forecast import compromise, eum, smp
from ceasefire.forecast.summary import summarise_forecasts, table_meta
from ceasefire.results import ForecastResult

pytest.importorskip("plotly")


def _result(table, runs) -> ForecastResult:
    return summarise_forecasts(table_meta(table, "random"), table, runs)


def test_figure_of_one_result_and_of_several():
    from ceasefire.report.forecast_figures import forecast_figure

    table = random_table(11, n=6, dims=2)
    single = forecast_figure(_result(table, {"smp": smp(table)}))
    assert len(single.data) == 6 + 1  # one line per stakeholder and the forecast
    several = _result(table, {"compromise": compromise(table), "eum": eum(table),
                              "smp": smp(table)})
    figure = forecast_figure(several, dimension="d1")
    assert len(figure.data) == 2 * (6 + 1) + 2  # the static model's line in each panel
    assert "d1" in figure.layout.annotations[0].text
    # the same figure from the result read back from JSON
    again = forecast_figure(ForecastResult.from_dict(several.to_dict()), dimension="d1")
    assert again.to_dict() == figure.to_dict()
