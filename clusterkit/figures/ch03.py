"""Figure builders for Chapter 3 (innovation-factor-led clusters; a research institute as the seed).

* :func:`counts_by_source` — what each source counts about the institute, and for which year (a dot plot, log scale);
* :func:`case_timeline` — an alias of the shared :func:`clusterkit.figures.timeline`;
* :func:`pipeline_fates` — what becomes of a batch of research projects (a Sankey diagram);
* :func:`firm_paths` — established firms over time for several pipelines (lines).

Every builder returns a ``go.Figure`` with a title and axis titles with units; show it with
``clusterkit.show(fig, alt=..., data=...)``.
"""
from __future__ import annotations

import textwrap
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import shared as figures
from ..style import COLORS, PALETTE

#: Short names of the sources of ``03_tsinghua_yrd_figures`` (keys of its datasheet).
SOURCE_LABELS: dict[str, str] = {
    "wang2023parks": "the article (2023)",
    "peoplesdaily2023tsinghua": "People's Daily Online (2023)",
    "jxrb2023": "Jiaxing Daily (2023)",
    "howto_qa": "encyclopedia text, reposted (low confidence)",
    "tsinghuazj_first": "institute's website",
    "tsinghuazj_decade": "institute's website",
}
#: Marker shape, legend text and prefix of the value label for each ``qualifier``.
QUALIFIERS: dict[str, tuple[str, str, str]] = {
    "exact": ("circle", "exact (●)", ""),
    "about": ("diamond", "about (◆)", "≈ "),
    "more_than": ("triangle-right", "more than (▶)", "> "),
    "approaching": ("triangle-left", "nearly (◀)", "< "),
}


#: Height of one row of :func:`counts_by_source` (its name over its markers), px.
ROW_PX = 66


def counts_by_source(rows: pd.DataFrame, *, title: str, wrap: int = 40) -> go.Figure:
    """One marker per count: what is counted, and in which year, on the y axis; the value on a
    log x axis (also written beside the marker); the colour for the source that gives it (first
    legend); the shape for how the source states it, e.g. ▶ = "more than" (second legend).

    ``rows`` needs the columns ``metric``, ``value``, ``qualifier``, ``source`` and ``year``
    of ``03_tsinghua_yrd_figures`` (usually its rows with unit ``count``).
    """
    df = rows.copy()
    df["who"] = df["source"].map(SOURCE_LABELS).fillna(df["source"])
    df["when"] = [f"{int(y)}" if pd.notna(y) else "year not stated" for y in df["year"]]
    df["label"] = ["<br>".join(textwrap.wrap(str(m), wrap)) + f" <b>({w})</b>" for m, w in zip(df["metric"], df["when"])]
    # rows grouped by year (earliest at the top, undated last), smallest value first within a year
    df["_y"] = df["year"].fillna(9999)
    order = list(df.sort_values(["_y", "value"], ascending=[False, False])["label"].drop_duplicates())
    # the value beside each marker: left of the smaller one when two share a row, right otherwise
    df["_rank"] = df.groupby("label")["value"].rank(method="first")
    df["_n"] = df.groupby("label")["value"].transform("size")
    df["_pos"] = ["middle left" if n > 1 and r == 1 else "middle right" for r, n in zip(df["_rank"], df["_n"])]
    fig = go.Figure()
    for k, (who, part) in enumerate(df.groupby("who", sort=False)):
        colour = PALETTE[k % len(PALETTE)]
        hover = [
            f"<b>{m}</b><br>{QUALIFIERS.get(q, ('', q, ''))[1].split(' (')[0]} {v:,.0f}"
            + (f" (year {w})" if w[0].isdigit() else " (year not stated)")
            + f"<br>source: {who}"
            for m, q, v, w in zip(part["metric"], part["qualifier"], part["value"], part["when"])
        ]
        fig.add_trace(go.Scatter(
            x=part["value"], y=part["label"], mode="markers+text", legendgroup=who, showlegend=False,
            marker=dict(size=15, color=colour, symbol=[QUALIFIERS.get(q, ("circle",))[0] for q in part["qualifier"]],
                        line=dict(color="white", width=1)),
            text=[QUALIFIERS.get(q, ("", "", ""))[2] + f"{v:,.0f}" for q, v in zip(part["qualifier"], part["value"])],
            textposition=list(part["_pos"]), textfont=dict(size=12, color=colour),
            hovertext=hover, hoverinfo="text", name=who, cliponaxis=False,
        ))
        # legend entry for the colour only (a square, a shape no count uses)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=who, legendgroup=who,
                                 marker=dict(size=12, color=colour, symbol="square"), hoverinfo="skip"))
    for q in [q for q in QUALIFIERS if q in set(df["qualifier"])]:
        symbol, text, _ = QUALIFIERS[q]
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=text, legend="legend2",
                                 marker=dict(size=12, color=COLORS["muted"], symbol=symbol), hoverinfo="skip"))
    ticks = [t for t in (1, 3, 10, 30, 100, 300, 1000, 3000, 10000)
             if df["value"].min() / 2 <= t <= df["value"].max() * 2]
    lo, hi = np.log10(df["value"].min()) - 0.35, np.log10(df["value"].max()) + 0.45
    fig.update_xaxes(type="log", title_text="count (log scale)", range=[lo, hi],
                     showgrid=True, tickvals=ticks, ticktext=[f"{t:,}" for t in ticks], tickangle=0)
    # What is counted is written over each row, across the whole width, not as tick labels at the side:
    # those took two thirds of a phone's width and left the values a sliver.
    fig.update_yaxes(showticklabels=False, categoryorder="array", categoryarray=order, range=[-0.6, len(order) - 0.2])
    for lab in order:
        fig.add_annotation(x=0, xref="paper", y=lab, yref="y", text=lab, showarrow=False, xanchor="left",
                           yanchor="bottom", yshift=10, align="left", font=dict(size=12, color=COLORS["reference"]))
    # a dotted line between the years, so that counts of different years are not read as one series
    years = [df.loc[df["label"] == lab, "_y"].iloc[0] for lab in order]
    for j in range(1, len(order)):
        if years[j] != years[j - 1]:
            # above the lower row's label, which sits over its markers (up to about j - 0.4)
            fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=j - 0.25, y1=j - 0.25,
                          line=dict(color=COLORS["muted"], width=1, dash="dot"))
    fig.update_layout(
        title=dict(text=title, xref="container", x=0.01), height=340 + ROW_PX * len(order),  # margins + the rows
        # the colour key 70 px under the plot, below the axis title, whatever the number of rows
        # both keys one entry a line: in rows they ran off a phone's screen
        legend=dict(orientation="v", x=0, y=-70 / (ROW_PX * len(order)), yanchor="top", title_text="Colour = source:",
                    font=dict(size=12)),
        legend2=dict(orientation="v", x=0, y=1.01, yanchor="bottom", title_text="Shape = how it is stated:",
                     font=dict(size=12)),
        margin=dict(l=20, r=20, t=150, b=190),
    )
    return fig


