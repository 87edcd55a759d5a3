"""Showing figures: one call that works in the built book, in Jupyter, Binder and Colab.

Where the code runs decides how a figure is shown:

* ``book`` — the Jupyter Book build sets ``CLUSTERKIT_BOOK=1``. A figure becomes a piece
  of HTML that draws itself with the plotly.js the book serves (no library inlined, no CDN),
  wrapped with its alt text for screen readers.
* ``grading`` — the instructor's grader sets ``CLUSTERKIT_GRADING=1``; figures are not
  drawn at all (answers are graded, pictures are not), which keeps grading fast.
* ``live`` — anywhere else: plotly's own renderer for the front end in use.
"""
from __future__ import annotations

import html
import os
import uuid
from typing import Literal, Sequence

import plotly.graph_objects as go
import plotly.io as pio

Mode = Literal["book", "grading", "live"]

#: plotly.js options for every figure of the course (``show``, explorers, a bare ``fig.show()``
#: in the book). The modebar keeps download-as-PNG, zoom, pan and reset; plotly.js's
#: "Share chart..." button, which uploads the figure to Plotly's cloud, is off (plotly.js
#: shows it unless ``showSendToCloud`` is false).
PLOT_CONFIG: dict = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendChartToCloud"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
#: Trace types plotly.js needs to draw a figure, on its ``<figure>`` for the book's build to
#: choose the smallest plotly.js bundle for the page (book/_ext/course_assets.py).
TRACES_ATTR = "data-ck-traces"
BOOK_RENDERER = "clusterkit_book"
#: Where a chapter page finds the dataset pages (chapters live in notebooks/).
DATA_PAGES = "../book/data/"


#: Run after every course figure is drawn (and redrawn): a label written by a marker (a
#: ``markers+text`` trace: a timeline's key events, a map's place names) that would overlap a label
#: already shown, or run off the figure, is hidden; its text stays in the marker's hover. The
#: labels come in trace order, so a figure puts its most important labels first. At 1280 px
#: nothing is hidden on the course's figures; on a phone the less important labels give way.
DECLUTTER_SCRIPT = """
(function () {
  var gd = document.getElementById('{plot_id}');
  if (!gd || !gd.on) { return; }
  function declutter() {
    var box = gd.getBoundingClientRect(), kept = [];
    var nodes = gd.querySelectorAll('.scatterlayer .textpoint text');
    for (var i = 0; i < nodes.length; i++) {
      var t = nodes[i];
      t.style.display = '';
      if (!t.textContent) { continue; }
      var b = t.getBoundingClientRect();
      if (!b.width) { continue; }
      // a glyph's box has a little air around the ink: a touch of the boxes is not an overlap
      var r = {left: b.left + 2, right: b.right - 2, top: b.top + 2, bottom: b.bottom - 2};
      var out = b.left < box.left - 1 || b.right > box.right + 1;
      var hit = kept.some(function (k) {
        return !(r.right <= k.left || r.left >= k.right || r.bottom <= k.top || r.top >= k.bottom);
      });
      if (out || hit) { t.style.display = 'none'; t.setAttribute('data-ck-hidden', '1'); }
      else { t.removeAttribute('data-ck-hidden'); kept.push(r); }
    }
  }
  gd.on('plotly_afterplot', declutter);
  declutter();
})();
"""
#: For a figure that is not an explorer (explorers fit their own titles): a title wider than the
#: figure (a phone) is wrapped, and the figure grows by the extra lines so that nothing moves
#: onto the plot; it unwraps when the figure is wide again.
TITLE_SCRIPT = """
(function () {
  var gd = document.getElementById('{plot_id}');
  if (!gd || !gd._fullLayout) { return; }
  var L0 = gd._fullLayout, text0 = (gd.layout.title && gd.layout.title.text) || '';
  var top0 = L0.margin.t, h0 = L0.height, width = -1, busy = false;
  if (!text0 || text0.indexOf('<br>') >= 0) { return; }
  function wrap(text, chars) {
    var out = [], line = '';
    text.split(' ').forEach(function (word) {
      if (line && line.length + 1 + word.length > chars) { out.push(line); line = word; }
      else { line = line ? line + ' ' + word : word; }
    });
    out.push(line);
    return out;
  }
  function size(h) {
    gd.style.height = h + 'px';
    if (gd.parentNode) { gd.parentNode.style.minHeight = h + 'px'; }
  }
  function measure() {
    var el = gd.querySelector('.gtitle'), avail = gd.clientWidth - 24;
    if (!el) { busy = false; return; }
    var tw = el.getBoundingClientRect().width;
    if (tw <= avail) { busy = false; return; }
    var lines = wrap(text0, Math.max(16, Math.floor(text0.length * avail / tw) - 2));
    var extra = Math.ceil((lines.length - 1) * gd._fullLayout.title.font.size * 1.3);
    size(h0 + extra);
    Plotly.relayout(gd, {'title.text': lines.join('<br>'), 'margin.t': top0 + extra, height: h0 + extra})
      .then(function () { busy = false; }, function () { busy = false; });
  }
  function fit() {
    if (busy || gd.clientWidth === width) { return; }
    width = gd.clientWidth;
    busy = true;
    if ((gd.layout.title.text || '') !== text0) {
      size(h0);
      Plotly.relayout(gd, {'title.text': text0, 'margin.t': top0, height: h0}).then(measure, measure);
    } else { measure(); }
  }
  fit();
  window.addEventListener('resize', function () { setTimeout(fit, 100); });
})();
"""


