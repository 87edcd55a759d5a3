"""Figure builders for Chapter 2 (Liushi): money figures kept apart by basis, the town after licensing,
the market for lemons round by round, and every random draw of the licensing × radius results.

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


def lemons_rounds(runs, *, title: str) -> go.Figure:
    """The market for lemons round by round: the price buyers pay (top panel) and the average
    quality on offer (bottom panel), one line per case (e.g. without and with a quality floor).

    ``runs`` maps each case's name (shown in the legend) to a frame with the columns ``round``,
    ``price`` and ``quality``, as the chapter's ``lemons()`` computes them. Price and quality are
    on one scale: a switch of quality q costs q to make.
    """
    from plotly.subplots import make_subplots

    if not runs:
        raise ValueError("lemons_rounds needs at least one case")
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.2,
                        subplot_titles=("Price buyers pay", "Average quality on offer"))
    dashes = ("solid", "dash", "dot", "dashdot")
    for k, (name, frame) in enumerate(runs.items()):
        missing = {"round", "price", "quality"} - set(frame.columns)
        if missing:
            raise ValueError(f"case {name!r} lacks the column(s) {sorted(missing)}")
        colour, dash = PALETTE[k % len(PALETTE)], dashes[k % len(dashes)]
        for row, column, what in ((1, "price", "price"), (2, "quality", "average quality on offer")):
            fig.add_trace(go.Scatter(
                x=frame["round"].astype(int).tolist(), y=frame[column].astype(float).tolist(), mode="lines+markers",
                name=str(name), legendgroup=str(name), showlegend=row == 1,
                line=dict(color=colour, width=2.5, dash=dash), marker=dict(size=8, color=colour),
                hovertemplate=f"round %{{x}}: {what} %{{y:.1f}}<extra>{name}</extra>",
            ), row=row, col=1)
    top = max(float(f[c].max()) for f in runs.values() for c in ("price", "quality"))
    fig.update_yaxes(range=[0, top * 1.1], row=1, col=1, title_text="price (cost units)")
    fig.update_yaxes(range=[0, 100], row=2, col=1, title_text="quality (score 0–100)")
    fig.update_xaxes(title_text="round of trading", dtick=1)
    fig.update_layout(title=title, height=600, legend=dict(orientation="h", y=-0.16, x=0))
    return fig


def _never_axis(finite_max: float) -> tuple[list[float], list[str], float]:
    """Ticks for a months axis with a 'never' band above the longest finite time."""
    step = 5 if finite_max <= 25 else 10
    top = step * (int(finite_max // step) + 1)
    ticks = list(range(0, top + 1, step))
    never = top + step
    return [*ticks, never], [str(t) for t in ticks] + ["never"], never


def draws_by_condition(months: pd.DataFrame, *, title: str, highlight_seed: int | None = 0) -> go.Figure:
    """Every random draw of every condition: months until a share of the workshops adopt.

    ``months`` has one row per run, with the columns ``threshold`` (licence threshold), ``radius``
    (collaboration radius, km), ``seed`` and ``months`` (``math.inf`` when the share is never
    reached). One panel per radius (two columns); in each, one column of points per threshold: a
    point for each draw (jittered sideways so that equal times do not hide each other), a bar from
    the fastest to the slowest draw that gets there, a tick at the median of all draws (drawn when
    it is finite, i.e. when more than half the draws get there) and, in a band labelled "never" at
    the top, the draws that never do. ``highlight_seed`` (the explorer's draw) is ringed.
    """
    import math

    import numpy as np
    from plotly.subplots import make_subplots

    from ..style import COLORS

    missing = {"threshold", "radius", "seed", "months"} - set(months.columns)
    if missing:
        raise ValueError(f"draws_by_condition needs the column(s) {sorted(missing)}")
    df = months.astype({"months": float})
    radii = sorted(df["radius"].unique())
    thresholds = sorted(df["threshold"].unique())
    seeds = sorted(df["seed"].unique())
    finite = df.loc[np.isfinite(df["months"]), "months"]
    tickvals, ticktext, never = _never_axis(float(finite.max()) if len(finite) else 0.0)
    cols = 2 if len(radii) > 1 else 1
    rows = math.ceil(len(radii) / cols)
    # Axes are not shared: on a phone the panels stack in one column (``display``), each with its ticks.
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.1, vertical_spacing=0.2,
                        subplot_titles=[f"radius {r:g} km" for r in radii])
    spread = 0.5  # width of the jitter, in threshold columns
    offset = {s: (k - (len(seeds) - 1) / 2) * spread / max(len(seeds) - 1, 1) for k, s in enumerate(seeds)}
    names = {"range": "fastest to slowest draw", "median": "median of the draws", "draw": "one draw",
             "never": "a draw that never gets there", "seed": f"the explorer's draw (seed {highlight_seed})"}
    for p, r in enumerate(radii):
        row, col = p // cols + 1, p % cols + 1
        first = p == 0
        bx, by, mx, my, mtext = [], [], [], [], []
        pts = {"draw": ([], [], []), "never": ([], [], []), "seed": ([], [], [])}
        for i, t in enumerate(thresholds):
            cell = df[(df["radius"] == r) & (df["threshold"] == t)]
            got = cell.loc[np.isfinite(cell["months"]), "months"]
            if len(got):
                bx += [i, i, None]
                by += [float(got.min()), float(got.max()), None]
            median = float(np.median(cell["months"])) if len(cell) else math.inf
            if math.isfinite(median):
                mx.append(i)
                my.append(median)
                mtext.append(f"threshold {t:g}, radius {r:g} km: median {median:g} months "
                             f"({len(got)} of {len(cell)} draws get there)")
            for s, m in zip(cell["seed"], cell["months"]):
                x, reached = i + offset[s], math.isfinite(m)
                label = (f"threshold {t:g}, radius {r:g} km, seed {s}: "
                         + (f"{m:.0f} months" if reached else "never"))
                kind = "draw" if reached else "never"
                pts[kind][0].append(x)
                pts[kind][1].append(m if reached else never)
                pts[kind][2].append(label)
                if s == highlight_seed:
                    pts["seed"][0].append(x)
                    pts["seed"][1].append(m if reached else never)
                    pts["seed"][2].append(label)
        fig.add_trace(go.Scatter(x=bx, y=by, mode="lines", name=names["range"], legendgroup="range",
                                 showlegend=first, hoverinfo="skip", opacity=0.3,
                                 line=dict(color=COLORS["primary"], width=9)), row=row, col=col)
        fig.add_trace(go.Scatter(x=pts["draw"][0], y=pts["draw"][1], mode="markers", name=names["draw"],
                                 legendgroup="draw", showlegend=first, hovertext=pts["draw"][2], hoverinfo="text",
                                 marker=dict(size=6, color=COLORS["primary"], line=dict(color="white", width=0.5))),
                      row=row, col=col)
        fig.add_trace(go.Scatter(x=pts["never"][0], y=pts["never"][1], mode="markers", name=names["never"],
                                 legendgroup="never", showlegend=first, hovertext=pts["never"][2], hoverinfo="text",
                                 marker=dict(size=7, color=COLORS["negative"], symbol="x-thin-open",
                                             line=dict(color=COLORS["negative"], width=1.5))), row=row, col=col)
        fig.add_trace(go.Scatter(x=mx, y=my, mode="markers", name=names["median"], legendgroup="median",
                                 showlegend=first, hovertext=mtext, hoverinfo="text",
                                 marker=dict(size=20, color=COLORS["reference"], symbol="line-ew-open",
                                             line=dict(color=COLORS["reference"], width=3))), row=row, col=col)
        if highlight_seed is not None:
            fig.add_trace(go.Scatter(x=pts["seed"][0], y=pts["seed"][1], mode="markers", name=names["seed"],
                                     legendgroup="seed", showlegend=first, hovertext=pts["seed"][2], hoverinfo="text",
                                     marker=dict(size=12, color=COLORS["accent"], symbol="circle-open",
                                                 line=dict(color=COLORS["accent"], width=2))), row=row, col=col)
        # a faint line between the months and the "never" band
        fig.add_hline(y=(tickvals[-2] + never) / 2, line=dict(color=COLORS["muted"], width=1, dash="dot"),
                      row=row, col=col)
    ticks = ["none" if t == 0 else f"{t:g}" for t in thresholds]
    fig.update_xaxes(tickvals=list(range(len(thresholds))), ticktext=ticks, range=[-0.6, len(thresholds) - 0.4],
                     zeroline=False)
    fig.update_yaxes(tickvals=tickvals, ticktext=ticktext, range=[-1.5, never + (tickvals[1] - tickvals[0]) * 0.6])
    fig.update_xaxes(title_text="licence threshold (score)")
    fig.update_yaxes(title_text="months to half")
    fig.update_layout(title=title, height=330 * rows + 140, legend=dict(orientation="h", y=-0.13, x=0))
    return fig


def draws_summary(months: pd.DataFrame, *, share: str = "half the workshops") -> str:
    """The numbers of :func:`draws_by_condition` in words (for the figure's alt text): for each
    radius and threshold, the median and range of months over the draws, or how many draws get there."""
    import math

    import numpy as np

    parts = []
    for r, by_r in months.groupby("radius", sort=True):
        cells = []
        for t, cell in by_r.groupby("threshold", sort=True):
            m = cell["months"].astype(float).to_numpy()
            got = np.sort(m[np.isfinite(m)])
            name = "no licensing" if t == 0 else f"threshold {t:g}"
            span = (f"{got[0]:.0f}" if got[0] == got[-1] else f"{got[0]:.0f}–{got[-1]:.0f}") if got.size else ""
            if not got.size:
                cells.append(f"{name}: never")
            elif got.size < m.size:
                cells.append(f"{name}: {got.size} of {m.size} draws get there ({span} months)")
            else:
                median = float(np.median(m))
                cells.append(f"{name}: median {median:g} months ({span})" if math.isfinite(median) else name)
        parts.append(f"Radius {r:g} km — " + "; ".join(cells) + ".")
    return f"Months until {share} adopt, over {months['seed'].nunique()} random draws. " + " ".join(parts)
