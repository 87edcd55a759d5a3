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
#: Below this container width (px) an explorer's panels stack in one column.
NARROW = 600
#: How the default run is drawn behind the current one.
GHOST_LINE = dict(width=2, dash="dot")
GHOST_OPACITY = 0.45
GHOST_BAR = dict(symbol="line-ew", size=26, line=dict(width=3, color="#111111"))


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
    #: The unit a value is read in, shown after it ("thousand jobs", "km"); empty when the
    #: format already says it (a percentage) or the quantity has none.
    unit: str = ""
    #: A short name for the caption line ("local purchasing share"); defaults to ``label``.
    short: str = ""

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

    def format(self, value: float) -> str:
        """The value as a reader sees it, with its unit: ``"40%"``, ``"30 thousand jobs"``."""
        text = self.fmt.format(value)
        return f"{text} {self.unit}" if self.unit else text

    @property
    def name_in_caption(self) -> str:
        return self.short or self.label

    def nearest(self, value: float, static: bool = False) -> int:
        vals = self.values(static)
        return int(np.argmin([abs(v - value) for v in vals]))


@dataclass(frozen=True)
class Update:
    """What changes in the figure for one set of parameter values.

    ``traces``: one dict per trace of the base figure, in order, holding only the properties
    that change (e.g. ``{"y": [...]}``). ``annotations``: annotations added to the base
    figure's own (subplot titles stay). ``title``: a new title text, if it changes.
    ``readout``: the numbers a reader reads off, with units, as a line of text above the
    figure (``<b>`` and ``<br>`` allowed); it wraps on a phone, which an annotation cannot.
    Plain dicts and lists: building plotly objects on every update would be too slow.
    """

    traces: list[dict]
    annotations: list[dict] = field(default_factory=list)
    title: str | None = None
    readout: str | None = None


