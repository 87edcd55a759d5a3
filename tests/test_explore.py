"""The explorer: one declaration, a static slider figure and a live widget."""
from __future__ import annotations

import json
import math

import plotly.graph_objects as go
import pytest

from clusterkit.explore import MAX_FRAMES, Explorer, Param, Update
import importlib
import pkgutil

from clusterkit import explorers
from clusterkit.explorers import ch00


def toy(height=400):
    def model(a, b):
        return {"y": [a, b, a * b]}

    def figure():
        fig = go.Figure(go.Bar(x=["a", "b", "ab"], y=[0, 0, 0]))
        fig.update_layout(title="Toy", xaxis_title="Bar", yaxis_title="Value (units)")
        return fig

    def update(result, params):
        return Update(traces=[{"y": result["y"]}],
                      annotations=[dict(text=f"product {result['y'][2]}", x=0, y=1, xref="paper", yref="paper")])

    return Explorer(model, [Param("a", "A (units)", 0, 4, 1, 2), Param("b", "B (units)", 0, 1, 0.5, 0.5)],
                    figure=figure, update=update, alt="toy bars", height=height)


def test_param_grid_includes_both_ends():
    p = Param("x", "X", 0, 1, 0.3, 0.3)
    assert p.values() == [0, 0.3, 0.6, 0.9, 1]
    assert Param("n", "N", 0, 10, 5, 5, static_step=10).values(static=True) == [0, 10]
    assert Param("n", "N", 0, 10, 5, 5).is_int


@pytest.mark.parametrize("bad", [dict(min=1, max=0), dict(step=0), dict(default=9)])
def test_bad_params_are_refused(bad):
    args = dict(name="x", label="X", min=0, max=1, step=0.5, default=0.5) | bad
    with pytest.raises(ValueError):
        Param(**args)


def test_static_figure_has_a_frame_per_grid_point_and_a_slider_per_param():
    ex = toy()
    fig, script = ex.static_figure()
    assert len(fig["frames"]) == 5 * 3
    assert [len(s["steps"]) for s in fig["layout"]["sliders"]] == [5, 3]
    names = {f["name"] for f in fig["frames"]}
    assert len(names) == 15 and "f4_2" in names
    by_name = {f["name"]: f for f in fig["frames"]}
    assert list(by_name["f4_2"]["data"][0]["y"]) == [4, 1, 4]
    assert by_name["f0_0"]["layout"]["annotations"][-1]["text"] == "product 0.0"
    # The sliders start at the defaults, and the script starts from the same indices.
    assert [s["active"] for s in fig["layout"]["sliders"]] == [2, 1]
    assert "[2, 1]" in script and "plotly_sliderchange" in script


def test_axes_are_fixed_over_all_frames():
    fig, _ = toy().static_figure()
    lo, hi = fig["layout"]["yaxis"]["range"]
    assert lo <= 0 and hi >= 4  # the largest product, 4 x 1


def test_too_many_frames_is_a_clear_error():
    ex = toy()
    ex.params = [Param("a", "A", 0, 1000, 1, 1), Param("b", "B", 0, 1, 0.5, 0.5)]
    with pytest.raises(ValueError, match="static_step"):
        ex.static_figure()
    assert MAX_FRAMES < 1001 * 3


def test_update_must_match_the_traces():
    ex = toy()
    ex.update = lambda result, params: Update(traces=[])
    with pytest.raises(ValueError, match="trace updates"):
        ex.static_figure()


def test_live_widget_reruns_the_model_and_updates_the_figure():
    calls = []
    ex = toy()
    model = ex.model
    ex.model = lambda **kw: calls.append(kw) or model(**kw)
    box = ex.widget()
    before = list(box.figure.data[0].y)
    n = len(calls)
    box.sliders["a"].value = 4
    assert len(calls) == n + 1  # one model run per slider move
    assert list(box.figure.data[0].y) == [4, 0.5, 2.0] != before
    assert box.figure.layout.annotations[-1].text == "product 2.0"
    assert len(box.timings) == 1


def test_view_shortcut_gives_the_same_frames():
    def view(result, params):
        fig = go.Figure(go.Bar(x=["a", "b", "ab"], y=result["y"]))
        fig.update_layout(title="Toy", xaxis_title="Bar", yaxis_title="Value (units)")
        return fig

    ex = Explorer(lambda a, b: {"y": [a, b, a * b]}, [Param("a", "A", 0, 2, 1, 1), Param("b", "B", 0, 1, 1, 1)],
                  view=view, alt="toy")
    fig, _ = ex.static_figure()
    frame = {f["name"]: f for f in fig["frames"]}["f2_1"]
    assert list(frame["data"][0]["y"]) == [2, 1, 2]


def test_explorer_needs_alt_text():
    with pytest.raises(ValueError, match="alt text"):
        Explorer(lambda a: a, [Param("a", "A", 0, 1, 1, 0)], view=lambda r, p: go.Figure(), alt="")


def test_chapter0_explorer_moves_jobs_and_changes_the_measures():
    ex = ch00.explorer()
    fig, _ = ex.static_figure()
    frames = {f["name"]: f for f in fig["frames"]}
    assert len(frames) == math.prod(len(p.values(static=True)) for p in ex.params)
    start = [p.nearest(p.default, static=True) for p in ex.params]
    none_moved, many_moved = frames[f"f0_{start[1]}"], frames[f"f6_{start[1]}"]
    lq_electronics = lambda f: list(f["data"][0]["y"])  # noqa: E731
    # Moving electronics jobs from A to D lowers A's electronics LQ and raises D's.
    assert lq_electronics(many_moved)[0] < lq_electronics(none_moved)[0]
    assert lq_electronics(many_moved)[3] > lq_electronics(none_moved)[3]
    # Jobs moved away from the region that holds most of them: electronics gets less concentrated.
    assert many_moved["data"][2]["y"][0] < none_moved["data"][2]["y"][0]
    json.dumps(fig, default=str)  # serialisable for the page
    # At the defaults the explorer shows the dataset itself: Region D's 2020 LQ in biomedicine.
    from clusterkit import metrics

    _, end = ch00.tables()
    lq_data = metrics.location_quotient(end).loc["Region D", "biomedicine"]
    assert none_moved["data"][1]["y"][3] == pytest.approx(lq_data, abs=1e-3)


CHAPTER_EXPLORERS = sorted(m.name for m in pkgutil.iter_modules(explorers.__path__) if m.name.startswith("ch"))


@pytest.mark.parametrize("name", CHAPTER_EXPLORERS)
def test_every_chapter_explorer_is_labelled_credited_and_light(name):
    """The figure standard holds for each chapter's explorer, and its page stays light."""
    ex = importlib.import_module(f"clusterkit.explorers.{name}").explorer()
    fig, _ = ex.static_figure()
    assert "illustrative" in fig["layout"]["title"]["text"].lower()
    for key, axis in fig["layout"].items():
        if key.startswith(("xaxis", "yaxis")) and axis.get("visible", True):
            assert axis["title"]["text"], f"{name}: {key} has no title"
    assert ex.data, f"{name}: an explorer credits the datasets it draws"
    assert len(fig["frames"]) == len(ex.grid())
    assert len(ex.static_html()) < 600_000
