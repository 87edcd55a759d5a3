"""Figure builders for Chapter 3 (innovation-factor-led clusters; a research institute as the seed).

* :func:`counts_by_source` — what each source counts about the institute (a dot plot, log scale);
* :func:`pipeline_fates` — what becomes of a batch of research projects (a Sankey diagram);
* :func:`firm_paths` — established firms over time for several pipelines (lines).

Every builder returns a ``go.Figure`` with a title and axis titles with units; show it with
``clusterkit.show(fig, alt=..., data=...)``.
"""
from __future__ import annotations

import textwrap
from typing import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from .style import COLORS, PALETTE

#: Short names of the sources of ``03_tsinghua_yrd_figures`` (keys of its datasheet).
SOURCE_LABELS: dict[str, str] = {
    "wang2023parks": "the article (2023)",
    "peoplesdaily2023tsinghua": "People's Daily Online (2023)",
    "jxrb2023": "Jiaxing Daily (2023)",
    "howto_qa": "encyclopedia text, reposted (low confidence)",
    "tsinghuazj_first": "institute's website",
    "tsinghuazj_decade": "institute's website",
}
QUALIFIER_SYMBOLS: dict[str, str] = {
    "exact": "circle",
    "about": "diamond",
    "more_than": "triangle-right",
    "approaching": "triangle-left",
}


def counts_by_source(rows: pd.DataFrame, *, title: str, wrap: int = 38) -> go.Figure:
    """One marker per count: the metric on the y axis, the value on a log x axis, the colour
    for the source that gives it, the shape for how it is stated (▶ = "more than").

    ``rows`` needs the columns ``metric``, ``value``, ``qualifier``, ``source`` and ``year``
    of ``03_tsinghua_yrd_figures`` (usually its rows with unit ``count``).
    """
    df = rows.copy()
    df["who"] = df["source"].map(SOURCE_LABELS).fillna(df["source"])
    df["label"] = ["<br>".join(textwrap.wrap(str(m), wrap)) for m in df["metric"]]
    order = list(df.sort_values("value")["label"].drop_duplicates())
    fig = go.Figure()
    for k, (who, part) in enumerate(df.groupby("who", sort=False)):
        hover = [
            f"<b>{m}</b><br>{q.replace('_', ' ')} {v:,.0f}"
            + (f" (year {int(y)})" if pd.notna(y) else " (year not stated)")
            + f"<br>source: {who}"
            for m, q, v, y in zip(part["metric"], part["qualifier"], part["value"], part["year"])
        ]
        fig.add_trace(go.Scatter(
            x=part["value"], y=part["label"], mode="markers", name=who,
            marker=dict(size=15, color=PALETTE[k % len(PALETTE)],
                        symbol=[QUALIFIER_SYMBOLS.get(q, "circle") for q in part["qualifier"]],
                        line=dict(color="white", width=1)),
            hovertext=hover, hoverinfo="text",
        ))
    ticks = [t for t in (1, 3, 10, 30, 100, 300, 1000, 3000, 10000)
             if df["value"].min() / 2 <= t <= df["value"].max() * 2]
    fig.update_xaxes(type="log", title_text="count (log scale; ▶ = 'more than', ● = exact)",
                     showgrid=True, tickvals=ticks, ticktext=[f"{t:,}" for t in ticks], tickangle=0)
    fig.update_yaxes(title_text="what is counted", categoryorder="array", categoryarray=order,
                     automargin=True)
    fig.update_layout(
        title=dict(text=title, xref="container", x=0.01), height=170 + 52 * len(order),
        legend=dict(orientation="h", x=0, y=-0.18, yanchor="top", title_text="source: "),
        margin=dict(l=20, b=130),
    )
    return fig


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