@dataclass
class Explorer:
    """A model, the parameters a reader moves, and how a result is drawn.

    * ``model(**fixed, **params)`` returns any result;
    * ``figure()`` returns the base ``go.Figure`` — axes with titles and units, reference
      lines, and one trace per series drawn (data may be empty); it is built once;
    * ``update(result, params)`` returns an :class:`Update` for the traces of ``figure()``.

    What every explorer gets from this class (chapters only declare):

    * ``ghost``: the traces (indices into ``figure().data``) drawn a second time, faint and
      dotted, at the default parameters — the "default" run stays with the current one, in
      every static frame and in the live widget. The ghosts come after the chapter's traces in
      the figure (``data[k]`` stays trace ``k``); no frame touches them. A tuple of bar traces gets one marker at the
      top of their stack (stacked bars); a single bar trace gets a marker on each bar.
    * axes fitted to what moves: every numeric axis left on autorange is fixed to the range
      of all precomputed frames (and the reference lines), so it neither jumps nor wastes
      space; ``rangemode="tozero"`` keeps zero in view.
    * a caption under the figure saying what changed: the parameters moved, with units and
      their defaults, then ``caption(result, default_result)`` — what that did (use
      :func:`compare`). It is announced to screen readers (``aria-live``).
    * on the static page: HTML range inputs (labelled, Tab and arrow keys, touch) in place
      of plotly's SVG sliders; below ``NARROW`` px the panels stack in one column.
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
    #: Traces drawn faintly at the defaults behind the current ones (see the class docstring).
    ghost: Sequence[int | tuple[int, ...]] = ()
    #: ``caption(result, default_result) -> str``: what the change did, with units.
    caption: Callable[[Any, Any], str] | None = None
    #: Axis ranges on the static page: ``"all"`` — one range over every frame (the axes never
    #: jump); ``"frame"`` — each frame fitted to itself and the default run, in 1–2–5 steps
    #: (for models whose extremes dwarf the defaults; the default run keeps the comparison).
    axes: str = "all"
    #: Height (px) of each panel when the panels are stacked on a narrow screen.
    narrow_panel_height: int = 250

    def __post_init__(self) -> None:
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError("parameter names must be unique")
        if not self.params:
            raise ValueError("an explorer needs at least one parameter")
        if not self.alt.strip():
            raise ValueError("an explorer needs alt text describing what it shows")
        if self.axes not in ("all", "frame"):
            raise ValueError('axes must be "all" or "frame"')
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

    def run(self, **values: float) -> tuple[Any, dict[str, float]]:
        params = {**self.defaults(), **values}
        return self.model(**self.fixed, **params), params

    def compute(self, **values: float) -> Update:
        """Run the model once at ``values`` (defaults for the rest); what the figure shows."""
        result, params = self.run(**values)
        return self.update(result, params)

    def caption_text(self, values: Mapping[str, float], result: Any, default_result: Any) -> str:
        """The line under the figure: which parameters moved (with units and defaults) and
        what that did; at the defaults, the defaults."""
        values = {**self.defaults(), **values}
        moved = [p for p in self.params if not math.isclose(values[p.name], p.default, abs_tol=1e-9)]
        effect = self.caption(result, default_result) if self.caption else ""
        if not moved:
            settings = "; ".join(f"{p.name_in_caption}: {p.format(p.default)}" for p in self.params)
            text = f"At the defaults ({settings})"
            hint = "move a slider, and this default run stays in view to compare with ('default' in the legend)"
            return f"{text}: {hint}." if self.ghost else f"{text}."
        head = "; ".join(
            f"{p.name_in_caption}: {p.format(values[p.name])} (default {p.fmt.format(p.default)})" for p in moved
        )
        head = head[0].upper() + head[1:]
        return f"{head}: {effect}." if effect else f"{head}."

    def _base(self) -> go.Figure:
        fig = self.figure()
        display.require_labels(fig, self.alt)
        fig.update_layout(height=self.height)
        return fig

    def _with_ghosts(self, fig: go.Figure, default_update: Update) -> int:
        """Add the default run's ghost traces to ``fig``, after the chapter's own traces (so
        ``fig.data[k]`` stays the chapter's trace ``k``); how many were added."""
        ghosts = _ghost_traces(fig, default_update, self.ghost)
        if ghosts:
            fig.add_traces([go.Scatter(g) for g in ghosts])
        return len(ghosts)

    def snapshot(self, **values: float) -> go.Figure:
        """A plain figure at ``values``: the base figure with one update applied, the default
        run behind it."""
        fig = self._base()
        n_ghosts = self._with_ghosts(fig, self.compute())
        upd = self.compute(**values)
        _check_update(upd, len(fig.data) - n_ghosts)
        for trace, props in zip(fig.data, upd.traces):
            trace.update(props)
        fig.update_layout(_layout_patch([a.to_plotly_json() for a in fig.layout.annotations], upd))
        return fig

    # -- the static page ---------------------------------------------------------------
    def grid(self) -> list[tuple[float, ...]]:
        return list(itertools.product(*(p.values(static=True) for p in self.params)))

    def static_figure(self) -> tuple[dict, str]:
        """The figure (as a plotly dict) with one frame per grid point, and the script that
        joins it to the page's range inputs (:meth:`static_html`)."""
        fig, script, _ = self.static_page()
        return fig, script

    def static_page(self) -> tuple[dict, str, dict]:
        """The figure, its script and the page state: ``start`` (slider indices), ``labels``
        (each slider's values with units), ``texts`` (frame name -> [readout, caption]),
        the ``narrow``/``wide`` layouts and per-frame axis ``ranges``."""
        axes = [p.values(static=True) for p in self.params]
        n = math.prod(len(a) for a in axes)
        if n > MAX_FRAMES:
            raise ValueError(
                f"this explorer needs {n} precomputed frames (more than {MAX_FRAMES}); "
                "give a parameter a coarser static_step"
            )
        base = self._base()
        n_traces = len(base.data)
        default_result, _ = self.run()
        default_update = self.update(default_result, self.defaults())
        _check_update(default_update, n_traces)
        self._with_ghosts(base, default_update)
        fixed_annotations = [a.to_plotly_json() for a in base.layout.annotations]
        start = tuple(p.nearest(p.default, static=True) for p in self.params)
        frames, texts = [], {}
        moves_layout = False
        for index in itertools.product(*(range(len(a)) for a in axes)):
            values = {p.name: axes[i][k] for i, (p, k) in enumerate(zip(self.params, index))}
            result, params = self.run(**values)
            upd = self.update(result, params)
            _check_update(upd, n_traces)
            name = _frame_name(index)
            frame = {"name": name, "data": upd.traces, "traces": list(range(n_traces)),
                     "layout": _layout_patch(fixed_annotations, upd)}
            moves_layout = moves_layout or bool(frame["layout"])  # annotations or title
            frames.append(frame)
            texts[name] = [upd.readout or "", self.caption_text(values, result, default_result)]
            if index == start:
                for trace, props in zip(base.data, upd.traces):
                    trace.update(props)
                base.update_layout(frame["layout"])
        ranges = _fix_ranges(base, frames, per_frame=self.axes == "frame")
        fig = base.to_dict()
        fig["frames"] = frames
        narrow, wide = _narrow_layout(fig, self.narrow_panel_height)
        state = {
            "start": list(start),
            "labels": [[p.format(v) for v in vals] for p, vals in zip(self.params, axes)],
            "texts": texts,
            "narrow": narrow,
            "wide": wide,
            "breakpoint": NARROW,
            "relayout": moves_layout,
            "ranges": ranges,
        }
        script = _SLIDER_SCRIPT.replace("__STATE__", json.dumps(state, separators=(",", ":")))
        return fig, script, state

    def static_html(self) -> str:
        """The explorer on the static page: labelled range inputs, a readout, the figure
        (with its alt text) and a caption that says what changed."""
        import uuid

        fig, script, state = self.static_page()
        div_id = f"ck-{uuid.uuid4().hex[:12]}"
        figure = display.to_book_html(fig, self.alt, post_script=script, data=list(self.data), div_id=div_id)
        readout, caption = state["texts"][_frame_name(state["start"])]
        return _controls_html(div_id, self.params, state, readout, caption, figure)

    # -- the live kernel ---------------------------------------------------------------
    def widget(self):
        """ipywidgets sliders over a figure; moving a slider re-runs the model once."""
        import ipywidgets as widgets

        sliders = {}
        for p in self.params:
            cls = widgets.IntSlider if p.is_int else widgets.FloatSlider
            label = p.label if not p.unit or p.unit in p.label else f"{p.label} ({p.unit})"
            sliders[p.name] = cls(
                value=p.default,
                min=p.min,
                max=p.max,
                step=p.step,
                description=label,
                continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="95%"),
            )
        base_annotations = [a.to_plotly_json() for a in self._base().layout.annotations]
        default_result, _ = self.run()
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
        readout = widgets.HTML(self.compute().readout or "")
        caption = widgets.HTML(self.caption_text({}, default_result, default_result))
        box = widgets.VBox(list(sliders.values()) + [readout, fig_widget if fig_widget is not None else output,
                                                     caption])
        box.timings = []  # seconds per update, for the benchmark

        def redraw(_change=None) -> None:
            t0 = time.perf_counter()
            values = {name: s.value for name, s in sliders.items()}
            result, params = self.run(**values)
            upd = self.update(result, params)
            if fig_widget is not None:
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
            readout.value = upd.readout or ""
            caption.value = self.caption_text(values, result, default_result)
            box.timings.append(time.perf_counter() - t0)

        for s in sliders.values():
            s.observe(redraw, names="value")
        box.sliders = sliders
        box.figure = fig_widget
        box.readout = readout
        box.caption = caption
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


