"""One plotting style for the whole course.

A plotly template (``"clusterkit"``) layered on ``plotly_white``: the Okabe–Ito palette,
which stays distinguishable under the common forms of colour-vision deficiency
(Okabe & Ito 2008, *Color Universal Design*), system fonts with CJK fallbacks (the book serves Noto Sans SC only
to readers whose system has no Chinese font), and readable sizes. Importing :mod:`clusterkit` makes it the default.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

#: Okabe–Ito colours, ordered so that the first few have good contrast on white
#: (yellow, the weakest on white, comes last).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
#: Named roles, so that chapters mean the same thing by the same colour.
COLORS: dict[str, str] = {
    "primary": PALETTE[0],
    "secondary": PALETTE[1],
    "positive": PALETTE[2],
    "negative": PALETTE[3],
    "accent": PALETTE[4],
    "muted": "#6B6B6B",
    "reference": "#444444",
}
#: A sequential scale (blue) that prints in grey and survives colour-blindness.
SEQUENTIAL: list[list[float | str]] = [
    [0.0, "#F1F7FB"],
    [0.5, "#56B4E9"],
    [1.0, "#0B3C5D"],
]
FONT_FAMILY = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
    "'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', "
    "'Noto Sans SC', sans-serif"
)
TEMPLATE_NAME = "clusterkit"


def template() -> go.layout.Template:
    """Return the course's plotly template (without registering it)."""
    return go.layout.Template(
        layout=dict(
            colorway=list(PALETTE),
            font=dict(family=FONT_FAMILY, size=14, color="#222222"),
            title=dict(font=dict(size=18), x=0.012, xanchor="left", xref="container"),
            margin=dict(l=70, r=30, t=70, b=60),
            hoverlabel=dict(font=dict(family=FONT_FAMILY, size=13)),
            legend=dict(bgcolor="rgba(255,255,255,0.8)"),
            colorscale=dict(sequential=SEQUENTIAL),
        )
    )


def apply() -> None:
    """Register the template and make ``plotly_white+clusterkit`` the default."""
    pio.templates[TEMPLATE_NAME] = template()
    pio.templates.default = f"plotly_white+{TEMPLATE_NAME}"
