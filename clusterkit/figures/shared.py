"""Figure builders shared by the chapters (the notebooks stay thin); re-exported by :mod:`clusterkit.figures`.

Every builder returns a ``go.Figure`` with a title and axis titles with units; show it with
``clusterkit.show(fig, alt=...)``.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..style import COLORS, PALETTE

#: A diverging scale centred on 1 for location quotients (blue below, orange above),
#: from the Okabe–Ito hues, readable with the common colour-vision deficiencies.
LQ_SCALE = [[0.0, "#0072B2"], [0.5, "#F7F7F7"], [1.0, "#D55E00"]]


#: A timeline's row names wrap at this many characters, so that on a phone they leave the chart its width.
ROW_LABEL_CHARS = 16


#: Height of one line of a key (legend), px, and of the title line above the key.
KEY_LINE_PX, TITLE_PX = 21, 64


def key_above(fig: go.Figure, title: str = "") -> go.Figure:
    """Put the figure's key (legend) between its title and its plot, one entry a line.

    At the side a key squeezes the plot on a wide screen and covers it on a phone; under the plot it
    collides with tick labels whose height depends on the screen (rotated years). Above, its height is
    known: the top margin is made to hold it (the page's title script adds room when the title wraps)."""
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.name)
    lines = entries + (1 if title else 0)
    fig.update_layout(
        legend=dict(orientation="v", x=0, xanchor="left", y=1.0, yanchor="bottom", title_text=title,
                    font=dict(size=12), bgcolor="rgba(0,0,0,0)"),
        margin=dict(t=TITLE_PX + KEY_LINE_PX * lines + 12),
        title=dict(y=1, yref="container", yanchor="top", pad=dict(t=20)),  # the title on top, the key under it
    )
    fig.update_layout(height=(fig.layout.height or 450) + KEY_LINE_PX * lines)
    return fig


def to_timestamp(dates: pd.Series) -> pd.Series:
    """ISO dates of any precision (YYYY, YYYY-MM, YYYY-MM-DD) as timestamps (start of period)."""
    text = dates.astype("string")
    full = text.where(text.str.len() != 4, text + "-01-01")
    full = full.where(full.str.len() != 7, full + "-01")
    return pd.to_datetime(full, format="%Y-%m-%d")


def timeline(
    events: pd.DataFrame,
    *,
    title: str,
    date: str = "date",
    label: str = "event",
    group: str | None = None,
    group_title: str = "",
    wrap: int = 60,
    close_days: int = 300,
    short: str | None = "short",
) -> go.Figure:
    """A dated timeline: one marker per event, one row per group, hover text wrapped.

    Events of one row that fall within ``close_days`` of each other are staggered up and
    down so that every marker can be reached with the mouse. Dates keep the precision of the
    source (the hover shows the date as the source gives it).

    If ``events`` has a column ``short`` (a few words), each event with a non-empty short label
    has it written by its marker with the year, alternately below and above it (rows alternate
    the other way round); labels near either end of the axis are aligned inwards so that none
    runs off the figure. Events with an empty label are marked, not labelled (minor events).
    """
    df = events.copy()
    df["_t"] = to_timestamp(df[date])
    df = df.sort_values("_t")
    groups = list(dict.fromkeys(df[group])) if group else ["events"]
    fig = go.Figure()
    for k, g in enumerate(groups):
        part = df[df[group] == g] if group else df
        offsets, last, step = [], None, 0
        for t in part["_t"]:
            step = step + 1 if last is not None and (t - last).days < close_days else 0
            offsets.append([0.0, 0.22, -0.22, 0.11, -0.11][step % 5])
            last = t
        hover = [
            f"<b>{d}</b><br>" + "<br>".join(textwrap.wrap(str(text), wrap))
            for d, text in zip(part[date], part[label])
        ]
        fig.add_trace(
            go.Scatter(
                x=part["_t"], y=[k + o for o in offsets], mode="markers", name=str(g),
                marker=dict(size=13, color=PALETTE[k % len(PALETTE)], symbol="diamond",
                            line=dict(color="white", width=1)),
                hovertext=hover, hoverinfo="text",
            )
        )
    fig.update_layout(title=title, showlegend=False, height=140 + 55 * len(groups), margin=dict(l=20))
    labelled = short is not None and short in df.columns
    if labelled:
        start, end = df["_t"].min(), df["_t"].max()
        span = end - start
        for k, trace in enumerate(fig.data):
            part = df[df[group].astype(str) == trace.name] if group else df
            sides = ("bottom", "top") if k % 2 == 0 else ("top", "bottom")
            texts, positions, j = [], [], 0
            for t, s_, d in zip(part["_t"], part[short], part[date]):
                s_ = "" if pd.isna(s_) else str(s_).strip()
                align = ("right" if t < start + 0.15 * span else "left" if t > end - 0.15 * span else "center")
                texts.append(f"{s_}<br>{str(d)[:4]}" if s_ else "")
                positions.append(f"{sides[j % 2]} {align}")
                j += bool(s_)
            # a minor event (no short label) is a smaller hollow marker, so that it does not look like a
            # key event whose label is missing; the axis title says what hollow markers are
            trace.update(mode="markers+text", text=texts, textposition=positions, textfont=dict(size=11),
                         marker_size=[11 if t else 9 for t in texts],
                         marker_symbol=["diamond" if t else "diamond-open" for t in texts],
                         marker_line_width=[1 if t else 2 for t in texts],
                         marker_line_color=["white" if t else trace.marker.color for t in texts],
                         cliponaxis=False)
        pad = pd.DateOffset(months=10)
        fig.update_xaxes(range=[start - pad, end + pad])
        fig.update_layout(height=170 + 80 * len(groups), title=dict(xref="container", x=0.01))
    minor = labelled and any(pd.isna(s_) or not str(s_).strip() for s_ in df[short])
    x_title = "Date (year)"
    if minor:
        x_title += "<br><span style='font-size:11px'>hollow markers: minor events (hover or tap for details)</span>"
        fig.update_layout(margin=dict(b=90))
    fig.update_xaxes(title_text=x_title, type="date", showgrid=True)
    fig.update_layout(meta={"ck_kind": "timeline"})  # the browser tests find timelines by it
    lo, hi = (-0.7, 0.3) if labelled else (-0.6, 0.4)
    if group:
        fig.update_yaxes(title_text=group_title or group, automargin=True, tickvals=list(range(len(groups))),
                         ticktext=["<br>".join(textwrap.wrap(str(g), ROW_LABEL_CHARS)) for g in groups], range=[lo, len(groups) - 1 + hi], zeroline=False)
    else:
        fig.update_yaxes(visible=False, range=[lo, hi])
    return fig