def compare(label: str, now: float, default: float, fmt: str = "{:g}", unit: str = "") -> str:
    """``"output multiplier 1.80 → 2.10"`` (or ``"… unchanged at 1.80"``): one effect for a caption."""
    a, b = fmt.format(default), fmt.format(now)
    unit = f" {unit}" if unit else ""
    return f"{label} unchanged at {b}{unit}" if a == b else f"{label} {a} → {b}{unit}"


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


def _ghost_traces(fig: go.Figure, default: Update, spec: Sequence[int | tuple[int, ...]]) -> list[dict]:
    """The default run as faint traces: a dotted line for a line, a marker on each bar."""
    ghosts = []
    for item in spec:
        group = tuple(item) if isinstance(item, (tuple, list)) else (item,)
        src = fig.data[group[0]]
        props = default.traces[group[0]]
        x = props.get("x", src.x)
        ys = [default.traces[k].get("y", fig.data[k].y) for k in group]
        y = [sum(float(v or 0) for v in col) for col in zip(*ys)] if len(group) > 1 else list(ys[0])
        ghost = dict(x=list(x), y=y, name="default", legendgroup="default", showlegend=False,
                     hoverinfo="skip", xaxis=src.xaxis or "x", yaxis=src.yaxis or "y")
        if src.type == "bar":
            ghost.update(mode="markers", marker=GHOST_BAR, opacity=0.8)
        else:
            colour = (src.line.color if src.line and src.line.color else None) or "#777777"
            ghost.update(mode="lines", line=dict(GHOST_LINE, color=colour), opacity=GHOST_OPACITY)
        ghosts.append(ghost)
    if ghosts:
        # One legend entry for them all, drawn as they are: a faint dotted line (each in its series'
        # colour; grey here) and, if bars have ghosts, the dark tick on each bar.
        bars = any(g.get("mode") == "markers" for g in ghosts)
        entry = dict(x=[None], y=[None], name="default", legendgroup="default", showlegend=True, hoverinfo="skip",
                     mode="lines+markers" if bars else "lines", line=dict(GHOST_LINE, color="#777777"),
                     xaxis=ghosts[0]["xaxis"], yaxis=ghosts[0]["yaxis"])
        if bars:
            entry["marker"] = GHOST_BAR
        ghosts.append(entry)
    return ghosts


