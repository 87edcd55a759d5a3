"""Chapter 1 figure: where the candidate suppliers' thresholds sit against the anchor's demand."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..models.linkages import AnchorResult, Suppliers
from ..style import COLORS


def thresholds(result: AnchorResult, suppliers: Suppliers) -> go.Figure:
    """Each candidate's entry threshold by sector (filled: entered), with the demand the anchor
    alone offers each sector (s·Q·b_i) and the demand at the end of the cascade."""
    from ..explorers.ch01 import SHORT

    short = [SHORT.get(s, s) for s in result.sectors]
    rng = np.random.default_rng(0)  # horizontal jitter only, so dots in one sector do not hide each other
    x = np.array([short[k] for k in suppliers.sector])
    jitter = rng.uniform(-0.18, 0.18, len(x))
    positions = np.array([short.index(v) for v in x]) + jitter
    fig = go.Figure()
    for entered, label, symbol in ((True, "entered", "circle"), (False, "stayed away", "circle-open")):
        mask = result.cascade.entered == entered
        fig.add_trace(go.Scatter(
            x=positions[mask], y=suppliers.threshold[mask], mode="markers", name=label,
            marker=dict(symbol=symbol, size=9, color=COLORS["primary"], line=dict(width=1.5, color=COLORS["primary"])),
            text=[suppliers.ids[i] for i in np.flatnonzero(mask)],
            hovertemplate="%{text}: threshold %{y:.2f} (100m yuan/yr)<extra>" + label + "</extra>",
        ))
    first = result.local_share * result.anchor_purchases
    for values, label, colour, dash in ((first, "demand from the anchor alone (round 1)", COLORS["secondary"], "dash"),
                                        (result.cascade.demand, "demand at the end of the cascade", COLORS["positive"], "solid")):
        fig.add_trace(go.Scatter(
            x=np.repeat(np.arange(len(short)), 3).astype(float) + np.tile([-0.3, 0.3, np.nan], len(short)),
            y=np.repeat(values, 3) * np.tile([1, 1, np.nan], len(short)),
            mode="lines", name=label, line=dict(color=colour, width=2.5, dash=dash), hoverinfo="skip",
        ))
    fig.update_layout(
        title="Entry thresholds of candidate suppliers (illustrative)",
        legend=dict(orientation="h", y=-0.22, x=0),
        height=560,
    )
    fig.update_xaxes(title_text="Supplier sector", tickvals=list(range(len(short))), ticktext=short)
    fig.update_yaxes(title_text="Local demand (100m yuan per year, log scale)", type="log",
                     tickvals=[0.1, 0.2, 0.5, 1, 2, 5], ticktext=["0.1", "0.2", "0.5", "1", "2", "5"])
    return fig