def case_timeline(events: pd.DataFrame, *, title: str, short: str = "short", date: str = "date",
                  group: str | None = None, group_title: str = "") -> go.Figure:
    """Kept for old notebooks: :func:`clusterkit.figures.timeline`, which labels key events itself."""
    return figures.timeline(events, title=title, date=date, label="event", group=group,
                            group_title=group_title, short=short)


def pipeline_fates(rates: Sequence[float], *, title: str, batch: float = 100) -> go.Figure:
    """What becomes of ``batch`` research projects under conversion rates (c₁, c₂, c₃): a Sankey
    diagram from projects through prototypes and spin-offs to established firms, with the
    drop-outs at each stage."""
    c1, c2, c3 = rates
    proto = batch * c1
    spin = proto * c2
    firms = spin * c3
    values = [proto, batch - proto, spin, proto - spin, firms, spin - firms]
    nodes = [
        f"{batch:g} projects started",
        f"{proto:g} prototypes",
        f"{spin:g} spin-off firms",
        f"{firms:g} established firms",
        f"{batch - proto:g} stopped in research",
        f"{proto - spin:g} prototypes not spun out",
        f"{spin - firms:g} spin-offs failed in incubation",
    ]
    colours = [COLORS["primary"], COLORS["accent"], COLORS["secondary"], COLORS["positive"],
               COLORS["muted"], COLORS["muted"], COLORS["muted"]]
    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        node=dict(label=nodes, color=colours, pad=22, thickness=18,
                  x=[0.01, 0.34, 0.67, 0.99, 0.34, 0.67, 0.99],
                  y=[0.5, 0.2, 0.12, 0.06, 0.7, 0.55, 0.3],
                  hovertemplate="%{label}<extra></extra>"),
        link=dict(source=[0, 0, 1, 1, 2, 2], target=[1, 4, 2, 5, 3, 6], value=values,
                  color=["rgba(0,114,178,0.35)", "rgba(107,107,107,0.25)", "rgba(204,121,167,0.35)",
                         "rgba(107,107,107,0.25)", "rgba(230,159,0,0.4)", "rgba(107,107,107,0.25)"],
                  hovertemplate="%{source.label} → %{target.label}<extra></extra>"),
    ))
    fig.update_layout(title=dict(text=title, xref="container", x=0.01), height=420, margin=dict(l=20, r=20, t=70, b=30), font=dict(size=13))
    fig.update_xaxes(visible=False)  # a Sankey diagram has no axes
    fig.update_yaxes(visible=False)
    return fig


def firm_paths(paths: Mapping[str, object], *, title: str, window: int | None = 20) -> go.Figure:
    """Established firms by year for several pipelines (``clusterkit.models.incubation.Pipeline``),
    one line each, with the first ``window`` years shaded."""
    fig = go.Figure()
    for k, (name, result) in enumerate(paths.items()):
        fig.add_trace(go.Scatter(
            x=list(result.years), y=[round(float(v), 2) for v in result.firms], mode="lines", name=name,
            line=dict(color=PALETTE[k % len(PALETTE)], width=3, dash=["solid", "dash", "dot", "dashdot"][k % 4]),
            hovertemplate="year %{x}: %{y:.0f} firms<extra>" + name + "</extra>",
        ))
    if window:
        fig.add_vrect(x0=0, x1=window, fillcolor="#999999", opacity=0.12, line_width=0,
                      annotation_text=f"the first {window} years", annotation_position="top left")
    fig.update_xaxes(title_text="years since the institute opened")
    fig.update_yaxes(title_text="established firms (count)", rangemode="tozero")
    fig.update_layout(title=dict(text=title, xref="container", x=0.01), height=460,
                      legend=dict(orientation="h", x=0, y=-0.2, yanchor="top"), margin=dict(b=110))
    return fig