def _controls_html(div_id: str, params: Sequence[Param], state: dict, readout: str, caption: str,
                   figure: str) -> str:
    import html

    rows = []
    for i, (p, labels) in enumerate(zip(params, state["labels"])):
        k = state["start"][i]
        iid = f"{div_id}-p{i}"
        text = html.escape(labels[k], quote=True)
        rows.append(
            f'<div class="ck-control"><label for="{iid}">{html.escape(p.label)}</label>'
            # no name= attribute: Sphinx's search script sets every input[name="q"] on the page
            f'<div class="ck-row"><input type="range" class="ck-range" id="{iid}" data-param="{html.escape(p.name)}" '
            f'min="0" max="{len(labels) - 1}" step="1" value="{k}" aria-valuetext="{text}">'
            f'<output for="{iid}" id="{iid}-value">{text}</output></div></div>'
        )
    cap_id = f"{div_id}-caption"
    caption_html = f'<p class="ck-caption" id="{cap_id}" aria-live="polite">{html.escape(caption)}</p>'
    figure = figure.replace('<div role="figure"', f'<div role="figure" aria-describedby="{cap_id}"', 1)
    if "<figcaption" in figure:
        figure = figure.replace("<figcaption", caption_html + "<figcaption", 1)
    else:
        figure = figure.replace("</figure>", caption_html + "</figure>", 1) if "</figure>" in figure \
            else figure + caption_html
    return (
        f'<div class="ck-explorer" id="{div_id}-explorer">{_EXPLORER_CSS}'
        f'<div class="ck-controls" role="group" aria-label="Explorer controls">{"".join(rows)}</div>'
        f'<div class="ck-readout">{readout}</div>{figure}</div>'
    )


