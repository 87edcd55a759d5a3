"""Figure builders for Chapter 4 (chain-filling investment; Keqiao textiles and value-chain gap analysis).

* :func:`case_timeline` — the dated events of ``04_keqiao_timeline``, one row per strand of the story;
* :func:`turnover_by_basis` — China Textile City's transaction volume by year on a log scale, one colour and
  shape per statistical basis, hollow markers for part of a year, "> " for a lower bound;
* :func:`chain_profile` — what each link of the (illustrative) chain is worth a year, split into the part done
  in the park and the part bought from outside, with each link's cost to recruit.

Every builder returns a ``go.Figure`` with a title and axis titles with units; show it with
``clusterkit.show(fig, alt=..., data=...)``.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import shared
from ..models import value_chain as vc
from ..style import COLORS, PALETTE

#: The timeline's rows: event types of ``04_keqiao_timeline`` → the row they are drawn in, in order.
STRANDS: dict[str, str] = {
    "market": "China Textile City",
    "consolidation": "dyeing consolidation",
    "policy": "chain-chief system",
    "zone": "chain-chief system",
    "investment": "chain-chief system",
    "pilot": "provincial pilots",
}
#: Bases of the market's transaction volume (``turnover_basis``): legend text, colour, marker, in order.
BASES: dict[str, tuple[str, str, str, str]] = {
    "market": ("the market (district government)", PALETTE[0], "circle", "middle right"),
    "market group": ("market group", PALETTE[1], "diamond", "middle right"),
    "online platform": ("online platform only", PALETTE[4], "triangle-up", "middle right"),
    "online + offline": ("online + offline", PALETTE[2], "square", "middle right"),
    "not stated": ("basis not stated", COLORS["muted"], "x", "middle right"),
}
#: Periods shorter than a year (hollow markers).
PART_YEAR = {"H1": "Jan–Jun", "Jan-Aug": "Jan–Aug", "Jan-Oct": "Jan–Oct"}
PREFIX = {"more_than": "> ", "about": "≈ ", "exact": ""}
TURNOVER = "transaction volume (turnover)"
ONLINE = "online platform transaction volume"


def case_timeline(events: pd.DataFrame, *, title: str) -> go.Figure:
    """The shared timeline (:func:`clusterkit.figures.timeline`) with one row per strand of the case:
    the market, the dyeing consolidation, the chain-chief system, the provincial pilots."""
    df = events.assign(strand=[STRANDS.get(str(t), "other") for t in events["event_type"]])
    order = list(dict.fromkeys(STRANDS.values()))
    df["strand"] = pd.Categorical(df["strand"], categories=order + ["other"], ordered=True)
    df = df.sort_values(["strand"], kind="stable")
    df["strand"] = df["strand"].astype(str)
    return shared.timeline(df, title=title, group="strand", group_title="Strand of the story")


def turnover_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """The market's transaction-volume rows in 100m yuan (annual, part-year; not the daily figure)."""
    rows = figures[figures["metric"].isin([TURNOVER, ONLINE]) & (figures["unit"] == "100m yuan")]
    return rows[rows["period"].astype(str) != "day"].sort_values("year")


def _label(value: float, qualifier: str) -> str:
    text = f"{value:,.0f}" if value >= 10 else f"{value:g}"
    return PREFIX.get(str(qualifier), "") + text


def turnover_by_basis(figures: pd.DataFrame, *, title: str) -> go.Figure:
    """China Textile City's transaction volume, 100m yuan (log scale), by year and period (evenly spaced
    categories, so that the crowded 2020s can be read): one colour and shape per
    basis; filled markers for a whole year, hollow for part of one; a doubtful (low-confidence) row, when
    given, is drawn small and grey-edged and says so on hover. The value is written beside each marker."""
    df = turnover_rows(figures).copy()
    df["_when"] = [f"{y} {PART_YEAR[str(p)]}" if str(p) in PART_YEAR else str(y)
                   for y, p in zip(df["year"], df["period"])]
    order = list(dict.fromkeys(df.sort_values(["year", "period"], key=lambda c: c.astype(str)
                                              .map(lambda v: "~" if v == "year" else v))["_when"]))
    fig = go.Figure()
    for basis, (name, colour, symbol, where) in BASES.items():
        for part_year in (False, True):
            part = df[(df["turnover_basis"].astype(str) == basis)
                      & (df["period"].astype(str).isin(PART_YEAR) == part_year)]
            if part.empty:
                continue
            low = part["confidence"].astype(str) == "low"
            periods = sorted({PART_YEAR[str(p)] for p in part["period"]}) if part_year else []
            label = f"{name}, {', '.join(periods)}" if part_year else f"{name}, whole year"
            fig.add_trace(go.Scatter(
                x=part["_when"], y=part["value"], mode="markers+text", name=label,
                marker=dict(size=[10 if lo else 14 for lo in low], color=colour,
                            symbol=f"{symbol}-open" if part_year else symbol,
                            line=dict(color=[COLORS["reference"] if lo else colour for lo in low], width=2)),
                text=[_label(v, q) for v, q in zip(part["value"], part["qualifier"])],
                textposition=where, textfont=dict(size=11, color=colour),
                hovertext=[f"<b>{y}: {_label(v, q)} (100m yuan)</b><br>{b}<br>source: {s}"
                           + ("<br>LOW CONFIDENCE: doubtful" if lo else "")
                           for y, v, q, b, s, lo in zip(part["year"], part["value"], part["qualifier"],
                                                        part["basis"], part["source"], low)],
                hoverinfo="text", cliponaxis=False,
            ))
    # a tick a power of ten (plotly's in-between "2" and "5" read as 2 and 5 below 1); the key above the plot
    # (at the side it covered the labels, on a phone the plot)
    fig.update_yaxes(title_text="transaction volume (100m yuan, nominal, log scale)", type="log", dtick=1)
    fig.update_xaxes(title_text="year and period<br>(evenly spaced, not to scale)", type="category",
                     categoryorder="array", categoryarray=order)
    fig.update_layout(title=title, height=460)
    shared.key_above(fig, "Basis and period")
    return fig


def chain_profile(chain: vc.Chain, *, title: str) -> go.Figure:
    """Stacked bars per link, in chain order: value added a year done in the park (Q v s) and bought from
    outside (Q v (1 − s)), 100m yuan a year; missing links (s below the fill share) are marked with their cost."""
    done = chain.full_value * chain.capacity_share
    outside = chain.full_value - done
    names = [label.replace(" and ", " and<br>").replace(" (", "<br>(") for label in chain.labels]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=done.round(2), name="done in the park", marker_color=COLORS["primary"],
                         hovertemplate="%{x}: %{y:.1f} done in the park (100m yuan a year)<extra></extra>"))
    missing = ~chain.local_today
    fig.add_trace(go.Bar(
        x=names, y=outside.round(2), name="bought from outside", marker_color="#D9D9D9",
        marker_line=dict(color=COLORS["muted"], width=1),
        text=[f"missing<br>cost {c:g}" if m else "" for c, m in zip(chain.cost, missing)],
        textposition="outside", textfont=dict(size=12, color=COLORS["reference"]), cliponaxis=False,
        constraintext="none",  # plotly shrinks a label to its bar's width: on a phone, to nothing
        hovertemplate="%{x}: %{y:.1f} bought from outside (100m yuan a year)<extra></extra>"))
    fig.update_layout(title=title, barmode="stack", height=440)
    shared.key_above(fig)
    fig.update_xaxes(title_text="link of the chain<br>(upstream → downstream)")
    fig.update_yaxes(title_text="value added (100m yuan a year)", rangemode="tozero")
    return fig
