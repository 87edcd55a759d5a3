"""The explorer: one declaration, a static slider figure and a live widget."""
from __future__ import annotations

import json
import math

import plotly.graph_objects as go
import pytest

from clusterkit.explore import MAX_FRAMES, Explorer, Param, Update, compare
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


def test_static_figure_has_a_frame_per_grid_point_and_a_range_input_per_param():
    ex = toy()
    fig, script, state = ex.static_page()
    assert len(fig["frames"]) == 5 * 3
    assert "sliders" not in fig["layout"]  # plotly's SVG sliders are replaced by HTML range inputs
    assert [len(v) for v in state["labels"]] == [5, 3]
    names = {f["name"] for f in fig["frames"]}
    assert len(names) == 15 and "f4_2" in names
    by_name = {f["name"]: f for f in fig["frames"]}
    assert list(by_name["f4_2"]["data"][0]["y"]) == [4, 1, 4]
    assert by_name["f0_0"]["layout"]["annotations"][-1]["text"] == "product 0.0"
    # The inputs start at the defaults, and the script starts from the same indices.
    assert state["start"] == [2, 1]
    assert "addEventListener('input'" in script


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


# -- what every explorer inherits: default run, fitted axes, caption, controls, narrow layout --
def teaching_toy(**kw):
    def model(a, b):
        return {"y": [40 + a, 50 + b, 45 + a * b]}

    def figure():
        fig = go.Figure(go.Scatter(x=[0, 1, 2], y=[0, 0, 0], mode="lines", line=dict(color="#0072B2")))
        fig.update_layout(title="Toy", xaxis_title="Year", yaxis_title="Value (units)")
        return fig

    def update(result, params):
        return Update(traces=[{"y": result["y"]}], readout=f"last value <b>{result['y'][2]:g}</b> units")

    def caption(result, default):
        return compare("last value", result["y"][2], default["y"][2], "{:g}", "units")

    args = dict(figure=figure, update=update, alt="toy line", ghost=[0], caption=caption) | kw
    return Explorer(model, [Param("a", "A (km)", 0, 4, 1, 2, unit="km", short="distance"),
                            Param("b", "B", 0, 1, 0.5, 0.5, fmt="{:.0%}", short="share")], **args)


def test_the_default_run_is_drawn_faint_in_every_frame():
    ex = teaching_toy()
    fig, _, _ = ex.static_page()
    assert len(fig["data"]) == 3  # the line, its ghost, and the legend's one "default" entry
    ghost, entry = fig["data"][1], fig["data"][2]
    assert ghost["name"] == "default" and ghost["line"]["dash"] == "dot" and ghost["opacity"] < 1
    assert not ghost["showlegend"] and entry["showlegend"] and entry["name"] == "default" and entry["line"]["dash"] == "dot"
    assert list(ghost["y"]) == [42, 50.5, 46]  # the model at the defaults a=2, b=0.5
    for frame in fig["frames"]:
        assert frame["traces"] == [0]  # no frame touches the ghost: it stays in every frame
    assert ex.snapshot(a=4).data[1].name == "default"  # and in a plain snapshot / the live widget
    box = ex.widget()
    box.sliders["a"].value = 4
    assert box.figure.data[1].name == "default" and list(box.figure.data[1].y) == [42, 50.5, 46]


def test_bar_ghosts_mark_each_bar_or_the_top_of_a_stack():
    def figure():
        fig = go.Figure([go.Bar(x=["p", "q"], y=[0, 0]), go.Bar(x=["p", "q"], y=[0, 0])])
        fig.update_layout(title="Toy", xaxis_title="Thing", yaxis_title="Count (firms)", barmode="stack")
        return fig

    ex = Explorer(lambda a: a, [Param("a", "A", 0, 2, 1, 1)], figure=figure, alt="stacked toy",
                  update=lambda r, p: Update(traces=[{"y": [r, 1]}, {"y": [2, r]}]), ghost=[(0, 1)])
    fig, _ = ex.static_figure()
    ghost, entry = fig["data"][-2], fig["data"][-1]
    assert ghost["mode"] == "markers" and list(ghost["y"]) == [3, 2]  # 1 + 2 and 1 + 1 at a = 1
    assert entry["mode"] == "lines+markers" and entry["marker"]["symbol"] == "line-ew"  # the legend shows the tick


