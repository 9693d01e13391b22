"""The trajectory figure."""

from __future__ import annotations

import pytest
from forecast_helpers import random_table

from ceasefire.forecast import compromise, eum, smp

pytest.importorskip("plotly")


def test_figure_of_one_result_and_of_several():
    from ceasefire.report.forecast_figures import forecast_figure

    table = random_table(11, n=6, dims=2)
    single = forecast_figure(smp(table))
    assert len(single.data) == 6 + 1  # one line per actor and the forecast
    several = forecast_figure({"compromise": compromise(table), "eum": eum(table),
                               "smp": smp(table)}, dimension="d1")
    assert len(several.data) == 2 * (6 + 1)
    assert "d1" in several.layout.annotations[0].text
