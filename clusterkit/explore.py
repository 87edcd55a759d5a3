"""Explorers: one declaration, two renderings.

An :class:`Explorer` declares a model function, the parameters a reader may move
(:class:`Param`), a base figure (axes, titles, units, empty traces) and an update that turns
the model's result into new trace data (:class:`Update`, plain dicts: fast).

* On the static page of the book (``CLUSTERKIT_BOOK=1``) it renders one plotly figure with
  a slider per parameter. Every combination of slider positions is precomputed as a plotly
  frame, and a few lines of JavaScript shipped with the figure show the frame that matches
  the sliders: the explorer responds with no kernel and no server.
* In a live kernel (Jupyter, Binder, Colab) it renders ipywidgets sliders above a
  ``FigureWidget``; moving a slider re-runs the model and updates the figure in place.

A chapter shows one with a single line: ``explorer.show()`` (or by ending a cell with it).
"""
from __future__ import annotations

import itertools
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from . import display

#: The static page precomputes one frame per combination of slider positions; past this,
#: the page gets heavy. Use a coarser ``static_step`` on a parameter to stay under it.
MAX_FRAMES = 400
#: Layout keys a frame may change (everything else is shared by all frames).
SLIDER_HEIGHT = 78  # px per slider below the plot


@dataclass(frozen=True)
class Param:
    """One parameter a reader can move: ``name`` is the model's keyword argument."""

    name: str
    label: str
    min: float
    max: float
    step: float
    default: float
    static_step: float | None = None
    fmt: str = "{:g}"

    def __post_init__(self) -> None:
        if not self.min < self.max:
            raise ValueError(f"{self.name}: min must be below max")
        if self.step <= 0 or (self.static_step is not None and self.static_step <= 0):
            raise ValueError(f"{self.name}: steps must be positive")
        if not self.min <= self.default <= self.max:
            raise ValueError(f"{self.name}: default {self.default} is outside [{self.min}, {self.max}]")

    @property
    def is_int(self) -> bool:
        return all(float(v).is_integer() for v in (self.min, self.max, self.step, self.default))

    def values(self, static: bool = False) -> list[float]:
        """The grid of values: every ``step`` (live) or every ``static_step`` (static page)."""
        step = (self.static_step or self.step) if static else self.step
        n = int(math.floor((self.max - self.min) / step + 1e-9))
        vals = [self.min + i * step for i in range(n + 1)]
        if not math.isclose(vals[-1], self.max):
            vals.append(self.max)
        out = [int(round(v)) if self.is_int else round(v, 10) for v in vals]
        return out

    def nearest(self, value: float, static: bool = False) -> int:
        vals = self.values(static)
        return int(np.argmin([abs(v - value) for v in vals]))


@dataclass(frozen=True)
class Update:
    """What changes in the figure for one set of parameter values.

    ``traces``: one dict per trace of the base figure, in order, holding only the properties
    that change (e.g. ``{"y": [...]}``). ``annotations``: annotations added to the base
    figure's own (subplot titles stay). ``title``: a new title text, if it changes.
    Plain dicts and lists: building plotly objects on every update would be too slow.
    """

    traces: list[dict]
    annotations: list[dict] = field(default_factory=list)
    title: str | None = None


