"""Chapter 2 explorer: a licence requirement consolidates a town of workshops; ties spread a practice.

Runs :func:`clusterkit.models.licensing.licensing_scenario` on the illustrative town of
workshops (``02_firms_illustrative``). Two parameters:

* ``stringency`` — the quality score (0–100) a firm needs for a licence (0 = no licensing);
* ``radius`` — how far (km) workshops collaborate: the density of the collaboration network.

Panels: firms by status over the years after licensing; concentration (HHI); average
quality; and the share of workshops that have adopted a better practice, month by month.
"""
from __future__ import annotations

import functools
import math
from typing import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..explore import Explorer, Param, Update, compare
from ..models import licensing
from ..style import COLORS

YEARS = 12
HORIZON = 48  # months of diffusion shown
HEIGHT, TOP, BOTTOM = 700, 110, 70
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@functools.lru_cache(maxsize=1)
def firms() -> licensing.Firms:
    """The illustrative town of workshops (loaded once)."""
    return licensing.load_firms()


def model(stringency: float, radius: float) -> licensing.LicensingResult:
    """The licensing scenario on the course's illustrative town (seed 0)."""
    return licensing.licensing_scenario(firms(), stringency, radius, years=YEARS, horizon=HORIZON, seed=0)


def figure() -> go.Figure:
    """Axes, titles, units and reference lines; the data come from :func:`update`."""
    n = len(firms())
    years = list(range(YEARS + 1))
    fig = make_subplots(
        rows=2, cols=2, vertical_spacing=0.2, horizontal_spacing=0.17,
        subplot_titles=("Firms by status", "Concentration (HHI)",
                        "Average quality", "Spread of a better practice"),
    )
    line = dict(mode="lines+markers", marker=dict(size=5))
    for name, colour in (("independent", COLORS["primary"]), ("absorbed into groups", COLORS["positive"]),
                         ("exited", COLORS["negative"])):
        fig.add_trace(go.Scatter(x=years, y=[0] * len(years), name=name, line=dict(color=colour, width=2.5),
                                 hovertemplate="year %{x}: %{y} firms<extra>" + name + "</extra>", **line),
                      row=1, col=1)
    fig.add_trace(go.Scatter(x=years, y=[0] * len(years), name="HHI", showlegend=False,
                             line=dict(color=COLORS["accent"], width=2.5),
                             hovertemplate="year %{x}: HHI %{y:,.0f}<extra></extra>", **line), row=1, col=2)
    fig.add_trace(go.Scatter(x=years, y=[0] * len(years), name="average quality", showlegend=False,
                             line=dict(color=COLORS["secondary"], width=2.5),
                             hovertemplate="year %{x}: quality %{y:.1f}<extra></extra>", **line), row=2, col=1)
    fig.add_trace(go.Scatter(x=[0, YEARS], y=[0, 0], mode="lines", name="licence threshold",
                             line=dict(color=COLORS["reference"], dash="dash", width=1.5),
                             hovertemplate="licence threshold %{y}<extra></extra>"), row=2, col=1)
    fig.add_trace(go.Scatter(x=list(range(HORIZON + 1)), y=[0] * (HORIZON + 1), mode="lines",
                             name="share adopting", showlegend=False, line=dict(color=COLORS["primary"], width=2.5),
                             hovertemplate="month %{x}: %{y:.0%} have adopted<extra></extra>"), row=2, col=2)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers+text", name="half have adopted", showlegend=False,
                             marker=dict(size=10, color=COLORS["primary"], symbol="circle-open", line=dict(width=2.5)),
                             textposition="middle right", textfont=dict(size=12, color=COLORS["reference"]),
                             hovertemplate="half have adopted by month %{x}<extra></extra>"), row=2, col=2)
    fig.add_hline(y=0.5, line=dict(color=COLORS["reference"], dash="dot", width=1), row=2, col=2)
    fig.add_hline(y=1800, line=dict(color=COLORS["reference"], dash="dot", width=1), row=1, col=2,
                  annotation_text="1,800 (2023 US guidelines)",
                  annotation_position="top left", annotation_font_size=11)
    fig.update_xaxes(title_text="years after licensing", dtick=2, row=1, col=1)
    fig.update_xaxes(title_text="years after licensing", dtick=2, row=1, col=2)
    fig.update_xaxes(title_text="years after licensing", dtick=2, row=2, col=1)
    fig.update_xaxes(title_text="months after the first adopter", dtick=6, range=[0, HORIZON], row=2, col=2)
    fig.update_yaxes(title_text="firms (count)", range=[0, n * 1.04], row=1, col=1)
    fig.update_yaxes(title_text="HHI (points)", rangemode="tozero", row=1, col=2)
    fig.update_yaxes(title_text="quality (score 0–100)", row=2, col=1)
    fig.update_yaxes(title_text="adopting (%)", range=[0, 1.04], tickformat=".0%", row=2, col=2)
    fig.update_layout(
        title=dict(text="Licensing, consolidation and spillovers (illustrative town, one random draw)",
                   yref="container", y=1, yanchor="top", pad=dict(t=14)),
        legend=dict(orientation="h", x=0, y=1 + 26 / PLOT_HEIGHT, yanchor="bottom"),
        margin=dict(t=TOP, b=BOTTOM),
    )
    return fig


