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
from typing import Literal

import plotly.graph_objects as go
import plotly.io as pio
from plotly.io._base_renderers import HtmlRenderer

Mode = Literal["book", "grading", "live"]

#: plotly.js options for every figure of the course.
PLOT_CONFIG: dict = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
BOOK_RENDERER = "clusterkit_book"


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


def to_book_html(fig: go.Figure, alt: str, post_script: str | None = None, div_id: str | None = None) -> str:
    """The HTML of a figure for the book: a ``<figure>`` with alt text, no plotly.js inside."""
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
    )
    label = html.escape(alt, quote=True)
    return (
        f'<figure class="ck-figure" role="img" aria-label="{label}">{body}'
        f'<figcaption class="ck-alt">{html.escape(alt)}</figcaption></figure>'
    )


class _Html:
    """An object Jupyter displays as HTML only (myst-nb keeps exactly this output)."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup


def show(fig: go.Figure, alt: str) -> None:
    """Display a course figure; ``alt`` is what a screen reader says instead of the picture."""
    from IPython.display import display

    require_labels(fig, alt)
    current = mode()
    if current == "grading":
        return
    if current == "book":
        display(_Html(to_book_html(fig, alt)))
    else:
        fig.show(config=PLOT_CONFIG)


def register_renderer() -> None:
    """In the book, make a bare ``fig.show()`` emit HTML too (plotly's default JSON is dropped)."""
    pio.renderers[BOOK_RENDERER] = HtmlRenderer(
        connected=False, full_html=False, include_plotlyjs=False, config=PLOT_CONFIG
    )
    if mode() == "book":
        pio.renderers.default = BOOK_RENDERER