@dataclass
class Explorer:
    """A model, the parameters a reader moves, and how a result is drawn.

    * ``model(**fixed, **params)`` returns any result;
    * ``figure()`` returns the base ``go.Figure`` — axes with titles and units, reference
      lines, and one trace per series drawn (data may be empty); it is built once;
    * ``update(result, params)`` returns an :class:`Update` for the traces of ``figure()``.
    """

    model: Callable[..., Any]
    params: Sequence[Param]
    figure: Callable[[], go.Figure] | None = None
    update: Callable[[Any, Mapping[str, float]], Update] | None = None
    alt: str = ""
    fixed: Mapping[str, Any] = field(default_factory=dict)
    height: int = 480
    #: Convenience alternative to figure + update: ``view(result, params) -> go.Figure``
    #: drawing the whole figure each time. Simpler to write, but building plotly objects on
    #: every update is slow (tens of ms); prefer figure + update for live explorers.
    view: Callable[[Any, Mapping[str, float]], go.Figure] | None = None
    #: Datasets the explorer draws on, credited under it (see ``clusterkit.show``).
    data: Sequence[str] = ()

    def __post_init__(self) -> None:
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError("parameter names must be unique")
        if not self.params:
            raise ValueError("an explorer needs at least one parameter")
        if not self.alt.strip():
            raise ValueError("an explorer needs alt text describing what it shows")
        if self.view is not None and self.figure is None and self.update is None:
            view = self.view

            def figure() -> go.Figure:
                params = self.defaults()
                fig = view(self.model(**self.fixed, **params), params)
                fig.layout.annotations = []  # all annotations travel with the updates
                return fig

            def update(result: Any, params: Mapping[str, float]) -> Update:
                fig = view(result, params)
                title = fig.layout.title.text if fig.layout.title else None
                return Update(
                    traces=[t.to_plotly_json() for t in fig.data],
                    annotations=[a.to_plotly_json() for a in fig.layout.annotations],
                    title=title,
                )

            self.figure, self.update = figure, update
        if self.figure is None or self.update is None:
            raise ValueError("an explorer needs figure and update (or a view)")

    # -- the model ---------------------------------------------------------------------
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    def compute(self, **values: float) -> Update:
        """Run the model once at ``values`` (defaults for the rest); what the figure shows."""
        params = {**self.defaults(), **values}
        upd = self.update(self.model(**self.fixed, **params), params)
        return upd

    def _base(self) -> go.Figure:
        fig = self.figure()
        display.require_labels(fig, self.alt)
        fig.update_layout(height=self.height)
        return fig

    def snapshot(self, **values: float) -> go.Figure:
        """A plain figure at ``values``: the base figure with one update applied."""
        fig = self._base()
        upd = self.compute(**values)
        _check_update(upd, len(fig.data))
        for trace, props in zip(fig.data, upd.traces):
            trace.update(props)
        fig.update_layout(_layout_patch([a.to_plotly_json() for a in fig.layout.annotations], upd))
        return fig

    # -- the static page ---------------------------------------------------------------
    def grid(self) -> list[tuple[float, ...]]:
        return list(itertools.product(*(p.values(static=True) for p in self.params)))

    def static_figure(self) -> tuple[dict, str]:
        """The figure (as a plotly dict) with one frame per grid point, a slider per
        parameter, and the script that joins the sliders."""
        axes = [p.values(static=True) for p in self.params]
        n = math.prod(len(a) for a in axes)
        if n > MAX_FRAMES:
            raise ValueError(
                f"this explorer needs {n} precomputed frames (more than {MAX_FRAMES}); "
                "give a parameter a coarser static_step"
            )
        base = self._base()
        fixed_annotations = [a.to_plotly_json() for a in base.layout.annotations]
        start = tuple(p.nearest(p.default, static=True) for p in self.params)
        frames = []
        for index in itertools.product(*(range(len(a)) for a in axes)):
            values = {p.name: axes[i][k] for i, (p, k) in enumerate(zip(self.params, index))}
            upd = self.compute(**values)
            _check_update(upd, len(base.data))
            frame = {"name": _frame_name(index), "data": upd.traces, "layout": _layout_patch(fixed_annotations, upd)}
            frames.append(frame)
            if index == start:
                for trace, props in zip(base.data, upd.traces):
                    trace.update(props)
                base.update_layout(frame["layout"])
        _fix_ranges(base, frames)
        margin = base.layout.margin
        top = margin.t if margin.t is not None else 70
        bottom = margin.b if margin.b is not None else 60
        plot_height = self.height - top - bottom
        sliders = []
        for i, (p, vals) in enumerate(zip(self.params, axes)):
            sliders.append(
                dict(
                    active=start[i],
                    currentvalue=dict(prefix=f"{p.label}: ", font=dict(size=14)),
                    pad=dict(t=8, b=4),
                    len=1.0,
                    x=0,
                    y=-(bottom + 4 + i * SLIDER_HEIGHT) / plot_height,
                    yanchor="top",
                    steps=[dict(label=p.fmt.format(v), method="skip", args=[None]) for v in vals],
                    name=p.name,
                )
            )
        extra = SLIDER_HEIGHT * len(self.params)
        base.update_layout(sliders=sliders, height=self.height + extra, margin=dict(t=top, b=bottom + extra))
        fig = base.to_dict()
        fig["frames"] = frames
        script = _SLIDER_SCRIPT.replace("__START__", json.dumps(list(start)))
        return fig, script

    def static_html(self) -> str:
        fig, script = self.static_figure()
        return display.to_book_html(fig, self.alt, post_script=script, data=list(self.data))

    # -- the live kernel ---------------------------------------------------------------
    def widget(self):
        """ipywidgets sliders over a figure; moving a slider re-runs the model once."""
        import ipywidgets as widgets

        sliders = {}
        for p in self.params:
            cls = widgets.IntSlider if p.is_int else widgets.FloatSlider
            sliders[p.name] = cls(
                value=p.default,
                min=p.min,
                max=p.max,
                step=p.step,
                description=p.label,
                continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="95%"),
            )
        base_annotations = [a.to_plotly_json() for a in self._base().layout.annotations]
        first = self.snapshot()
        try:
            fig_widget = go.FigureWidget(first)
            output = None
        except Exception:  # FigureWidget needs anywidget; fall back to re-drawing
            fig_widget = None
            output = widgets.Output()
        else:
            # The widget hands its (private) _config to plotly.js: the course's modebar.
            fig_widget._config = {**fig_widget._config, **display.PLOT_CONFIG}
        box = widgets.VBox(list(sliders.values()) + [fig_widget if fig_widget is not None else output])
        box.timings = []  # seconds per update, for the benchmark

        def redraw(_change=None) -> None:
            t0 = time.perf_counter()
            values = {name: s.value for name, s in sliders.items()}
            if fig_widget is not None:
                upd = self.compute(**values)
                with fig_widget.batch_update():
                    for trace, props in zip(fig_widget.data, upd.traces):
                        trace.update(props)
                    fig_widget.layout.annotations = base_annotations + list(upd.annotations)
                    if upd.title is not None:
                        fig_widget.layout.title.text = upd.title
            else:
                with output:
                    output.clear_output(wait=True)
                    self.snapshot(**values).show(config=display.PLOT_CONFIG)
            box.timings.append(time.perf_counter() - t0)

        for s in sliders.values():
            s.observe(redraw, names="value")
        box.sliders = sliders
        box.figure = fig_widget
        if fig_widget is None:
            redraw()
        return box

    # -- showing -----------------------------------------------------------------------
    def show(self) -> None:
        from IPython.display import display as ipy_display

        current = display.mode()
        if current == "grading":
            print("(explorer not drawn while grading)")
        elif current == "book":
            ipy_display(display._Html(self.static_html()))
        else:
            ipy_display(self.widget())
            if self.data:
                print(display.credit(list(self.data))[0])

    def _ipython_display_(self) -> None:
        self.show()


