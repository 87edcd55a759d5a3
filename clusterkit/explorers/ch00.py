"""Chapter 0 explorer: move jobs and growth around, watch LQ, HHI and shift-share respond.

Uses the illustrative table ``00_regions_illustrative`` (four made-up regions, five
industries, 2015 and 2020). Two parameters:

* ``moved`` — thousand electronics jobs that move from Region A to Region D in 2020;
* ``bio_boost`` — percentage points added to (or taken from) Region D's biomedicine growth
  from 2015 to 2020; 0 reproduces the dataset.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import data, metrics
from ..explore import Explorer, Param, Update
from ..style import COLORS, PALETTE

DATASET = "00_regions_illustrative"


@functools.lru_cache(maxsize=1)
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 2015 and 2020 tables, wide: regions × industries, thousand jobs."""
    df = data.load(DATASET)
    wide = {
        year: df[df["year"] == year]
        .pivot(index="region", columns="industry", values="employment")
        .rename_axis(index=None, columns=None)
        for year in (2015, 2020)
    }
    order = list(df["industry"].cat.categories)
    return wide[2015][order].astype(float), wide[2020][order].astype(float)


@dataclass(frozen=True)
class Result:
    lq: pd.DataFrame  # 2020 location quotients
    hhi: dict[str, float]  # HHI across regions, 2020, by industry
    shift: pd.DataFrame  # shift-share of Region D, by industry


def model(moved: float = 0.0, bio_boost: float = 0.0) -> Result:
    """Recompute the measures after moving jobs / changing Region D's biomedicine growth.

    ``moved``: thousand electronics jobs moved from Region A to Region D in 2020.
    ``bio_boost``: percentage points added to Region D's 2015–2020 biomedicine growth.
    """
    start, end = tables()
    end = end.copy()
    moved = min(float(moved), float(end.loc["Region A", "electronics"]))
    end.loc["Region A", "electronics"] -= moved
    end.loc["Region D", "electronics"] += moved
    if bio_boost:
        end.loc["Region D", "biomedicine"] += start.loc["Region D", "biomedicine"] * bio_boost / 100
    lq = metrics.location_quotient(end)
    hhi = {ind: metrics.hhi(end[ind]) for ind in ("electronics", "biomedicine")}
    return Result(lq=lq, hhi=hhi, shift=metrics.shift_share(start, end, "Region D"))


COMPONENTS = ["National share", "Industry mix", "Competitive"]
LQ_INDUSTRIES = ("electronics", "biomedicine")


def figure() -> go.Figure:
    """Axes, titles and reference lines; the bars are filled in by :func:`update`."""
    start, _ = tables()
    regions = list(start.index)
    fig = make_subplots(
        rows=2, cols=2, specs=[[{"colspan": 2}, None], [{}, {}]], vertical_spacing=0.2,
        horizontal_spacing=0.16, row_heights=[0.5, 0.5],
        subplot_titles=(
            "Location quotient by region, 2020 (dashed: 1 = national average)",
            "HHI across regions, 2020",
            "Region D, all industries: shift-share",
        ),
    )
    for k, industry in enumerate(LQ_INDUSTRIES):
        fig.add_trace(
            go.Bar(x=regions, y=[0] * len(regions), name=industry, marker_color=PALETTE[k],
                   hovertemplate="%{x}: LQ %{y:.2f}<extra>" + industry + "</extra>"),
            row=1, col=1,
        )
    fig.add_trace(
        go.Bar(x=list(LQ_INDUSTRIES), y=[0, 0], marker_color=[PALETTE[0], PALETTE[1]], showlegend=False,
               hovertemplate="%{x}: HHI %{y:,.0f}<extra></extra>"),
        row=2, col=1,
    )
    fig.add_trace(
        go.Bar(x=["National<br>share", "Industry<br>mix", "Competitive"], y=[0, 0, 0], showlegend=False,
               marker_color=[COLORS["muted"], COLORS["secondary"], COLORS["positive"]],
               hovertemplate="%{x}: %{y:+.1f} thousand jobs<extra></extra>"),
        row=2, col=2,
    )
    fig.add_hline(y=1, line=dict(color=COLORS["reference"], dash="dash", width=1), row=1, col=1)
    fig.add_hline(y=1800, line=dict(color=COLORS["reference"], dash="dash", width=1), row=2, col=1)
    fig.update_yaxes(title_text="LQ (ratio)", range=[0, 3.2], row=1, col=1)
    fig.update_yaxes(title_text="HHI (points)", range=[0, 10000], row=2, col=1)
    fig.update_yaxes(title_text="Thousand jobs", row=2, col=2)
    fig.update_xaxes(title_text="Region", row=1, col=1)
    fig.update_xaxes(title_text="Industry", row=2, col=1)
    fig.update_xaxes(title_text="Component", row=2, col=2)
    fig.update_layout(
        title=dict(text="Measuring clusters on an illustrative economy (made-up data)"),
        legend=dict(orientation="h", x=0.01, xanchor="left", y=0.99, yanchor="top", title_text="LQ of ",
                    bgcolor="rgba(255,255,255,0.85)"),
        barmode="group",
        margin=dict(t=150, b=70),
    )
    return fig


def update(result: Result, params) -> Update:
    """New bar heights and the readout line for one model result."""
    parts = result.shift[["national_share", "industry_mix", "competitive"]].sum()
    total = float(result.shift["total_change"].sum())
    lq_d = result.lq.loc["Region D"]
    readout = (
        f"Region D: LQ biomedicine {lq_d['biomedicine']:.2f}, electronics {lq_d['electronics']:.2f}; "
        f"change {total:+.1f} thousand jobs<br>HHI across regions: electronics {result.hhi['electronics']:,.0f}, "
        f"biomedicine {result.hhi['biomedicine']:,.0f} (dashed line: 1,800)"
    )
    return Update(
        traces=[
            {"y": [round(float(v), 3) for v in result.lq[ind]]} for ind in LQ_INDUSTRIES
        ] + [
            {"y": [round(result.hhi[ind]) for ind in LQ_INDUSTRIES]},
            {"y": [round(float(v), 2) for v in parts]},
        ],
        annotations=[
            dict(text=readout, x=0, y=1.06, align="left", xref="paper", yref="paper", showarrow=False,
                 xanchor="left", yanchor="bottom", font=dict(size=13, color=COLORS["reference"]))
        ],
    )


def explorer() -> Explorer:
    return Explorer(
        model=model,
        params=[
            Param("moved", "Electronics jobs moved from Region A to D (thousand)", 0, 60, 5, 0, static_step=10),
            Param("bio_boost", "Change in Region D's biomedicine growth, 2015–2020 (percentage points)",
                  -60, 60, 5, 0, static_step=10, fmt="{:+g}"),
        ],
        figure=figure,
        update=update,
        alt=(
            "Explorer with three bar charts computed from illustrative data: location quotients of "
            "electronics and biomedicine by region, the HHI of each industry across regions with the "
            "1,800 threshold, and Region D's shift-share components. Two sliders move electronics jobs "
            "from Region A to Region D and raise or lower Region D's biomedicine growth."
        ),
        height=700,
        data=[DATASET],
    )
