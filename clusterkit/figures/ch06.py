"""Figure builders for Chapter 6 (cluster-advantage diffusion; Shenzhen electronics).

* :func:`population` — Shenzhen's population on two bases (yearly estimates and censuses), with a
  magazine's round figure: why one "population" series is three;
* :func:`histories` — sample histories of the location model: region A's share as firms arrive,
  with the lock-in bound (the funnel a history leaves for good once its lead locks in);
* :func:`final_shares` — where runs end: a histogram of region A's final share for one or more
  settings, optionally with a density drawn over it (Pólya's urn against Beta(a, b)).

Every builder returns a ``go.Figure`` with a title and axis titles with units; show it with
``clusterkit.show(fig, alt=..., data=...)``.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import shared
from ..models.urn import Runs
from ..style import COLORS, PALETTE

#: Bins of the final-share histograms: 20 bins of 5 percentage points.
BINS = np.linspace(0.0, 1.0, 21)


def sample_times(n_max: int, extra: Sequence[int] = ()) -> np.ndarray:
    """Arrivals at which a history is drawn: about 40 points spaced evenly on a log scale from 1 to
    ``n_max``, with ``extra`` ones (e.g. every slider position) and ``n_max`` itself."""
    t = set(np.unique(np.round(np.geomspace(1, n_max, 40)).astype(int)).tolist())
    t |= {int(v) for v in extra if 1 <= v <= n_max} | {int(n_max)}
    return np.array(sorted(t))


def funnel(bound: float, times: np.ndarray, start_total: int = 0) -> tuple[list, list]:
    """The lock-in bound as shares: A's share is 1/2 ± b/(2T) when its lead is ±b with T firms in all
    (T = start + arrivals). Two branches (upper, then lower) joined by a gap; points outside 0–1 left
    out (``None``). Returns (x, y) lists."""
    x, y = [], []
    for sign in (1, -1):
        for t in times:
            total = start_total + int(t)
            s = 0.5 + sign * bound / (2 * total) if total > 0 and not math.isinf(bound) else math.nan
            x.append(int(t))
            y.append(round(s, 4) if 0 <= s <= 1 else None)
        x.append(None)
        y.append(None)
    return x[:-1], y[:-1]


def path_points(runs: Runs, which: Sequence[int], times: np.ndarray) -> list:
    """Region A's share after each of ``times`` arrivals for the runs ``which``, one after the other
    with a gap (``None``) between runs; ``None`` past the run's last arrival."""
    times = np.asarray(times, dtype=int)
    inside = times <= runs.n_firms
    share = runs.share_path(list(which), times[inside])
    y: list = []
    for row in share:
        y += [round(float(v), 4) for v in row] + [None] * int((~inside).sum()) + [None]
    return y[:-1]


def histories(runs: Runs, *, title: str, n_show: int = 6, legend: bool = True) -> go.Figure:
    """Region A's share of all firms as they arrive (log scale) for the first ``n_show`` runs, with the
    lock-in bound: a history that crosses it is locked in and heads for 0% or 100%."""
    times = sample_times(runs.n_firms)
    fig = go.Figure()
    for j, k in enumerate(range(min(n_show, runs.n_runs))):
        fig.add_trace(go.Scatter(
            x=times, y=path_points(runs, [k], times), mode="lines", name=f"history {j + 1}",
            line=dict(color=PALETTE[j % len(PALETTE)], width=2), showlegend=legend,
            hovertemplate="after %{x} firms: region A has %{y:.0%}<extra>history " + str(j + 1) + "</extra>",
        ))
    if not math.isinf(runs.bound):
        fx, fy = funnel(runs.bound, times, sum(runs.start))
        fig.add_trace(go.Scatter(
            x=fx, y=fy, mode="lines", name=f"lock-in bound (lead of {runs.bound:.0f} firms)",
            line=dict(color=COLORS["reference"], dash="dash", width=1.5), hoverinfo="skip",
        ))
    fig.add_hline(y=0.5, line=dict(color=COLORS["muted"], dash="dot", width=1))
    fig.update_layout(title=title, height=420)
    if legend:
        # the key between title and plot: under it, on a phone, it squeezed the plot to a sliver
        shared.key_above(fig)
    fig.update_xaxes(title_text="Firms arrived (count, log scale)", type="log", dtick=1,
                     range=[0, math.log10(runs.n_firms) + 0.02])
    fig.update_yaxes(title_text="Region A's share of all firms (%)", range=[0, 1], tickformat=".0%")
    return fig