def _check_update(upd: Update, n_traces: int) -> None:
    if not isinstance(upd, Update):
        raise TypeError("an explorer's update() must return an explore.Update")
    if len(upd.traces) != n_traces:
        raise ValueError(f"update() gave {len(upd.traces)} trace updates for a figure with {n_traces} traces")


def _layout_patch(fixed_annotations: list[dict], upd: Update) -> dict:
    """The layout of one frame: the base figure's own annotations plus the update's."""
    patch: dict = {}
    if upd.annotations:
        patch["annotations"] = list(fixed_annotations) + list(upd.annotations)
    if upd.title is not None:
        patch["title"] = {"text": upd.title}
    return patch


def _frame_name(index: Sequence[int]) -> str:
    return "f" + "_".join(str(i) for i in index)


# Runs once after plotly has drawn the figure: keeps the index of every slider and shows
# the frame named after them. `{plot_id}` is filled in by plotly.io.to_html.
_SLIDER_SCRIPT = """
(function () {
  var gd = document.getElementById('{plot_id}');
  if (!gd || !window.Plotly) { return; }
  var state = __START__;
  gd.on('plotly_sliderchange', function (e) {
    state[e.slider._index] = e.slider.active;
    var name = 'f' + state.join('_');
    Plotly.animate(gd, [name], {mode: 'immediate', frame: {duration: 0, redraw: true},
                                transition: {duration: 0}});
  });
})();
"""


def _fix_ranges(base: go.Figure, frames: Sequence[dict]) -> None:
    """Fix each numeric cartesian axis the figure left on autorange to the range over all frames.

    Without this the axes would jump as the reader moves a slider, and the eye would read
    the jump as a change in the data.
    """
    spans: dict[str, list[float]] = {}
    for frame in frames:
        for trace, props in zip(base.data, frame["data"]):
            for letter in ("x", "y"):
                values = props.get(letter, getattr(trace, letter, None))
                if values is None:
                    continue
                ref = getattr(trace, f"{letter}axis", None) or letter
                axis = ref.replace(letter, f"{letter}axis", 1)
                try:
                    arr = np.asarray(values, dtype=float)
                except (TypeError, ValueError):
                    continue
                arr = arr[np.isfinite(arr)]
                if arr.size == 0:
                    continue
                lo, hi = float(arr.min()), float(arr.max())
                if trace.type == "bar":
                    lo, hi = min(lo, 0.0), max(hi, 0.0)
                span = spans.setdefault(axis, [lo, hi])
                span[0], span[1] = min(span[0], lo), max(span[1], hi)
    for axis, (lo, hi) in spans.items():
        current = base.layout[axis] if axis in base.layout else None
        if current is not None and (current.range is not None or current.type in ("category", "date", "log")):
            continue
        pad = 0.06 * (hi - lo) if hi > lo else (abs(hi) * 0.1 or 1.0)
        base.layout[axis].update(range=[lo - pad, hi + pad], autorange=False)