#: For a figure of several panels (subplots) that is not an explorer: below ``explore.NARROW`` px
#: the panels stack in one column, their titles wrapped (the layouts of ``explore._narrow_layout``,
#: the same as an explorer's), and go back side by side on a wide screen. ``%s`` is the layouts.
STACK_SCRIPT = """
(function () {
  var gd = document.getElementById('{plot_id}');
  if (!gd) { return; }
  var S = %s, narrow = null;
  // plotly.io fixed the wrapper's height for the wide layout: it follows the plot's, or the plot
  // runs over the caption and the paragraphs below (Ch2's four stacked panels did on a phone)
  function size(h) {
    gd.style.height = h + 'px';
    if (gd.parentNode) { gd.parentNode.style.height = h + 'px'; gd.parentNode.style.minHeight = h + 'px'; }
  }
  // A wide title that is still wider than the figure wraps once, and the wide layout keeps it.
  function tidy() {
    var el = gd.querySelector('.gtitle'), L = gd._fullLayout, text = gd.layout.title.text || '';
    if (!el || narrow || text.indexOf('<br>') >= 0) { return; }
    var avail = gd.clientWidth - 24, tw = el.getBoundingClientRect().width;
    if (tw <= avail) { return; }
    var chars = Math.max(16, Math.floor(text.length * avail / tw) - 2), out = [], line = '';
    text.split(' ').forEach(function (word) {
      if (line && line.length + 1 + word.length > chars) { out.push(line); line = word; }
      else { line = line ? line + ' ' + word : word; }
    });
    out.push(line);
    var extra = Math.ceil((out.length - 1) * L.title.font.size * 1.3);
    S.wide['title.text'] = out.join('<br>');
    S.wide['margin.t'] = L.margin.t + extra;
    S.wide.height = L.height + extra;
    size(S.wide.height);
    Plotly.relayout(gd, {'title.text': S.wide['title.text'], 'margin.t': S.wide['margin.t'], height: S.wide.height});
  }
  function fit() {
    var w = (gd.parentNode && gd.parentNode.clientWidth) || gd.clientWidth;
    var now = w > 0 && w < S.breakpoint;
    if (now === narrow) { return; }
    var first = narrow === null;
    narrow = now;
    if (first && !now) { tidy(); return; }
    var lay = now ? S.narrow : S.wide;
    size(lay.height);
    Plotly.relayout(gd, lay).then(function () { if (!now) { tidy(); } });
  }
  fit();
  window.addEventListener('resize', fit);
})();
"""
#: Height of one panel of a stacked figure on a phone, px.
STACKED_PANEL_PX = 300


