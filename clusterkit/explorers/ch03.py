"""Chapter 3 explorer: how intake, conversion and the talent loop turn projects into firms.

Runs :func:`clusterkit.models.incubation.run_pipeline` for 20 years with the illustrative
defaults of ``03_pipeline_illustrative``. Three parameters:

* ``intake`` — research projects the institute starts a year (before feedback);
* ``prototype_to_spinoff`` — the share of prototypes that become spin-off firms;
* ``talent_feedback`` — new projects a year that each established firm brings back.

Left: the pipeline's stocks and the annual intake. Right: spin-offs founded each year,
young spin-offs in incubation and established (surviving) firms.
"""
from __future__ import annotations

import functools
import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..explore import Explorer, Param, Update, compare
from ..models import incubation
from ..style import COLORS

HEIGHT, TOP, BOTTOM = 560, 110, 70
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@functools.lru_cache(maxsize=1)
def defaults() -> dict[str, float]:
    """The illustrative default parameters (loaded once)."""
    return incubation.load_parameters()


def model(intake: float, prototype_to_spinoff: float, talent_feedback: float) -> incubation.Pipeline:
    """The pipeline with the illustrative defaults and these three values."""
    return incubation.pipeline_from_parameters(
        defaults(), intake=intake, prototype_to_spinoff=prototype_to_spinoff, talent_feedback=talent_feedback
    )


def figure() -> go.Figure:
    """Axes, titles and units; the data come from :func:`update`."""
    years = list(range(int(defaults()["years"]) + 1))
    zeros = [0] * len(years)
    fig = make_subplots(
        rows=1, cols=2, horizontal_spacing=0.12,
        subplot_titles=("Projects in the pipeline", "Firms"),
    )
    panels = {
        1: (("annual intake", COLORS["reference"], "dash"),
            ("projects in research", COLORS["primary"], "solid"),
            ("prototypes", COLORS["accent"], "solid")),
        2: (("spin-offs founded a year", COLORS["secondary"], "dot"),
            ("in incubation", COLORS["muted"], "solid"),
            ("established firms", COLORS["positive"], "solid")),
    }
    for col, series in panels.items():
        for name, colour, dash in series:
            fig.add_trace(go.Scatter(x=years, y=zeros, mode="lines", name=name,
                                     line=dict(color=colour, width=2.5, dash=dash),
                                     hovertemplate="year %{x}: %{y:.0f}<extra>" + name + "</extra>"), row=1, col=col)
    fig.add_trace(go.Scatter(x=[], y=[], mode="markers+text", name="first firm established", showlegend=False,
                             marker=dict(size=10, color=COLORS["positive"], symbol="circle-open", line=dict(width=2.5)),
                             textposition="bottom right", textfont=dict(size=12, color=COLORS["reference"]),
                             hovertemplate="first firm established in year %{x}<extra></extra>"), row=1, col=2)
    fig.update_xaxes(title_text="years since the institute opened", dtick=4)
    fig.update_yaxes(title_text="projects (count; intake per year)", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="firms (count; dotted: founded a year)", rangemode="tozero", row=1, col=2)
    fig.update_layout(
        title=dict(text="From projects to firms: an incubation pipeline (illustrative)",
                   yref="container", y=1, yanchor="top", pad=dict(t=14)),
        legend=dict(orientation="h", x=0, y=1 + 24 / PLOT_HEIGHT, yanchor="bottom", font=dict(size=12)),
        margin=dict(t=TOP, b=BOTTOM),
    )
    return fig


def readout(result: incubation.Pipeline, params: Mapping[str, float]) -> str:
    d = {**defaults(), **params}
    rates = (d["project_to_prototype"], d["prototype_to_spinoff"], d["spinoff_survival"])
    gain = incubation.loop_gain(rates, d["talent_feedback"], d["firm_exit_rate"])
    loop = "no talent loop" if gain == 0 else (
        f"loop gain {gain:.2f}: " + ("firms settle in the long run" if gain < 1 else "a reinforcing loop, no ceiling")
    )
    if math.isinf(gain):
        loop = "loop gain infinite: a reinforcing loop"
    years = int(d["years"])
    return (
        f"After {years} years: <b>{result.founded[-1]:.0f}</b> spin-offs founded, <b>{result.firms[-1]:.0f}</b> "
        f"established firms (+{result.incubating[-1]:.0f} in incubation) · intake {result.intake[1]:.0f} → "
        f"<b>{result.intake[-1]:.0f}</b> projects/yr<br>first firm established in year <b>{_first(result)}</b> · "
        f"{loop} (illustrative parameters)"
    )


def _first(result: incubation.Pipeline) -> str:
    hits = [int(y) for y, f in zip(result.years, result.firms) if f > 0]
    return str(hits[0]) if hits else "—"


def caption(result: incubation.Pipeline, default: incubation.Pipeline) -> str:
    """What the change did by the last year."""
    years = int(defaults()["years"])
    return "; ".join([
        compare(f"established firms after {years} years", result.firms[-1], default.firms[-1], "{:.0f}"),
        compare("spin-offs founded", result.founded[-1], default.founded[-1], "{:.0f}"),
        compare(f"year-{years} intake", result.intake[-1], default.intake[-1], "{:.0f}", "projects/yr"),
    ])


def update(result: incubation.Pipeline, params: Mapping[str, float]) -> Update:
    r = lambda a: [round(float(v), 2) for v in a]  # noqa: E731
    intake = list(result.intake)
    intake[0] = None  # no intake before the first year
    first = _first(result)
    event = {"x": [], "y": [], "text": []} if first == "—" else \
        {"x": [int(first)], "y": [round(float(result.firms[int(first)]), 2)], "text": [f"first firm: year {first}"]}
    return Update(
        traces=[
            {"y": [None] + r(intake[1:])},
            {"y": r(result.projects)},
            {"y": r(result.prototypes)},
            {"y": [None] + r(np.diff(result.founded))},
            {"y": r(result.incubating)},
            {"y": r(result.firms)},
            event,
        ],
        readout=readout(result, params),
    )


def explorer() -> Explorer:
    return Explorer(
        model=model,
        params=[
            Param("intake", "Projects started a year (before feedback)", 20, 140, 10, 60, static_step=10,
                  unit="projects/yr", short="intake"),
            Param("prototype_to_spinoff", "Share of prototypes that become spin-offs", 0.05, 0.45, 0.05, 0.25,
                  static_step=0.1, fmt="{:.0%}", short="spin-off share"),
            Param("talent_feedback", "Talent feedback (new projects a year per established firm)", 0, 2, 0.25, 0.5,
                  static_step=0.5, fmt="{:g}", unit="projects/yr per firm", short="talent feedback"),
        ],
        figure=figure,
        update=update,
        ghost=[0, 1, 2, 4, 5],
        axes="frame",  # the grid's extremes (a reinforcing loop) would flatten the defaults
        caption=caption,
        alt=(
            "Explorer on illustrative parameters with two line charts over 20 years. Left: the annual intake "
            "of research projects and the numbers of projects in research and of prototypes. Right: spin-off "
            "firms founded each year, young spin-offs in incubation and established firms, with the year the "
            "first firm is established marked. Faint dotted lines show the default run. Three sliders "
            "set the annual intake, the share of prototypes that become spin-offs and the talent feedback "
            "from established firms to new projects."
        ),
        height=HEIGHT,
        data=[incubation.PIPELINE_DATASET],
    )
