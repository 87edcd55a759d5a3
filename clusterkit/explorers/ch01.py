"""Chapter 1 explorer: how big an anchor, buying how much locally, pulls in how many suppliers.

Runs :func:`clusterkit.models.linkages.anchor_scenario` on the illustrative park table
(``01_park_io_illustrative``) and candidate suppliers (``01_suppliers_illustrative``).
Two parameters:

* ``local_share`` — the share of its inputs the anchor buys inside the park (0–1);
* ``anchor_size`` — the anchor's output, 100m yuan per year.

Left: suppliers that enter and candidates that stay away, by sector. Right: the cascade,
suppliers in the park after each round of entry (round 1 = pulled in by the anchor alone).
"""
from __future__ import annotations

import functools
from typing import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..explore import Explorer, Param, Update
from ..models import linkages
from ..style import COLORS

SHORT = {
    "cxo": "CXO",
    "api": "APIs",
    "packaging": "Packaging",
    "equipment": "Equipment",
    "logistics": "Logistics",
    "services": "Services",
}

# Layout in pixels: title, readout and legend above the plots; axis titles below.
HEIGHT, TOP, BOTTOM = 640, 170, 110
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@functools.lru_cache(maxsize=1)
def inputs() -> tuple[linkages.IOTable, linkages.Suppliers]:
    """The illustrative park table and candidate suppliers (loaded once)."""
    table = linkages.load_table()
    sectors = [s for s in table.sectors if s != "pharma"]
    return table, linkages.load_suppliers(sectors)


def figure() -> go.Figure:
    """Axes, titles and units; the data come from :func:`update`."""
    table, suppliers = inputs()
    sectors = [s for s in table.sectors if s != "pharma"]
    names = [SHORT.get(s, s) for s in sectors]
    most = int(max(sum(1 for k in suppliers.sector if k == i) for i in range(len(sectors))))
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.12,
        subplot_titles=("Suppliers by sector", "The cascade, round by round"),
    )
    fig.add_trace(
        go.Bar(x=names, y=[0] * len(names), name="enter the park", marker_color=COLORS["primary"],
               hovertemplate="%{x}: %{y} suppliers enter; local output %{customdata:.2f} (100m yuan/yr)<extra></extra>"),
        row=1, col=1,
    )
    fig.add_trace(
        go.Bar(x=names, y=[0] * len(names), name="stay away", marker_color="#C9C9C9",
               hovertemplate="%{x}: %{y} candidates stay away<extra></extra>"),
        row=1, col=1,
    )
    fig.add_trace(
        go.Scatter(x=[0], y=[0], mode="lines+markers", name="suppliers in the park",
                   line=dict(color=COLORS["secondary"], width=3), marker=dict(size=8), showlegend=False,
                   hovertemplate="after round %{x}: %{y} suppliers<extra></extra>"),
        row=1, col=2,
    )
    fig.add_hline(y=len(suppliers), line=dict(color=COLORS["reference"], dash="dash", width=1), row=1, col=2,
                  annotation_text=f"all {len(suppliers)} candidates", annotation_position="bottom right")
    fig.update_yaxes(title_text="firms (count)", range=[0, most + 0.5], dtick=1, row=1, col=1)
    fig.update_xaxes(title_text="supplier sector", row=1, col=1)
    fig.update_yaxes(title_text="suppliers in the park (count)", range=[0, len(suppliers) * 1.08], row=1, col=2)
    fig.update_xaxes(title_text="round of entry (0 = anchor alone)", dtick=1, row=1, col=2)
    fig.update_layout(
        title=dict(text="Anchor demand and supplier entry (illustrative park data)",
                   yref="container", y=1, yanchor="top", pad=dict(t=14)),
        barmode="stack",
        legend=dict(orientation="h", x=0, y=1 + 30 / PLOT_HEIGHT, yanchor="bottom", traceorder="normal"),
        margin=dict(t=TOP, b=BOTTOM),
    )
    return fig


def readout(result: linkages.AnchorResult) -> str:
    c = result.cascade
    rounds = f"{c.rounds} round" + ("s" if c.rounds != 1 else "")
    offered = result.local_share * result.anchor_purchases.sum()
    return (
        f"<b>{result.n_suppliers} of {len(c.entered)}</b> suppliers enter, in {rounds} · "
        f"local output multiplier <b>{result.multiplier:.2f}</b><br>"
        f"({result.full_multiplier:.2f} if every sector were local) · local value added "
        f"<b>{result.value_added:.1f}</b> (100m yuan/yr)<br>"
        f"anchor's inputs {result.anchor_purchases.sum():.1f}: it would buy {offered:.1f} locally, "
        f"finds suppliers for {result.local_purchases.sum():.1f}; {result.leakage:.1f} bought outside"
    )


def update(result: linkages.AnchorResult, params: Mapping[str, float]) -> Update:
    """Bar heights, the cascade line and the readout for one scenario."""
    entered = [int(v) for v in result.suppliers_by_sector]
    away = [int(c - e) for c, e in zip(result.candidates, entered)]
    output = [round(float(v), 3) for v in result.cascade.sector_output]
    steps = list(result.cascade.cumulative)
    return Update(
        traces=[
            {"y": entered, "customdata": output},
            {"y": away},
            {"x": list(range(len(steps))), "y": steps},
        ],
        annotations=[
            dict(text=readout(result), x=0, y=1 + 120 / PLOT_HEIGHT, xref="paper", yref="paper", showarrow=False,
                 xanchor="left", yanchor="top", align="left", font=dict(size=13, color=COLORS["reference"]))
        ],
    )


def model(anchor_size: float, local_share: float) -> linkages.AnchorResult:
    """The anchor scenario on the course's illustrative park."""
    table, suppliers = inputs()
    return linkages.anchor_scenario(table, suppliers, anchor_size=anchor_size, local_share=local_share)


def explorer() -> Explorer:
    return Explorer(
        model=model,
        params=[
            Param("local_share", "Anchor's local purchasing share", 0.0, 1.0, 0.05, 0.5, static_step=0.1, fmt="{:.0%}"),
            Param("anchor_size", "Anchor's output (100m yuan per year)", 5, 60, 5, 25),
        ],
        figure=figure,
        update=update,
        alt=(
            "Explorer on illustrative data with two charts. Left: for six supplier sectors (CXO, APIs, "
            "packaging, equipment, logistics, services), stacked bars of candidate suppliers that enter the "
            "park and that stay away. Right: a line of the number of suppliers in the park after each round "
            "of the entry cascade. A readout gives the suppliers attracted, the local output multiplier and "
            "local value added. Two sliders set the anchor's local purchasing share and its output."
        ),
        height=HEIGHT,
        data=[linkages.IO_DATASET, linkages.SUPPLIER_DATASET],
    )
