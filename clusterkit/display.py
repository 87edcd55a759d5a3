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
    body = pio.to_html(
        fig,
        config=PLOT_CONFIG,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        post_script=post_script,
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


def show(fig: go.Figure, alt: str, data: str | Sequence[str] | None = None) -> None:
    """Display a course figure.

    ``alt`` is what a screen reader says instead of the picture; ``data`` names the
    dataset(s) drawn, credited under the figure with their sources (and flagged if illustrative).
    """
    from IPython.display import display

    require_labels(fig, alt)
    current = mode()
    if current == "grading":
        return
    if current == "book":
        display(_Html(to_book_html(fig, alt, data=data)))
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