def lq_heatmap(lq: pd.DataFrame, *, title: str, cap: float = 3.0) -> go.Figure:
    """Location quotients as a heatmap: orange above 1 (specialised), blue below.

    Colours saturate at ``cap`` (and 1/``cap``) so one extreme cell does not wash out the rest;
    the cell text gives the exact value.
    """
    z = np.log(lq.clip(lower=1 / cap, upper=cap).astype(float).values)
    fig = go.Figure(
        go.Heatmap(
            z=z, x=list(lq.columns), y=list(lq.index), colorscale=LQ_SCALE,
            zmin=-np.log(cap), zmax=np.log(cap), text=lq.round(2).values, texttemplate="%{text}",
            hovertemplate="%{y}, %{x}: LQ %{text}<extra></extra>",
            colorbar=dict(title="LQ", tickvals=[-np.log(cap), -np.log(2), 0, np.log(2), np.log(cap)],
                          ticktext=[f"≤{1/cap:.2g}", "0.5", "1", "2", f"≥{cap:g}"]),
        )
    )
    fig.update_layout(title=title, height=160 + 60 * len(lq.index))
    fig.update_xaxes(title_text="Industry", side="bottom")
    fig.update_yaxes(title_text="Region", autorange="reversed")
    return fig


def shift_share_bars(decomposition: pd.DataFrame, *, title: str, unit: str) -> go.Figure:
    """Stacked bars of shift-share components by industry, with the actual change marked."""
    names = {"national_share": "National share", "industry_mix": "Industry mix", "competitive": "Competitive"}
    colours = {"national_share": COLORS["muted"], "industry_mix": COLORS["secondary"], "competitive": COLORS["positive"]}
    fig = go.Figure()
    for key, name in names.items():
        fig.add_trace(
            go.Bar(x=list(decomposition.index), y=decomposition[key], name=name, marker_color=colours[key],
                   hovertemplate="%{x}: %{y:+.1f} " + unit + "<extra>" + name + "</extra>")
        )
    fig.add_trace(
        go.Scatter(x=list(decomposition.index), y=decomposition["total_change"], mode="markers",
                   name="Actual change", marker=dict(symbol="line-ew-open", size=28, color=COLORS["reference"],
                                                       line=dict(width=3)),
                   hovertemplate="%{x}: actual change %{y:+.1f} " + unit + "<extra></extra>")
    )
    fig.update_layout(title=title, barmode="relative", legend=dict(orientation="h", y=-0.25))
    fig.update_xaxes(title_text="Industry")
    fig.update_yaxes(title_text=f"Change ({unit})", zeroline=True, zerolinecolor="#888")
    return fig


def bars(
    values: pd.Series | pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    reference: float | None = None,
    reference_label: str = "",
    horizontal: bool = False,
) -> go.Figure:
    """Bars of a Series (one colour) or of a DataFrame's columns (grouped), with an optional
    dashed reference line (e.g. 1 for an index that averages 1)."""
    frame = values.to_frame() if isinstance(values, pd.Series) else values
    fig = go.Figure()
    for k, col in enumerate(frame.columns):
        cats, vals = [str(i) for i in frame.index], frame[col].tolist()
        fig.add_trace(
            go.Bar(
                x=vals if horizontal else cats, y=cats if horizontal else vals, orientation="h" if horizontal else "v",
                name=str(col), marker_color=PALETTE[k % len(PALETTE)],
                hovertemplate=("%{y}: %{x:.3g}" if horizontal else "%{x}: %{y:.3g}") + f"<extra>{col}</extra>",
            )
        )
    if reference is not None:
        line = dict(color=COLORS["reference"], dash="dash", width=1)
        if horizontal:
            fig.add_vline(x=reference, line=line, annotation_text=reference_label)
        else:
            fig.add_hline(y=reference, line=line, annotation_text=reference_label)
    fig.update_layout(title=title, barmode="group", showlegend=len(frame.columns) > 1)
    fig.update_xaxes(title_text=y_title if horizontal else x_title)
    fig.update_yaxes(title_text=x_title if horizontal else y_title)
    return fig