_EXPLORER_CSS = """<style>
.ck-explorer .ck-controls { display: grid; grid-template-columns: 1fr; gap: .5rem 1.5rem; margin: .5rem 0 .25rem; }
@media (min-width: 720px) { .ck-explorer .ck-controls { grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); } }
.ck-explorer .ck-control label { display: block; font-size: .9rem; line-height: 1.3; margin-bottom: .3rem; }
.ck-explorer .ck-row { display: flex; align-items: center; gap: .75rem; }
/* a long value ("0 (100m yuan a year per pair)") goes under its slider on a phone, not beside it */
@media (max-width: 600px) { .ck-explorer .ck-row { flex-wrap: wrap; row-gap: .1rem; }
  .ck-explorer .ck-row output { flex-basis: 100%; } }
.ck-explorer input.ck-range { flex: 1 1 auto; min-width: 0; width: 100%; height: 1.75rem; margin: 0;
  accent-color: #0072B2; cursor: pointer; }
.ck-explorer input.ck-range:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; border-radius: 3px; }
.ck-explorer output { flex: 0 0 auto; min-width: 5.5rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.ck-explorer .ck-readout { font-size: .9rem; line-height: 1.45; color: #444; margin: .35rem 0 0; }
.ck-explorer .ck-caption { font-size: .95rem; line-height: 1.4; margin: .25rem 0 .1rem; }
.ck-explorer figure.ck-figure { margin: .25rem 0 0; }
</style>"""


# Runs once after plotly has drawn the figure. The range inputs above the figure pick the
# frame named after their positions; below the breakpoint the panels stack. `{plot_id}` is
# filled in by plotly.io.to_html.
_SLIDER_SCRIPT = """
(function () {
  var gd = document.getElementById('{plot_id}');
  if (!gd || !window.Plotly) { return; }
  var S = __STATE__;
  var root = document.getElementById('{plot_id}-explorer') || gd.parentNode;
  var inputs = root.querySelectorAll('input.ck-range');
  var narrow = null;
  function show() {
    // Looked up here: this script runs while the page is still parsing what follows the plot.
    var readout = root.querySelector('.ck-readout');
    var caption = root.querySelector('.ck-caption');
    var idx = [];
    for (var i = 0; i < inputs.length; i++) {
      var k = parseInt(inputs[i].value, 10);
      idx.push(k);
      var text = S.labels[i][k];
      inputs[i].setAttribute('aria-valuetext', text);
      var out = document.getElementById(inputs[i].id + '-value');
      if (out) { out.textContent = text; }
    }
    var name = 'f' + idx.join('_');
    var t = S.texts[name];
    if (t) {
      if (readout) { readout.innerHTML = t[0]; }
      if (caption) { caption.textContent = t[1]; }
    }
    draw(name);
  }
  // One animation at a time: a key held down would interrupt plotly's animations (and
  // reject their promises); the latest position wins.
  var busy = false, pending = null;
  function draw(name) {
    if (busy) { pending = name; return; }
    busy = true;
    var after = function () {
      var patch = S.ranges[name] || null;
      if (S.relayout && narrow) {
        patch = Object.assign({}, S.narrow, patch || {});
        // the narrow layout carries the default run's title: keep the title of the run now shown
        var now = gd.layout.title && gd.layout.title.text;
        if (now) { patch['title.text'] = wrap(String(now).replace(/<br>/g, ' '), 34); }
      }
      var next = function () {
        busy = false;
        if (pending) { var queued = pending; pending = null; draw(queued); }
      };
      if (patch) { Plotly.relayout(gd, patch).then(next, next); } else { next(); }
    };
    Plotly.animate(gd, [name], {mode: 'immediate', frame: {duration: 0, redraw: true},
                                transition: {duration: 0}}).then(after, after);
  }
  for (var i = 0; i < inputs.length; i++) { inputs[i].addEventListener('input', show); }
  function fit() {
    var w = root.clientWidth || gd.clientWidth;
    var now = w > 0 && w < S.breakpoint;
    if (now === narrow) { return; }
    var first = narrow === null;
    narrow = now;
    if (first && !now) { tidy(); return; }  // drawn wide already
    var lay = now ? S.narrow : S.wide;
    // plotly.io sized the plot's wrapper for the wide layout: follow the new height.
    if (gd.parentNode && lay.height) { gd.parentNode.style.height = lay.height + 'px'; }
    Plotly.relayout(gd, lay).then(tidy);
  }
  function wrap(text, width) {
    var out = [], line = '';
    text.split(' ').forEach(function (word) {
      if (line && line.length + 1 + word.length > width) { out.push(line); line = word; }
      else { line = line ? line + ' ' + word : word; }
    });
    out.push(line);
    return out.join('<br>');
  }
  // Text widths differ between browsers: wrap a title wider than the figure, then make room
  // if the legend reaches the title.
  function tidy() {
    var title = gd.querySelector('.gtitle');
    if (!title) { return; }
    var text = (narrow ? S.narrow : S.wide)['title.text'] || '';
    var avail = gd.clientWidth - 24, tw = title.getBoundingClientRect().width;
    if (text && tw > avail && text.indexOf('<br>') < 0) {
      var chars = Math.max(20, Math.floor(text.length * avail / tw) - 2);
      Plotly.relayout(gd, {'title.text': wrap(text, chars)}).then(clear);
    } else { clear(); }
  }
  function clear() {
    var title = gd.querySelector('.gtitle'), legend = gd.querySelector('.legend');
    if (!title || !legend) { return; }
    var overlap = title.getBoundingClientRect().bottom + 6 - legend.getBoundingClientRect().top;
    var L = gd._fullLayout;
    if (overlap <= 0) { return; }
    var more = Math.ceil(overlap), t = L.margin.t + more, h = L.height + more;
    if (gd.parentNode) { gd.parentNode.style.height = h + 'px'; }
    Plotly.relayout(gd, {'margin.t': t, height: h});
  }
  fit();
  window.addEventListener('resize', fit);
})();
"""


