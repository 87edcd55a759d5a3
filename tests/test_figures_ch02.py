"""Chapter 2's figure builders: the lemons slide round by round, and every random draw of the
licensing × radius results (the chapter's central figure), with the words of its alt text."""
from __future__ import annotations

import math
import statistics

import pandas as pd
import pytest

from clusterkit import display
from clusterkit.figures import ch02
from clusterkit.style import COLORS, PALETTE

INF = math.inf


# -- the lemons slide -----------------------------------------------------------------------------
def slide(floor: float, rounds: int = 4) -> pd.DataFrame:
    """Akerlof's unravelling by hand: quality uniform on [0, 100], worth 1.5 q to a buyer; at price p
    the makers with q <= p sell, so the average on offer is (floor + min(p, 100)) / 2."""
    rows, price = [], 100.0
    for n in range(rounds):
        quality = (floor + min(price, 100.0)) / 2
        rows.append({"round": n, "price": price, "quality": quality})
        price = 1.5 * quality
    return pd.DataFrame(rows)


def test_the_slide_by_hand():
    # No floor: each price is 0.75 of the last; a floor of 50 holds it at 1.5 x 75 = 112.5.
    assert list(slide(0)["price"]) == [100.0, 75.0, 56.25, 42.1875]
    assert list(slide(50)["price"]) == [100.0, 112.5, 112.5, 112.5]


def test_lemons_figure_draws_price_over_quality_for_every_case():
    runs = {"no licence": slide(0), "floor 50": slide(50)}
    fig = ch02.lemons_rounds(runs, title="The slide")
    display.require_labels(fig, "alt")  # title and every axis title present
    assert [a.text for a in fig.layout.annotations] == ["Price buyers pay", "Average quality on offer"]
    assert len(fig.data) == 4
    for k, (name, frame) in enumerate(runs.items()):
        price, quality = [t for t in fig.data if t.name == name]
        assert price.yaxis == "y" and quality.yaxis == "y2"  # price on top, quality below
        assert list(price.y) == list(frame["price"]) and list(quality.y) == list(frame["quality"])
        assert list(price.x) == [0, 1, 2, 3]
        assert price.showlegend and not quality.showlegend  # one legend entry per case
        assert price.line.color == quality.line.color == PALETTE[k]
    assert fig.layout.yaxis.range[1] >= 112.5 and tuple(fig.layout.yaxis2.range) == (0, 100)
    assert "$" not in fig.to_json()  # no LaTeX in figure text


def test_lemons_figure_refuses_what_it_cannot_draw():
    with pytest.raises(ValueError, match="at least one"):
        ch02.lemons_rounds({}, title="t")
    with pytest.raises(ValueError, match="quality"):
        ch02.lemons_rounds({"a": slide(0).drop(columns="quality")}, title="t")


# -- every draw of every condition ------------------------------------------------------------------
@pytest.fixture
def draws() -> pd.DataFrame:
    months = {  # (threshold, radius): months to half in draws 0..4
        (0, 0.3): [INF, INF, INF, INF, INF],
        (60, 0.3): [21, INF, INF, 19, INF],
        (0, 0.4): [24, 21, 26, 18, 19],
        (60, 0.4): [14, 13, 16, 12, 17],
    }
    return pd.DataFrame([{"threshold": t, "radius": r, "seed": s, "months": m}
                         for (t, r), ms in months.items() for s, m in enumerate(ms)])


def panel_traces(fig, panel: int) -> dict:
    axis = "x" if panel == 1 else f"x{panel}"
    return {t.legendgroup: t for t in fig.data if t.xaxis == axis}


def test_one_panel_per_radius_with_every_axis_labelled(draws):
    fig = ch02.draws_by_condition(draws, title="Months to half")
    display.require_labels(fig, "alt")
    assert [a.text for a in fig.layout.annotations if a.text.startswith("radius")] == ["radius 0.3 km", "radius 0.4 km"]
    # the columns are the thresholds, "none" for no licensing
    assert list(fig.layout.xaxis.ticktext) == ["none", "60"] and list(fig.layout.xaxis.tickvals) == [0, 1]


def test_every_draw_is_a_point_and_the_never_draws_sit_in_the_never_band(draws):
    fig = ch02.draws_by_condition(draws, title="t")
    ticks = dict(zip(fig.layout.yaxis.ticktext, fig.layout.yaxis.tickvals))
    never = ticks["never"]
    assert never > max(m for m in draws["months"] if m < INF)
    narrow = panel_traces(fig, 1)  # radius 0.3 km
    assert len(narrow["draw"].y) == 2 and sorted(narrow["draw"].y) == [19, 21]
    assert len(narrow["never"].y) == 8 and set(narrow["never"].y) == {never}
    wide = panel_traces(fig, 2)  # radius 0.4 km: every draw gets there
    assert len(wide["draw"].y) == 10 and len(wide["never"].y) == 0
    # sideways jitter keeps each draw inside its threshold's column
    for trace in (narrow["draw"], narrow["never"], wide["draw"]):
        assert all(abs(x - round(x)) <= 0.25 for x in trace.x)


def test_range_bars_span_the_draws_that_get_there_and_medians_count_the_others(draws):
    fig = ch02.draws_by_condition(draws, title="t")
    narrow, wide = panel_traces(fig, 1), panel_traces(fig, 2)
    bars = [v for v in wide["range"].y]
    assert bars == [18, 26, None, 12, 17, None]  # fastest to slowest, per threshold
    assert list(narrow["range"].y) == [19, 21, None]  # threshold 60 only: at 0 no draw gets there
    assert list(wide["median"].y) == [statistics.median([24, 21, 26, 18, 19]), statistics.median([14, 13, 16, 12, 17])]
    assert list(narrow["median"].y) == []  # three of five draws never get there: the median is "never"


def test_the_explorers_draw_is_ringed_once_per_condition(draws):
    fig = ch02.draws_by_condition(draws, title="t", highlight_seed=0)
    ringed = [t for t in fig.data if t.legendgroup == "seed"]
    assert [len(t.y) for t in ringed] == [2, 2]
    assert sorted(ringed[1].y) == [14, 24]  # seed 0 at 0.4 km: 24 months without licensing, 14 at 60
    assert sum(bool(t.showlegend) for t in ringed) == 1
    assert all(t.marker.color == COLORS["accent"] for t in ringed)
    assert not [t for t in ch02.draws_by_condition(draws, title="t", highlight_seed=None).data
                if t.legendgroup == "seed"]


def test_the_words_of_the_figure(draws):
    text = ch02.draws_summary(draws)
    assert text.startswith("Months until half the workshops adopt, over 5 random draws.")
    assert "Radius 0.3 km — no licensing: never; threshold 60: 2 of 5 draws get there (19–21 months)." in text
    assert "Radius 0.4 km — no licensing: median 21 months (18–26); threshold 60: median 14 months (12–17)." in text


def test_the_builder_refuses_a_frame_without_its_columns(draws):
    with pytest.raises(ValueError, match="months"):
        ch02.draws_by_condition(draws.drop(columns="months"), title="t")
