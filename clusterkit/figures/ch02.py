"""Figure builders for Chapter 2 (Liushi): money figures kept apart by basis.

Every builder returns a ``go.Figure`` with a title and axis titles with units; show it with
``clusterkit.show(fig, alt=...)``.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..style import PALETTE

#: Yuan per unit of the money units used in the course's datasets (nominal yuan).
YUAN_PER_UNIT = {"yuan": 1.0, "10k yuan": 1e4, "m yuan": 1e6, "100m yuan": 1e8, "bn yuan": 1e9}

_QUALIFIER = {"exact": "", "about": "about ", "more_than": "more than ", "approaching": "nearly "}


def money_in_bn_yuan(figures: pd.DataFrame) -> pd.Series:
    """The ``value`` of money rows converted to bn yuan (nominal; NaN for rows in other units)."""
    return figures["value"] * figures["unit"].map(YUAN_PER_UNIT) / 1e9


def series_by_basis(
    figures: pd.DataFrame,
    *,
    title: str,
    series: str = "series",
    log: bool = True,
) -> go.Figure:
    """Money figures on one axis (bn yuan, nominal), one trace per ``series`` column value.

    Points of one series are joined by a line; points of different series never are, so a
    change of basis (company sales → group revenue, segment → whole industry) shows as a gap.
    The hover gives the figure as the source states it (value, unit, qualifier, basis).
    """
    df = figures.copy()
    df["bn_yuan"] = money_in_bn_yuan(df)
    df = df.dropna(subset=["bn_yuan", "year"]).sort_values("year")
    fig = go.Figure()
    for k, (name, part) in enumerate(df.groupby(series, sort=False)):
        hover = [
            f"<b>{name}</b><br>{int(y)}: {_QUALIFIER.get(q, '')}{v:,.6g} {u}<br>"
            f"= {b:,.4g} bn yuan<br><i>{basis}</i>"
            for y, v, u, q, b, basis in zip(part["year"], part["value"], part["unit"], part["qualifier"],
                                            part["bn_yuan"], part["basis"])
        ]
        fig.add_trace(
            go.Scatter(
                x=part["year"].astype(int), y=part["bn_yuan"], mode="lines+markers", name=str(name),
                line=dict(color=PALETTE[k % len(PALETTE)], width=2),
                marker=dict(size=11, color=PALETTE[k % len(PALETTE)], line=dict(color="white", width=1)),
                hovertext=hover, hoverinfo="text",
            )
        )
    fig.update_layout(title=title, legend=dict(orientation="h", y=-0.2, x=0), height=520)
    fig.update_xaxes(title_text="Year the figure refers to")
    if log:  # one labelled tick per power of ten
        fig.update_yaxes(title_text="bn yuan, nominal (log scale)", type="log", dtick=1)
    else:
        fig.update_yaxes(title_text="bn yuan, nominal")
    return fig


def town_map(firms, consolidation, *, title: str) -> go.Figure:
    """The (illustrative) town after licensing: group heads, the workshops tied to them, independents, exits.

    ``firms`` is a :class:`clusterkit.models.licensing.Firms`, ``consolidation`` the result of
    :func:`clusterkit.models.licensing.consolidate` on it. Each absorbed workshop is joined to its head.
    """
    import numpy as np

    from ..models.licensing import ABSORBED, EXITED, INDEPENDENT
    from ..style import COLORS

    xy, status, owner = firms.xy, consolidation.status, consolidation.owner
    absorbed = np.flatnonzero(status == ABSORBED)
    heads = np.unique(owner[absorbed])
    independent = np.setdiff1d(np.flatnonzero(status == INDEPENDENT), heads)
    exited = np.flatnonzero(status == EXITED)
    members = {int(h): int((owner[absorbed] == h).sum()) for h in heads}

    lx, ly = [], []
    for i in absorbed:
        h = owner[i]
        lx += [xy[i, 0], xy[h, 0], None]
        ly += [xy[i, 1], xy[h, 1], None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", name="tie to the group head", hoverinfo="skip",
                             line=dict(color=COLORS["positive"], width=0.8), opacity=0.45))

    def points(idx, name, colour, symbol, size, text):
        fig.add_trace(go.Scatter(
            x=xy[idx, 0], y=xy[idx, 1], mode="markers", name=name, hovertext=text, hoverinfo="text",
            marker=dict(color=colour, symbol=symbol, size=size, line=dict(color="white", width=0.8)),
        ))

    q = firms.quality
    points(exited, f"exited ({exited.size})", COLORS["muted"], "x-thin-open", 7,
           [f"exited · quality {q[i]:.0f}" for i in exited])
    points(independent, f"independent ({independent.size})", COLORS["primary"], "circle", 8,
           [f"independent · quality {q[i]:.0f}" for i in independent])
    points(absorbed, f"absorbed into a group ({absorbed.size})", COLORS["positive"], "circle", 7,
           [f"absorbed · quality {q[i]:.0f} → {max(q[i], consolidation.stringency):.0f}" for i in absorbed])
    points(heads, f"group head ({heads.size})", COLORS["negative"], "diamond", 15,
           [f"group head · quality {q[h]:.0f} · {members[int(h)]} workshops absorbed" for h in heads])
    fig.update_layout(title=title, height=600, legend=dict(orientation="h", y=-0.15, x=0))
    fig.update_xaxes(title_text="east–west (km, local grid)", constrain="domain")
    fig.update_yaxes(title_text="north–south (km, local grid)", scaleanchor="x", scaleratio=1)
    return fig