def test_axes_fit_what_moves_over_all_frames():
    ex = teaching_toy()
    fig, _, _ = ex.static_page()
    lo, hi = fig["layout"]["yaxis"]["range"]
    ys = [y for f in fig["frames"] for y in f["data"][0]["y"]]
    assert lo <= min(ys) and hi >= max(ys)
    assert lo > 30 and hi < 70  # fitted to 40–53, not stretched to zero
    # Per frame: each frame's own range, in 1-2-5 steps, covering the frame and the default run.
    fig, _, state = teaching_toy(axes="frame").static_page()
    for frame in fig["frames"]:
        lo, hi = state["ranges"][frame["name"]]["yaxis.range"]
        assert lo <= min(frame["data"][0]["y"] + fig["data"][1]["y"]) and hi >= max(frame["data"][0]["y"])


def test_the_caption_names_what_changed_with_units():
    ex = teaching_toy()
    _, _, state = ex.static_page()
    texts = state["texts"]
    assert texts["f2_1"][1].startswith("At the defaults (distance: 2 km; share: 50%)")
    assert texts["f4_1"][1] == "Distance: 4 km (default 2): last value 46 → 47 units."
    assert "share: 100% (default 50%)" in texts["f4_2"][1] and "distance: 4 km" in texts["f4_2"][1].lower()
    assert texts["f2_1"][0] == "last value <b>46</b> units"  # the readout, per frame
    box = ex.widget()
    box.sliders["a"].value = 3
    assert box.caption.value.startswith("Distance: 3 km (default 2)") and "46 → 46.5 units" in box.caption.value
    assert compare("x", 1.0, 1.0, "{:.1f}") == "x unchanged at 1.0"


def test_the_static_page_has_labelled_range_inputs_alt_text_and_a_live_caption():
    from html.parser import HTMLParser

    page = teaching_toy().static_html()

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

    c = Collect()
    c.feed(page)
    inputs = [a for t, a in c.tags if t == "input"]
    labels = {a["for"] for t, a in c.tags if t == "label"}
    assert len(inputs) == 2 and all(a["type"] == "range" for a in inputs)
    assert all(a["id"] in labels for a in inputs)  # every input has its label
    assert [a["aria-valuetext"] for a in inputs] == ["2 km", "50%"]
    assert [a["value"] for a in inputs] == ["2", "1"] and [a["max"] for a in inputs] == ["4", "2"]
    img = next(a for t, a in c.tags if a.get("role") == "figure")
    assert img["aria-label"] == "toy line"
    caption = next(a for t, a in c.tags if a.get("id") == img["aria-describedby"])
    assert caption["aria-live"] == "polite"
    assert ":focus-visible" in page  # a visible focus ring


def test_panels_stack_on_a_narrow_screen():
    from plotly.subplots import make_subplots

    def figure():
        fig = make_subplots(rows=1, cols=2, subplot_titles=("Left panel", "Right panel"))
        fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], name="one"), row=1, col=1)
        fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], name="two"), row=1, col=2)
        fig.update_xaxes(title_text="Year")
        fig.update_yaxes(title_text="Value (units)")
        fig.update_layout(title="A long title that would not fit on a phone screen at all")
        return fig

    ex = Explorer(lambda a: a, [Param("a", "A", 0, 1, 1, 0)], figure=figure, alt="two panels",
                  update=lambda r, p: Update(traces=[{"y": [0, r]}, {"y": [r, 0]}]))
    fig, _, state = ex.static_page()
    narrow, wide = state["narrow"], state["wide"]
    assert narrow["xaxis.domain"] == narrow["xaxis2.domain"] == [0, 1]
    top, bottom = narrow["yaxis.domain"], narrow["yaxis2.domain"]
    assert bottom[1] < top[0]  # one above the other, not overlapping
    assert "<br>" in narrow["title.text"] and narrow["height"] > wide["height"]
    assert narrow["annotations[1].y"] == bottom[1]  # the right panel's title moved with its panel
    assert wide["xaxis.domain"] == fig["layout"]["xaxis"]["domain"]  # and back
    assert state["breakpoint"] == 600


@pytest.mark.parametrize("name", CHAPTER_EXPLORERS)
def test_every_chapter_explorer_teaches(name):
    """Each chapter's explorer has a default run, a readout with units and a caption per frame
    that names what changed."""
    ex = importlib.import_module(f"clusterkit.explorers.{name}").explorer()
    fig, _, state = ex.static_page()
    assert ex.ghost and any(t.get("name") == "default" for t in fig["data"])
    assert len(fig["frames"]) <= MAX_FRAMES
    start = "f" + "_".join(map(str, state["start"]))
    assert state["texts"][start][1].startswith("At the defaults")
    for frame in fig["frames"]:
        readout, caption = state["texts"][frame["name"]]
        assert readout and caption
        if frame["name"] != start:
            assert "(default " in caption
    for p in ex.params:
        assert p.format(p.default) != p.fmt.format(p.default) or "%" in p.fmt or "(" in p.label, \
            f"{name}: {p.name} needs a unit"
