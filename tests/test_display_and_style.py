"""The plotting style, figure display in each mode, and the figure standard."""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import pytest

import clusterkit as ck
from clusterkit import display, style


def labelled() -> go.Figure:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    fig.update_layout(title="Jobs by region", xaxis_title="Region", yaxis_title="Jobs (thousand)")
    return fig


def test_importing_the_package_sets_the_course_template():
    assert pio.templates.default == "plotly_white+clusterkit"
    colorway = pio.templates["clusterkit"].layout.colorway
    assert list(colorway) == list(style.PALETTE)


def test_palette_is_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(style.PALETTE) == okabe_ito


@pytest.mark.parametrize(
    "change, missing",
    [
        (dict(title=None), "a title"),
        (dict(xaxis_title=None), "xaxis"),
        (dict(yaxis_title=None), "yaxis"),
    ],
)
def test_figures_without_labels_are_refused(change, missing):
    fig = labelled()
    fig.update_layout(**{k: v for k, v in change.items() if k != "title"})
    if "title" in change:
        fig.layout.title = None
    if "xaxis_title" in change:
        fig.layout.xaxis.title = None
    if "yaxis_title" in change:
        fig.layout.yaxis.title = None
    with pytest.raises(display.FigureError, match=missing):
        display.require_labels(fig, "alt text")


def test_alt_text_is_required():
    with pytest.raises(display.FigureError, match="alt text"):
        display.require_labels(labelled(), "  ")


def test_book_html_has_alt_text_credit_and_no_library():
    markup = display.to_book_html(labelled(), alt="Two bars <b>", data="00_cases")
    assert 'aria-label="Two bars &lt;b&gt;"' in markup
    assert "Plotly.newPlot" in markup
    assert "cdn.plot.ly" not in markup and "<script src=" not in markup
    assert "plotly.js v" not in markup  # the library itself is served once by the book
    assert '../book/data/00_cases.html' in markup


def test_illustrative_data_is_flagged_in_the_credit():
    text, markup = display.credit("00_regions_illustrative")
    assert "illustrative, made-up data" in text and "illustrative, made-up data" in markup


@pytest.mark.parametrize("mode_env, expected", [({}, "live"), ({"CLUSTERKIT_BOOK": "1"}, "book"),
                                                ({"CLUSTERKIT_BOOK": "1", "CLUSTERKIT_GRADING": "1"}, "grading")])
def test_mode_follows_the_environment(monkeypatch, mode_env, expected):
    monkeypatch.delenv("CLUSTERKIT_BOOK", raising=False)
    monkeypatch.delenv("CLUSTERKIT_GRADING", raising=False)
    for k, v in mode_env.items():
        monkeypatch.setenv(k, v)
    assert display.mode() == expected


def test_show_in_book_mode_displays_html(monkeypatch):
    shown = []
    monkeypatch.setenv("CLUSTERKIT_BOOK", "1")
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    ck.show(labelled(), alt="Two bars")
    assert len(shown) == 1 and "Plotly.newPlot" in shown[0]._repr_html_()


def test_show_with_glue_places_the_figure_where_the_text_pastes_it(monkeypatch):
    # In the book a chapter's opening picture is glued, not displayed under its (removed) cell; the
    # same call in Jupyter shows it under the cell.
    shown, glued = [], []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    monkeypatch.setattr("myst_nb.glue", lambda name, obj, display=True: glued.append((name, obj, display)))
    monkeypatch.setenv("CLUSTERKIT_BOOK", "1")
    ck.show(labelled(), alt="Two bars", glue="ch09_hook")
    assert shown == [] and len(glued) == 1
    name, obj, displayed = glued[0]
    assert name == "ch09_hook" and displayed is False
    assert 'aria-label="Two bars"' in obj._repr_html_() and "Plotly.newPlot" in obj._repr_html_()
    monkeypatch.delenv("CLUSTERKIT_BOOK")
    monkeypatch.setattr(go.Figure, "show", lambda self, **kw: shown.append(self))
    ck.show(labelled(), alt="Two bars", glue="ch09_hook")
    assert len(shown) == 1 and len(glued) == 1


def test_book_figures_wrap_their_title_and_declutter_their_labels():
    html = display.to_book_html(labelled(), alt="Two bars")
    assert "data-ck-hidden" in html and "'title.text'" in html  # both scripts run after the plot is drawn
    explorer_like = display.to_book_html(labelled(), alt="Two bars", post_script="/* own title fitting */")
    assert "own title fitting" in explorer_like and "data-ck-hidden" in explorer_like
    assert "'margin.t': top0" not in explorer_like


def test_case_locator_names_its_case_and_refuses_an_unknown_one():
    fig = ck.maps.case_locator(4, title="Where", note="a note")
    texts = [a.text for a in fig.layout.annotations]
    assert len(texts) == 1 and "Keqiao" in texts[0] and "a note" in texts[0]
    highlighted = [t for t in fig.data if t.name != "land" and len(t.x) == 1]
    assert len(highlighted) == 1 and abs(highlighted[0].x[0] - 120.5) < 1.0
    assert sum(len(t.x) for t in fig.data if t.name == "the course's other cases") == 8
    assert {t.name for t in fig.data if t.showlegend} == {"this chapter's case", "the course's other cases"}  # a key for the dots
    with pytest.raises(ValueError, match="no case 12"):
        ck.maps.case_locator(12, title="Where")