def _months(t: float) -> str:
    return "never (network split)" if math.isinf(t) else f"{t:.0f} months"


def readout(result: licensing.LicensingResult) -> str:
    c, d = result.consolidation, result.diffusion
    n = int(c.independent[0])
    return (
        f"After {YEARS} years: <b>{c.independent[-1]}</b> of {n} firms independent "
        f"({c.absorbed[-1]} absorbed, {c.exited[-1]} exited) · HHI <b>{c.hhi[-1]:,.0f}</b> points · "
        f"average quality {c.quality[0]:.0f} → <b>{c.quality[-1]:.0f}</b> (score 0–100)<br>"
        f"{d.mean_degree:.1f} partners per workshop · the better practice reaches 50%: "
        f"<b>{_months(d.time_to(0.5))}</b>; 90%: <b>{_months(d.time_to(0.9))}</b>"
    )


def caption(result: licensing.LicensingResult, default: licensing.LicensingResult) -> str:
    """What the change did after twelve years, and to the spread of the practice."""
    c, c0 = result.consolidation, default.consolidation
    half, half0 = result.diffusion.time_to(0.5), default.diffusion.time_to(0.5)
    spread = ("half adopt " + (f"after {_months(half)}" if not math.isinf(half) else "never (network split)")
              + f" (default {_months(half0)})")
    return "; ".join([
        compare(f"HHI after {YEARS} years", c.hhi[-1], c0.hhi[-1], "{:,.0f}", "points"),
        compare("independent firms", c.independent[-1], c0.independent[-1], "{:.0f}"),
        compare("absorbed", c.absorbed[-1], c0.absorbed[-1], "{:.0f}"),
        spread,
    ])


def update(result: licensing.LicensingResult, params: Mapping[str, float]) -> Update:
    c, d = result.consolidation, result.diffusion
    ints = lambda a: [int(v) for v in a]  # noqa: E731
    half = d.time_to(0.5)
    marker = ({"x": [half], "y": [0.5], "text": [f"half by month {half:.0f}"]} if half <= HORIZON
              else {"x": [HORIZON], "y": [0.5], "text": ["half: not within 4 years"]} if not math.isinf(half)
              else {"x": [HORIZON], "y": [0.5], "text": ["half: never"]})
    if half > HORIZON:
        marker["textposition"] = "middle left"
    else:
        marker["textposition"] = "middle right" if half < HORIZON * 0.6 else "middle left"
    return Update(
        traces=[
            {"y": ints(c.independent)},
            {"y": ints(c.absorbed)},
            {"y": ints(c.exited)},
            {"y": [round(float(v), 1) for v in c.hhi]},
            {"y": [round(float(v), 2) for v in c.quality]},
            {"y": [c.stringency, c.stringency]},
            {"y": [round(float(v), 4) for v in d.share]},
            marker,
        ],
        readout=readout(result),
    )


def explorer() -> Explorer:
    return Explorer(
        model=model,
        params=[
            Param("stringency", "Licence threshold (quality score needed, 0 = no licensing)", 0, 90, 5, 60,
                  static_step=10, short="licence threshold", unit="(score)"),
            Param("radius", "Collaboration radius, km (network density)", 0.1, 1.0, 0.05, 0.4, static_step=0.1,
                  fmt="{:.2f}", unit="km", short="collaboration radius"),
        ],
        figure=figure,
        update=update,
        ghost=[0, 1, 2, 3, 4, 6],
        caption=caption,
        alt=(
            "Explorer on illustrative data with four charts. Top left: independent, absorbed and exited "
            "firms in each year after a licence requirement. Top right: the Herfindahl–Hirschman index of "
            "the independent firms with the 1,800 line. Bottom left: average quality of the firms still "
            "producing against the licence threshold. Bottom right: the share of workshops that have adopted "
            "a better practice, month by month, with the month half have adopted marked. Faint dotted lines "
            "show the default run. Sliders set the licence threshold and the collaboration "
            "radius (network density)."
        ),
        height=HEIGHT,
        data=[licensing.FIRMS_DATASET],
    )