def _panels(fig: dict) -> int:
    layout = fig.get("layout", {})
    return sum(1 for k, v in layout.items() if k.startswith("xaxis") and isinstance(v, dict) and "domain" in v)


def _fit_script(fig: go.Figure | dict) -> str:
    """The script that fits a figure that is not an explorer to a narrow screen."""
    import json

    from . import explore

    plain = fig if isinstance(fig, dict) else fig.to_plotly_json()
    if _panels(plain) < 2:
        return TITLE_SCRIPT
    narrow, wide = explore._narrow_layout(plain, STACKED_PANEL_PX)
    return STACK_SCRIPT % json.dumps({"narrow": narrow, "wide": wide, "breakpoint": explore.NARROW})


class FigureError(ValueError):
    """A figure misses something every course figure must have."""


def mode() -> Mode:
    """Where this code is running, as set by the build or the grader."""
    if os.environ.get("CLUSTERKIT_GRADING") == "1":
        return "grading"
    if os.environ.get("CLUSTERKIT_BOOK") == "1":
        return "book"
    return "live"


def require_labels(fig: go.Figure, alt: str) -> None:
    """Refuse a figure without a title, axis titles or alt text (the course's plot standard)."""
    problems = []
    if not (fig.layout.title and fig.layout.title.text):
        problems.append("a title (fig.update_layout(title=...))")
    if not alt or not alt.strip():
        problems.append("alt text describing what the figure shows (alt=...)")
    for name in fig.layout:
        if (name.startswith("xaxis") or name.startswith("yaxis")):
            axis = fig.layout[name]
            if axis.visible is False or axis.showticklabels is False:
                continue
            if not (axis.title and axis.title.text):
                problems.append(f"a title with units on {name}")
    if problems:
        raise FigureError("This figure needs " + "; ".join(problems) + ".")


def credit(names: str | Sequence[str] | None) -> tuple[str, str]:
    """The data credit under a figure, as (plain text, HTML with links to the dataset pages)."""
    if not names:
        return "", ""
    from . import data

    if isinstance(names, str):
        names = [names]
    texts, links = [], []
    for name in names:
        sheet = data.datasheet(name)
        flag = " — illustrative, made-up data" if sheet.illustrative else ""
        titles = [src.get("title", key) for key, src in sheet.sources.items()]
        sources = "; ".join(titles) if len(titles) <= 2 else f"{len(titles)} sources listed on the dataset's page"
        texts.append(f"{sheet.title} ({name}){flag}. Sources: {sources}.")
        links.append(
            f'<a href="{DATA_PAGES}{html.escape(name)}.html">{html.escape(sheet.title)}</a> '
            f"(<code>{html.escape(name)}</code>){html.escape(flag)}. Sources: {html.escape(sources)}."
        )
    return "Data: " + " ".join(texts), "Data: " + " ".join(links)


def to_book_html(
    fig: go.Figure | dict,
    alt: str,
    post_script: str | None = None,
    div_id: str | None = None,
    data: str | Sequence[str] | None = None,
) -> str:
    """The HTML of a figure for the book: a ``<figure>`` with alt text and its data credit,
    no plotly.js inside.

    ``fig`` may be a plain dict (already checked), which skips plotly's slow validation.
    """
    div_id = div_id or f"ck-{uuid.uuid4().hex[:12]}"
    scripts = [post_script or _fit_script(fig), DECLUTTER_SCRIPT]
    body = pio.to_html(
        fig,
        config=PLOT_CONFIG,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        post_script=scripts,
        div_id=div_id,
        auto_play=False,
        validate=not isinstance(fig, dict),
    )
    label = html.escape(alt, quote=True)
    source = credit(data)[1]
    caption = f'<figcaption class="ck-source">{source}</figcaption>' if source else ""
    traces = " ".join(trace_types(fig))
    return (
        f'<figure class="ck-figure" {TRACES_ATTR}="{traces}"><div role="figure" aria-label="{label}">{body}</div>'
        f"{caption}</figure>"
    )


