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
from ..explore import Explorer, Param, Update, compare
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
    bio_growth: float = 0.0  # growth of Region D's biomedicine jobs, 2015–2020, percent


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
    growth = (end.loc["Region D", "biomedicine"] / start.loc["Region D", "biomedicine"] - 1) * 100
    return Result(lq=lq, hhi=hhi, shift=metrics.shift_share(start, end, "Region D"), bio_growth=float(growth))


COMPONENTS = ["National share", "Industry mix", "Competitive"]
LQ_INDUSTRIES = ("electronics", "biomedicine")
OFFSET = 0.2  # the two LQ bars of a region sit at its position ± OFFSET (the default's markers too)


def figure() -> go.Figure:
    """Axes, titles and reference lines; the bars are filled in by :func:`update`."""
    start, _ = tables()
    regions = list(start.index)
    floor = 10_000 / len(regions)
    fig = make_subplots(
        rows=2, cols=2, specs=[[{"colspan": 2}, None], [{}, {}]], vertical_spacing=0.2,
        horizontal_spacing=0.16, row_heights=[0.5, 0.5],
        subplot_titles=(
            "Location quotient by region, 2020 (dashed: 1 = national average)",
            "HHI across regions, 2020<br><span style='font-size:11px'>dotted: 2,500 floor · dashed: 1,800 line</span>",
            "Region D, all industries: shift-share",
        ),
    )
    for k, industry in enumerate(LQ_INDUSTRIES):
        shift = -OFFSET if k == 0 else OFFSET
        fig.add_trace(
            go.Bar(x=[i + shift for i in range(len(regions))], y=[0] * len(regions), width=2 * OFFSET * 0.95,
                   name=industry, marker_color=PALETTE[k], customdata=regions,
                   hovertemplate="%{customdata}: LQ %{y:.2f}<extra>" + industry + "</extra>"),
            row=1, col=1,
        )
    fig.add_trace(
        go.Bar(x=list(LQ_INDUSTRIES), y=[0, 0], marker_color=[PALETTE[0], PALETTE[1]], showlegend=False,
               hovertemplate="%{x}: HHI %{y:,.0f} points<extra></extra>"),
        row=2, col=1,
    )
    fig.add_trace(
        go.Bar(x=["National<br>share", "Industry<br>mix", "Competitive"], y=[0, 0, 0], showlegend=False,
               marker_color=[COLORS["muted"], COLORS["secondary"], COLORS["positive"]],
               hovertemplate="%{x}: %{y:+.1f} thousand jobs<extra></extra>"),
        row=2, col=2,
    )
    fig.add_hline(y=1, line=dict(color=COLORS["reference"], dash="dash", width=1), row=1, col=1)
    # The two reference lines are named in the panel's title, not by labels that would sit on the bars.
    fig.add_hline(y=1800, line=dict(color=COLORS["reference"], dash="dash", width=1), row=2, col=1)
    fig.add_hline(y=floor, line=dict(color=COLORS["negative"], dash="dot", width=1.5), row=2, col=1)
    fig.update_yaxes(title_text="LQ (ratio)", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="HHI (points)", rangemode="tozero", row=2, col=1)
    fig.update_yaxes(title_text="Thousand jobs", row=2, col=2)
    fig.update_xaxes(title_text="Region", tickvals=list(range(len(regions))), ticktext=regions,
                     range=[-0.6, len(regions) - 0.4], row=1, col=1)
    fig.update_xaxes(title_text="Industry", row=2, col=1)
    fig.update_xaxes(title_text="Component", row=2, col=2)
    fig.update_layout(
        title=dict(text="Measuring clusters on an illustrative economy (made-up data)"),
        legend=dict(orientation="h", x=0.01, xanchor="left", y=0.99, yanchor="top", title_text="",
                    bgcolor="rgba(255,255,255,0.85)"),
        barmode="overlay",
        margin=dict(t=90, b=70),
    )
    return fig


def readout(result: Result) -> str:
    """The numbers above the figure, with units."""
    total = float(result.shift["total_change"].sum())
    lq_d = result.lq.loc["Region D"]
    return (
        f"Region D in 2020: LQ biomedicine <b>{lq_d['biomedicine']:.2f}</b>, electronics "
        f"<b>{lq_d['electronics']:.2f}</b> (ratio; 1 = national average) · its biomedicine jobs grow "
        f"<b>{result.bio_growth:+.0f} %</b> 2015–2020 · employment change 2015–2020 <b>{total:+.1f}</b> thousand jobs<br>"
        f"HHI across the four regions: electronics <b>{result.hhi['electronics']:,.0f}</b>, biomedicine "
        f"<b>{result.hhi['biomedicine']:,.0f}</b> points (floor 10,000/n = 2,500; antitrust line 1,800)"
    )


def caption(result: Result, default: Result) -> str:
    """What the move did, against the dataset itself (the defaults)."""
    parts = lambda r: r.shift[["national_share", "industry_mix", "competitive"]].sum()  # noqa: E731
    now, then = parts(result), parts(default)
    moved = [name for name, a, b in zip(COMPONENTS, now, then) if abs(a - b) >= 0.05]
    shift = ("shift-share: " + ", ".join(f"{name.lower()} {b:+.1f} → {a:+.1f}" for name, a, b in zip(COMPONENTS, now, then)
                                         if abs(a - b) >= 0.05) + " thousand jobs") if moved else \
        "shift-share unchanged"
    return "; ".join([
        compare("Region D's biomedicine LQ", result.lq.loc["Region D", "biomedicine"],
                default.lq.loc["Region D", "biomedicine"], "{:.2f}"),
        compare("electronics HHI", result.hhi["electronics"], default.hhi["electronics"], "{:,.0f}", "points"),
        shift,
    ])


def update(result: Result, params) -> Update:
    """New bar heights and the readout for one model result."""
    parts = result.shift[["national_share", "industry_mix", "competitive"]].sum()
    return Update(
        traces=[
            {"y": [round(float(v), 3) for v in result.lq[ind]]} for ind in LQ_INDUSTRIES
        ] + [
            {"y": [round(result.hhi[ind]) for ind in LQ_INDUSTRIES]},
            {"y": [round(float(v), 2) for v in parts]},
        ],
        readout=readout(result),
    )


def explorer() -> Explorer:
    return Explorer(
        model=model,
        params=[
            Param("moved", "Electronics jobs moved from Region A to D (thousand)", 0, 60, 5, 0, static_step=10,
                  unit="thousand jobs", short="electronics jobs moved from A to D"),
            Param("bio_boost", "Change in Region D's biomedicine growth, 2015–2020 (percentage points)",
                  -60, 60, 5, 0, static_step=10, fmt="{:+g}", unit="percentage points",
                  short="Region D's biomedicine growth"),
        ],
        figure=figure,
        update=update,
        ghost=[0, 1, 2, 3],
        caption=caption,
        alt=(
            "Explorer with three bar charts computed from illustrative data: location quotients of "
            "electronics and biomedicine by region, the HHI of each industry across regions with the "
            "1,800 antitrust line and the 2,500 floor (10,000 divided by four regions), and Region D's "
            "shift-share components. Dark markers show the values at the defaults, which are the dataset "
            "itself. Two sliders move electronics jobs from Region A to Region D and raise or lower Region "
            "D's biomedicine growth."
        ),
        height=640,
        data=[DATASET],
    )
