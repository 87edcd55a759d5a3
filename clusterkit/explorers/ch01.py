"""Chapter 1 explorer: how big an anchor, buying how much locally, pulls in how many suppliers.

Runs :func:`clusterkit.models.linkages.anchor_scenario` on the illustrative park table
(``01_park_io_illustrative``) and candidate suppliers (``01_suppliers_illustrative``).
Two parameters:

* ``local_share`` — the share of its inputs the anchor buys inside the park (0–1);
* ``anchor_size`` — the anchor's output, 100m yuan per year.

Left: suppliers that enter (by round of entry) and candidates that stay away, by sector. Right: the cascade,
suppliers in the park after each round of entry (round 1 = pulled in by the anchor alone).
"""
from __future__ import annotations

import functools
from typing import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..explore import Explorer, Param, Update, compare
from ..models import linkages
from ..style import COLORS

SHORT = linkages.SHORT_NAMES

# Layout in pixels: title and legend above the plots; axis titles below.
HEIGHT, TOP, BOTTOM = 560, 110, 110
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
#: Rounds of entry shown apart (the explorer's grid, live steps included, needs three);
#: a later round would be counted with the last.
ROUNDS = 3
ROUND_COLOURS = ("#0072B2", "#56B4E9", "#BFE3F7")


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
        subplot_titles=("Suppliers by sector and round of entry", "The cascade, round by round"),
    )
    for r in range(1, ROUNDS + 1):
        label = f"round {r}"
        fig.add_trace(
            go.Bar(x=names, y=[0] * len(names), name=f"enter in {label}", marker_color=ROUND_COLOURS[r - 1],
                   hovertemplate="%{x}: %{y} suppliers enter in " + label + "<extra></extra>"),
            row=1, col=1,
        )
    fig.add_trace(
        go.Bar(x=names, y=[0] * len(names), name="stay away", customdata=[0.0] * len(names),
               marker=dict(color="#FFFFFF", line=dict(color="#8A8A8A", width=1),
                           pattern=dict(shape="/", fgcolor="#A8A8A8", size=6)),
               hovertemplate="%{x}: %{y} candidates stay away; local output %{customdata:.2f} (100m yuan/yr)"
                             "<extra></extra>"),
        row=1, col=1,
    )
    fig.add_trace(
        go.Scatter(x=[0], y=[0], mode="lines+markers+text", name="suppliers in the park",
                   line=dict(color=COLORS["secondary"], width=3), marker=dict(size=8), showlegend=False,
                   textposition="top left", textfont=dict(size=12, color=COLORS["reference"]),
                   hovertemplate="after round %{x}: %{y} suppliers<extra></extra>"),
        row=1, col=2,
    )
    fig.add_hline(y=len(suppliers), line=dict(color=COLORS["reference"], dash="dash", width=1), row=1, col=2,
                  annotation_text=f"all {len(suppliers)} candidates", annotation_position="bottom left")
    fig.update_yaxes(title_text="firms (count)", range=[0, most + 0.5], dtick=1, row=1, col=1)
    fig.update_xaxes(title_text="supplier sector", row=1, col=1)
    fig.update_yaxes(title_text="suppliers in the park (count)", range=[0, len(suppliers) * 1.08], row=1, col=2)
    fig.update_xaxes(title_text="round of entry (0 = anchor alone)", dtick=1, rangemode="tozero", row=1, col=2)
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
        f"<b>{result.n_suppliers} of {len(c.entered)}</b> candidate suppliers enter, in {rounds} · "
        f"local output multiplier <b>{result.multiplier:.2f}</b> (ratio; "
        f"{result.full_multiplier:.2f} if every sector were in the park and bought all it could there) · "
        f"local value added <b>{result.value_added:.1f}</b> (100m yuan/yr)<br>"
        f"The anchor buys inputs worth {result.anchor_purchases.sum():.1f} (100m yuan/yr). At this local share it "
        f"would buy {offered:.1f} of them in the park; it finds park suppliers for "
        f"{result.local_purchases.sum():.1f}, and {result.leakage:.1f} leaks out (bought outside the park)"
    )


def caption(result: linkages.AnchorResult, default: linkages.AnchorResult) -> str:
    """What the change did to entry, the multiplier and the park's income."""
    n, n0 = result.n_suppliers, default.n_suppliers
    more = f"{abs(n - n0)} {'more' if n > n0 else 'fewer'} suppliers enter ({n0} → {n})" if n != n0 else \
        f"as many suppliers enter ({n})"
    return "; ".join([
        more + f", in {result.cascade.rounds} round" + ("s" if result.cascade.rounds != 1 else "")
        + f" (default {default.cascade.rounds})",
        compare("local output multiplier", result.multiplier, default.multiplier, "{:.2f}"),
        compare("local value added", result.value_added, default.value_added, "{:.1f}", "(100m yuan/yr)"),
    ])


def update(result: linkages.AnchorResult, params: Mapping[str, float]) -> Update:
    """Bars by round of entry, the cascade line and the readout for one scenario."""
    _, suppliers = inputs()
    n_sectors = len(result.candidates)
    by_round = [[0] * n_sectors for _ in range(ROUNDS)]
    for sector, r in zip(suppliers.sector, result.cascade.entry_round):
        if r > 0:
            by_round[min(int(r), ROUNDS) - 1][int(sector)] += 1
    entered = [int(v) for v in result.suppliers_by_sector]
    away = [int(c - e) for c, e in zip(result.candidates, entered)]
    output = [round(float(v), 3) for v in result.cascade.sector_output]
    steps = list(result.cascade.cumulative)
    labels = [f"{s}" for s in steps]
    return Update(
        traces=[{"y": ys} for ys in by_round] + [
            {"y": away, "customdata": output},
            {"x": list(range(len(steps))), "y": steps, "text": labels},
        ],
        readout=readout(result),
    )


def model(anchor_size: float, local_share: float) -> linkages.AnchorResult:
    """The anchor scenario on the course's illustrative park."""
    table, suppliers = inputs()
    return linkages.anchor_scenario(table, suppliers, anchor_size=anchor_size, local_share=local_share)


def explorer() -> Explorer:
    return Explorer(
        model=model,
        params=[
            Param("local_share", "Anchor's local purchasing share", 0.0, 1.0, 0.05, 0.5, static_step=0.1, fmt="{:.0%}",
                  short="local purchasing share"),
            Param("anchor_size", "Anchor's output (100m yuan per year)", 5, 60, 5, 25, unit="(100m yuan/yr)",
                  short="anchor's output"),
        ],
        figure=figure,
        update=update,
        ghost=[(0, 1, 2), 4],
        caption=caption,
        alt=(
            "Explorer on illustrative data with two charts. Left: for six supplier sectors (CXO, APIs, "
            "packaging, equipment, logistics, services), stacked bars of candidate suppliers that enter the "
            "park, coloured by the round of the cascade in which they enter (round 1, 2 or 3), and of those "
            "that stay away; a dark marker shows how many enter at the defaults. Right: a line of the number "
            "of suppliers in the park after each round of the entry cascade, with the default run dotted. "
            "A readout gives the suppliers attracted, the local output multiplier and local value added. "
            "Two sliders set the anchor's local purchasing share and its output."
        ),
        height=HEIGHT,
        data=[linkages.IO_DATASET, linkages.SUPPLIER_DATASET],
    )