def trace_types(fig: go.Figure | dict) -> list[str]:
    """The trace types a figure draws (a frame's trace that names no type updates one of them), sorted."""
    if isinstance(fig, dict):
        types = {t.get("type") or "scatter" for t in fig.get("data", [])}
        types |= {t["type"] for frame in fig.get("frames") or [] for t in frame.get("data") or [] if t.get("type")}
    else:
        types = {t.type for t in fig.data} | {t.type for frame in fig.frames for t in frame.data or () if t.type}
    return sorted(types)


class _Html:
    """An object Jupyter displays as HTML only (myst-nb keeps exactly this output)."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup


#: Width of a character of an axis title, px (the course template's 13–14 px sans-serif, on average).
AXIS_CHAR_PX = 7.5


def fit_axis_titles(fig: go.Figure) -> go.Figure:
    """Wrap a y-axis title longer than its panel is tall (rotated, it would run over the figure's
    title or off the bottom) into lines that fit, at spaces (``<br>``); the left margin is
    left to plotly (``automargin``)."""
    height = fig.layout.height or 450
    margin = fig.layout.margin
    plot_px = height - (margin.t if margin.t is not None else 100) - (margin.b if margin.b is not None else 80)
    for name in fig.layout:
        if not name.startswith("yaxis"):
            continue
        axis = fig.layout[name]
        text = axis.title.text if axis.title else None
        if not text or "<br>" in text:
            continue
        lo, hi = axis.domain if axis.domain else (0, 1)
        chars = max(12, int(plot_px * (hi - lo) / AXIS_CHAR_PX))
        if len(text) > chars:
            from .explore import _wrap

            axis.title.text = _wrap(text, chars)
            axis.automargin = True
    return fig


def show(fig: go.Figure, alt: str, data: str | Sequence[str] | None = None, glue: str | None = None) -> None:
    """Display a course figure.

    ``alt`` is what a screen reader says instead of the picture; ``data`` names the
    dataset(s) drawn, credited under the figure with their sources (and flagged if illustrative).

    ``glue="ch04_hook"`` places the figure elsewhere on the page: in the book it is glued
    (not displayed where the cell is) and a ```` ```{glue} ch04_hook ```` block in the text
    shows it — a chapter's opening picture sits above the set-up cell that makes it. In
    Jupyter, Binder and Colab the figure is shown under the cell as usual.
    """
    from IPython.display import display

    require_labels(fig, alt)
    current = mode()
    if current == "grading":
        return
    fit_axis_titles(fig)
    if current == "book":
        markup = _Html(to_book_html(fig, alt, data=data))
        if glue:
            from myst_nb import glue as _glue

            _glue(glue, markup, display=False)
        else:
            display(markup)
    else:
        fig.show(config=PLOT_CONFIG)
        if data:
            print(credit(data)[0])


def glue(name: str, value, display: bool = False):
    """Make ``value`` available to the chapter's text as ``{glue:text}`name```.

    In the book build this is myst-nb's ``glue``; elsewhere (Binder, Colab, the grader) it
    does nothing. Returns the value, so a number shown in prose is computed from the data.
    Call it in a cell tagged ``remove-cell``: the build runs the cell, the page leaves it out.
    """
    if mode() != "book":  # myst-nb (Sphinx with it) takes 1–2 s to import: only the build needs it
        return value
    try:
        from myst_nb import glue as _glue
    except ImportError:
        return value
    plain = value.item() if hasattr(value, "item") else value  # numpy scalar -> Python number
    _glue(name, plain, display=display)
    return value


def register_renderer() -> None:
    """In the book, make a bare ``fig.show()`` emit HTML too (plotly's default JSON is dropped)."""
    if mode() != "book":
        return  # plotly picks the right renderer for Jupyter, Colab or VS Code by itself
    from plotly.io._base_renderers import HtmlRenderer

    pio.renderers[BOOK_RENDERER] = HtmlRenderer(
        connected=False, full_html=False, include_plotlyjs=False, config=PLOT_CONFIG
    )
    pio.renderers.default = BOOK_RENDERER