def _fix_ranges(base: go.Figure, frames: Sequence[dict], per_frame: bool = False) -> dict[str, dict]:
    """Fix each numeric cartesian axis the figure left on autorange to the range of its data.

    ``per_frame=False``: one range over all frames, the default run and the reference lines:
    the axes never jump (a jump reads as a change in the data) and waste no space.
    ``per_frame=True``: each frame gets y ranges fitted to itself and the default run, the top
    rounded up to a 1–2–5 step so it changes seldom; for models whose extremes dwarf their
    defaults. Returned as ``{frame name: {"yaxis.range": [...], ...}}`` for ``Plotly.relayout``
    (plotly's animate cannot move an axis in zero time). ``rangemode="tozero"`` keeps zero in view.
    """
    free = {}
    for key in base.layout:
        if key.startswith(("xaxis", "yaxis")):
            axis = base.layout[key]
            if axis.range is None and axis.type not in ("category", "date", "log", "multicategory"):
                free[key] = axis
    bars: set[str] = set()
    for trace in base.data:
        if trace.type == "bar":
            bars.update({_axis_of(trace, "x"), _axis_of(trace, "y")})
    fixed = _Spans()
    for trace in base.data:  # the start frame, the ghosts and anything no frame changes
        fixed.add_trace(trace, {"x": trace.x, "y": trace.y})
    for shape in base.layout.shapes or ():
        for letter in ("x", "y"):
            ref = getattr(shape, f"{letter}ref", None)
            if ref and "domain" not in ref and ref != "paper" and shape.type == "line":
                fixed.add(ref.replace(letter, f"{letter}axis", 1), [getattr(shape, f"{letter}0"), getattr(shape, f"{letter}1")])
    n_traces = len(frames[0]["data"]) if frames else len(base.data)

    def fitted(spans: "_Spans", nice: bool) -> dict:
        out = {}
        for axis, (lo, hi) in spans.spans.items():
            if axis not in free:
                continue
            zero = axis in bars or free[axis].rangemode == "tozero"
            if zero:
                lo, hi = min(lo, 0.0), max(hi, 0.0)
            pad = 0.06 * (hi - lo) if hi > lo else (abs(hi) * 0.1 or 1.0)
            top = hi + pad if not (zero and hi == 0) else 0.0
            if nice and top > 0:
                top = _nice_ceiling(top)
            out[axis] = [lo - pad if not (zero and lo == 0) else 0.0, top]
        return out

    if not per_frame:
        spans = fixed.copy()
        for frame in frames:
            spans.add_frame(base, frame)
        for axis, rng in fitted(spans, nice=False).items():
            base.layout[axis].update(range=rng, autorange=False)
        return {}
    # x axes (time, categories) stay put over all frames; each frame fits its y axes.
    every = fixed.copy()
    for frame in frames:
        every.add_frame(base, frame)
    for axis, rng in fitted(every, nice=False).items():
        if axis.startswith("x"):
            base.layout[axis].update(range=rng, autorange=False)
    ghosts = _Spans()
    for trace in base.data[n_traces:]:
        ghosts.add_trace(trace, {"x": trace.x, "y": trace.y})
    for axis, span in fixed.spans.items():
        if axis.startswith("y"):
            ghosts.add(axis, span)  # reference lines stay in view
    ranges = {}
    for frame in frames:
        spans = ghosts.copy()
        spans.add_frame(base, frame)
        ranges[frame["name"]] = {f"{axis}.range": rng for axis, rng in fitted(spans, nice=True).items()
                                 if axis.startswith("y")}
    for axis, rng in fitted(fixed, nice=True).items():
        if axis.startswith("y"):
            base.layout[axis].update(range=rng, autorange=False)
    return ranges


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 × 10^k at or above ``value``."""
    k = 10 ** math.floor(math.log10(value))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * k >= value - 1e-12:
            return m * k
    return 10 * k


def _axis_of(trace, letter: str) -> str:
    ref = getattr(trace, f"{letter}axis", None) or letter
    return ref.replace(letter, f"{letter}axis", 1)


class _Spans:
    """The smallest and largest value seen on each axis."""

    def __init__(self) -> None:
        self.spans: dict[str, list[float]] = {}

    def copy(self) -> "_Spans":
        other = _Spans()
        other.spans = {k: list(v) for k, v in self.spans.items()}
        return other

    def add(self, axis: str, values) -> None:
        if values is None:
            return
        try:
            arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
        except (TypeError, ValueError):
            return
        arr = arr[np.isfinite(arr)]
        if arr.size == 0:
            return
        lo, hi = float(arr.min()), float(arr.max())
        span = self.spans.setdefault(axis, [lo, hi])
        span[0], span[1] = min(span[0], lo), max(span[1], hi)

    def add_trace(self, trace, props: Mapping) -> None:
        for letter in ("x", "y"):
            if props.get(letter) is not None:
                self.add(_axis_of(trace, letter), props[letter])

    def add_frame(self, base: go.Figure, frame: Mapping) -> None:
        indices = frame.get("traces") or range(len(frame["data"]))
        for i, props in zip(indices, frame["data"]):
            self.add_trace(base.data[i], props)


# -- narrow screens ---------------------------------------------------------------------
def _wrap(text: str, width: int) -> str:
    """Break a plotly text at spaces into lines of at most ``width`` characters (``<br>``)."""
    out = []
    for part in str(text).split("<br>"):
        line = ""
        for word in part.split(" "):
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return "<br>".join(out)


def _get(d: Any, path: str) -> Any:
    for part in path.replace("]", "").replace("[", ".").split("."):
        if isinstance(d, list):
            d = d[int(part)] if int(part) < len(d) else None
        elif isinstance(d, dict):
            d = d.get(part)
        else:
            return None
        if d is None:
            return None
    return d


def _narrow_layout(fig: dict, panel_px: int) -> tuple[dict, dict]:
    """Two ``Plotly.relayout`` updates: one column of panels for a phone, and back.

    Panels (x/y axis pairs) are ordered top to bottom, then left to right, and stacked;
    subplot titles follow their panels; the title and subplot titles wrap; the legend
    sits above the first panel with room for as many rows as it needs.
    """
    layout = fig["layout"]
    panels = []
    for key, axis in layout.items():
        if key.startswith("xaxis") and isinstance(axis, dict) and "domain" in axis:
            yname = axis.get("anchor", "y")
            ykey = yname.replace("y", "yaxis", 1)
            if ykey in layout and "domain" in layout[ykey]:
                panels.append((key, ykey, axis["domain"], layout[ykey]["domain"]))
    panels.sort(key=lambda p: (-p[3][1], p[2][0]))
    n = max(len(panels), 1)
    title = _get(layout, "title.text") or ""
    title_lines = _wrap(title, 34).count("<br>") + 1
    names = []
    for t in fig["data"]:
        if t.get("showlegend", True) is not False and t.get("name") and t.get("name") not in names:
            names.append(t["name"])
    # Two legend entries a row if the names are short, else one: plotly's own wrapping
    # depends on text widths this side cannot know, and a legend row too many hits the title.
    cols = 2 if names and max(len(n) for n in names) <= 15 else 1
    rows = math.ceil(len(names) / cols)
    legend_px = rows * 28 + 6 if len(names) > 1 else 0
    annotations = layout.get("annotations", [])
    titles: dict[int, int] = {}  # panel -> index of its subplot title (make_subplots centres them over it)
    for i, (xkey, ykey, xdom, ydom) in enumerate(panels):
        for k, a in enumerate(annotations):
            if a.get("xref") == "paper" and a.get("yref") == "paper" and a.get("yanchor") == "bottom" \
                    and abs(a.get("x", -1) - (xdom[0] + xdom[1]) / 2) < 0.01 and abs(a.get("y", -1) - ydom[1]) < 0.01:
                titles[i] = k
    lines = {i: _wrap(annotations[k].get("text", ""), 40).count("<br>") + 1 for i, k in titles.items()}
    above = [18 * lines.get(i, 0) for i in range(len(panels))] or [0]  # px of subplot title over each panel
    gap = 92  # the x axis title and ticks of the panel above
    # words as tick labels (link names, sectors) stand upright on a phone: room for them under their panel
    words = {}
    for i, (xkey, _, _, _) in enumerate(panels):
        labels = [str(t) for t in (layout.get(xkey, {}).get("ticktext") or []) if isinstance(t, str)]
        longest = max((max(len(part) for part in t.split("<br>")) for t in labels), default=0)
        words[i] = max(0, 7 * longest - 24)
    modebar = 30  # the title starts below plotly's toolbar, which a touch screen shows
    top = modebar + 21 * title_lines + 14 + legend_px + 16 + above[0]
    bottom = 64
    plot = n * panel_px + sum(gap + words[i - 1] + above[i] for i in range(1, len(panels)))
    narrow: dict = {
        "height": top + plot + bottom,
        "margin.t": top, "margin.b": bottom, "margin.l": 58, "margin.r": 14,
        "title.text": _wrap(title, 34), "title.font.size": 15, "title.x": 0.02, "title.xanchor": "left",
        "title.xref": "container", "title.y": 1, "title.yref": "container", "title.yanchor": "top",
        "title.pad.t": modebar,
    }
    if legend_px:
        narrow.update({"legend.orientation": "h", "legend.x": 0, "legend.xanchor": "left",
                       "legend.y": 1 + (above[0] + 10) / plot, "legend.yanchor": "bottom", "legend.font.size": 12,
                       "legend.entrywidthmode": "fraction", "legend.entrywidth": round(1 / cols - 0.01, 2)})
    y = plot  # px from the bottom of the plot area to the top of the next panel
    for i, (xkey, ykey, xdom, ydom) in enumerate(panels):
        if i:
            y -= gap + words[i - 1] + above[i]
        hi, lo = y / plot, (y - panel_px) / plot
        y -= panel_px
        narrow[f"{xkey}.domain"] = [0, 1]
        narrow[f"{ykey}.domain"] = [round(max(lo, 0), 4), round(min(hi, 1), 4)]
        narrow[f"{ykey}.title.font.size"] = 12
        narrow[f"{xkey}.title.font.size"] = 12
        if i in titles:
            k = titles[i]
            narrow[f"annotations[{k}].x"] = 0.5
            narrow[f"annotations[{k}].y"] = round(min(hi, 1), 4)
            narrow[f"annotations[{k}].text"] = _wrap(annotations[k].get("text", ""), 40)
            narrow[f"annotations[{k}].font.size"] = 13
    wide = {key: _get(layout, key) for key in narrow}
    return narrow, wide