def test_show_while_grading_draws_nothing(monkeypatch):
    shown = []
    monkeypatch.setenv("CLUSTERKIT_GRADING", "1")
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    ck.show(labelled(), alt="Two bars")
    assert shown == []


def test_glue_returns_plain_value_without_myst(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_myst(name, *args, **kwargs):
        if name.startswith("myst_nb"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_myst)
    assert ck.glue("x", 3.5) == 3.5


def test_import_is_lazy_about_heavy_submodules():
    import subprocess
    import sys

    code = "import sys, clusterkit; print('clusterkit.data' in sys.modules, 'clusterkit.grading' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_chapter_figure_builders_live_in_the_figures_package(repo_root):
    """Chapter N's figure code is clusterkit/figures/chNN.py (as explorers/chNN.py), never at the package top."""
    import importlib
    import pkgutil

    import clusterkit as ck
    from clusterkit import figures

    top = [m.name for m in pkgutil.iter_modules(ck.__path__)]
    assert [name for name in top if name.startswith("figures_")] == []
    chapters = [m.name for m in pkgutil.iter_modules(figures.__path__) if m.name.startswith("ch")]
    assert chapters
    for name in chapters:
        assert list((repo_root / "notebooks").glob(f"{name[2:]}_*.ipynb")), f"figures/{name}.py has no chapter"
        assert getattr(ck.figures, name) is importlib.import_module(f"clusterkit.figures.{name}")
    assert callable(ck.figures.timeline) and callable(ck.figures.lq_heatmap)


def test_no_figure_offers_to_upload_to_plotly_cloud():
    """plotly.js adds a "Share chart..." modebar button (it uploads the figure) unless told not to."""
    assert display.PLOT_CONFIG["showSendToCloud"] is False
    assert "sendChartToCloud" in display.PLOT_CONFIG["modeBarButtonsToRemove"]
    markup = display.to_book_html(labelled(), alt="Jobs by region")
    assert '"showSendToCloud": false' in markup and "plotlyServerURL" not in markup
    from clusterkit.explorers import ch00

    box = ch00.explorer().widget()
    if box.figure is not None:
        assert box.figure._config["showSendToCloud"] is False


def test_a_book_figure_names_its_trace_types():
    fig = labelled()
    fig.add_trace(go.Heatmap(z=[[1, 2]]))
    assert display.trace_types(fig) == ["bar", "heatmap"]
    assert display.trace_types(fig.to_dict()) == ["bar", "heatmap"]
    assert 'data-ck-traces="bar heatmap"' in display.to_book_html(fig, alt="Jobs by region")


def test_a_y_axis_title_longer_than_its_panel_is_wrapped():
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    long = "output multiplier (yuan of park output per yuan of final demand, illustrative)"
    fig.update_layout(title="T", height=300, margin=dict(t=60, b=60), xaxis_title="sector", yaxis_title=long)
    display.fit_axis_titles(fig)
    lines = fig.layout.yaxis.title.text.split("<br>")
    assert len(lines) >= 2 and " ".join(lines) == long
    assert all(len(line) * display.AXIS_CHAR_PX <= 180 for line in lines)  # 300 - 60 - 60 px of plot
    short = go.Figure(go.Bar(x=["a"], y=[1])).update_layout(title="T", yaxis_title="jobs (thousand)")
    assert display.fit_axis_titles(short).layout.yaxis.title.text == "jobs (thousand)"


def test_a_change_to_the_package_or_the_data_drops_the_execution_cache(tmp_path):
    """jupyter-cache keys a notebook by its own code; the build must not keep outputs made by an older package."""
    from clusterkit import bench

    (tmp_path / "clusterkit").mkdir()
    (tmp_path / "datasets").mkdir()
    module = tmp_path / "clusterkit" / "explorer.py"
    module.write_text("A = 1\n")
    (tmp_path / "datasets" / "x.csv").write_text("a\n1\n")
    cache = tmp_path / "_build" / ".jupyter_cache"
    cache.mkdir(parents=True)
    assert bench.forget_stale_outputs(tmp_path) and not cache.exists()  # a cache of unknown origin goes
    cache.mkdir()
    assert not bench.forget_stale_outputs(tmp_path) and cache.exists()  # nothing changed since the stamp
    module.write_text("A = 2\n")
    assert bench.forget_stale_outputs(tmp_path) and not cache.exists()
    cache.mkdir()
    (tmp_path / "datasets" / "x.csv").write_text("a\n2\n")
    assert bench.forget_stale_outputs(tmp_path) and not cache.exists()
    # a new bibliography drops Sphinx's saved environment (it kept the old one), not the outputs
    (tmp_path / "book" / "bib").mkdir(parents=True)
    cache.mkdir()
    env = tmp_path / "_build" / ".doctrees"
    env.mkdir()
    (tmp_path / "book" / "bib" / "ch09.bib").write_text("@book{a, title={A}}\n")
    assert bench.forget_stale_outputs(tmp_path) and not env.exists() and cache.exists()
    env.mkdir()
    assert not bench.forget_stale_outputs(tmp_path) and env.exists()