def histogram(shares: np.ndarray) -> np.ndarray:
    """Percent of runs in each 5-point bin of final share (the last bin includes 100%)."""
    counts, _ = np.histogram(np.asarray(shares, dtype=float), bins=BINS)
    return 100.0 * counts / max(len(shares), 1)


def final_shares(runs: Mapping[str, Runs] | Runs, *, title: str,
                 density: tuple[str, Sequence[float], Sequence[float]] | None = None) -> go.Figure:
    """Where the runs end: the percent of runs whose region A ends in each 5-point bin of share, one
    bar series per setting; ``density=(label, x, pdf)`` draws a probability density over it, scaled to
    percent of runs per bin (pdf × 5)."""
    groups = {"runs": runs} if isinstance(runs, Runs) else dict(runs)
    centres = (BINS[:-1] + BINS[1:]) / 2
    fig = go.Figure()
    for j, (label, r) in enumerate(groups.items()):
        fig.add_trace(go.Bar(
            x=centres, y=histogram(r.final_share).round(2), width=0.05 if len(groups) == 1 else 0.05 / len(groups),
            name=label, marker_color=PALETTE[j % len(PALETTE)], opacity=0.9,
            hovertemplate="final share %{x:.0%} ± 2.5 points: %{y:.1f}% of runs<extra>" + label + "</extra>",
        ))
    if density is not None:
        label, x, pdf = density
        fig.add_trace(go.Scatter(x=list(x), y=[5.0 * v for v in pdf], mode="lines", name=label,
                                 line=dict(color=COLORS["reference"], width=2.5),
                                 hovertemplate="share %{x:.0%}: %{y:.1f}% of runs per 5-point bin<extra></extra>"))
    fig.update_layout(title=title, barmode="group", bargap=0.05, height=420,
                      legend=dict(orientation="h", x=0, y=-0.25), showlegend=len(groups) > 1 or density is not None)
    fig.update_xaxes(title_text="Region A's final share of firms (%)", range=[0, 1], tickformat=".0%", dtick=0.1)
    fig.update_yaxes(title_text="Runs (% in each 5-point bin)", rangemode="tozero")
    return fig


def population(figures: pd.DataFrame, *, title: str) -> go.Figure:
    """Shenzhen's population on each basis of ``06_shenzhen_figures``: the yearbook's year-end
    permanent population (a line), the censuses (diamonds) and Beijing Review's round figure for 2000
    (a cross), in million persons (converted from persons where needed)."""
    def rows(metric: str) -> pd.DataFrame:
        df = figures[figures["metric"] == metric].sort_values("year")
        scale = np.where(df["unit"] == "persons", 1e-6, 1.0)
        return df.assign(million=df["value"].to_numpy(dtype=float) * scale)

    series = [
        ("permanent population (year-end)", "yearly estimate (yearbook, year-end permanent residents)", "lines+markers",
         dict(color=COLORS["primary"], size=7), dict(color=COLORS["primary"], width=2.5)),
        ("census population", "census count", "markers",
         dict(color=COLORS["secondary"], size=13, symbol="diamond", line=dict(color="white", width=1)), None),
        ("population (as stated)", "'population of 4 million' (Beijing Review, 2000; basis not stated)", "markers",
         dict(color=COLORS["negative"], size=13, symbol="x"), None),
    ]
    fig = go.Figure()
    for metric, name, mode, marker, line in series:
        df = rows(metric)
        if df.empty:
            continue
        fig.add_trace(go.Scatter(
            x=df["year"].astype(int), y=df["million"].round(3), mode=mode, name=name, marker=marker,
            line=line, hovertemplate="%{x}: %{y:.2f} million<extra>" + name + "</extra>",
        ))
    fig.update_layout(title=title, height=440, legend=dict(orientation="h", x=0, y=-0.22))
    fig.update_xaxes(title_text="Year")
    fig.update_yaxes(title_text="Population (million persons)", rangemode="tozero")
    return fig
