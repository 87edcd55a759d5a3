"""Chapter 6 explorer: how strong an agglomeration benefit, and how many firms, until one region wins?

Runs :func:`clusterkit.models.urn.locate` (Arthur's increasing-returns location model) with the
chapter's illustrative settings (``06_location_illustrative``: taste premium 1, half the firms
preferring each region, 400 runs, seed 2026). Two parameters:

* ``agglomeration`` — what each firm already in a region adds to its payoff for later firms
  (payoff units per firm; the taste premium is 1);
* ``n_firms`` — the firms that arrive in each run.

Left: where the 400 runs end — the percent of runs in each 5-point bin of region A's final share,
the bins where one region holds more than 90% in orange. Right: a few of the histories (region A's
share as firms arrive, log scale) and the lock-in bound, the funnel a history leaves for good.
"""
from __future__ import annotations

import functools
import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..explore import Explorer, Param, Update
from ..figures import ch06 as figs
from ..models import urn
from ..style import COLORS

HEIGHT, TOP, BOTTOM = 560, 110, 80
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
#: Histories drawn in the right panel (the first runs of the seed).
N_PATHS = 5
N_MAX = 1000
#: Where the histories are drawn: a log-spaced grid with every slider position of ``n_firms``.
TIMES = figs.sample_times(N_MAX, extra=range(100, N_MAX + 1, 50))
CENTRES = ((figs.BINS[:-1] + figs.BINS[1:]) / 2).round(3)


@functools.lru_cache(maxsize=1)
def settings() -> dict[str, float]:
    """The illustrative default settings (loaded once)."""
    return urn.load_settings()


def model(agglomeration: float, n_firms: int) -> urn.Runs:
    """The location model at the chapter's settings (seed 2026, 400 runs, half the firms preferring A)."""
    s = settings()
    return urn.locate(n_firms=int(n_firms), agglomeration=agglomeration, taste=s["taste"], prefer_a=s["prefer_a"],
                      runs=int(s["runs"]), seed=int(s["seed"]))


def _pct(x: float) -> str:
    """A share as a percentage; one decimal near 0 % and 100 %, so that 399 runs of 400 are not '100%'."""
    if math.isnan(x):
        return "–"
    return f"{100 * x:.1f}%" if 0 < x < 0.01 or 0.99 < x < 1 else f"{100 * x:.0f}%"


def summary(result: urn.Runs) -> dict[str, float]:
    """The numbers the readout and the caption give."""
    s = settings()
    tau = result.locked_at[result.locked]
    return {
        "locked": float(result.locked.mean()),
        "dominant": result.share_dominant(s["dominance"]),
        "keeps": result.leader_keeps_lead(int(s["early_firms"])),
        "median_lock": float(np.median(tau)) if tau.size else math.nan,
        "bound": result.bound,
    }


def figure() -> go.Figure:
    """Axes, titles and units; the data come from :func:`update`."""
    s = settings()
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.16,
        subplot_titles=(f"Where the {int(s['runs'])} runs end", "Five histories and the bound"),
    )
    zeros = [0.0] * len(CENTRES)
    fig.add_trace(go.Bar(x=CENTRES, y=zeros, width=0.05, name="shares mixed", marker_color=COLORS["primary"],
                         hovertemplate="final share %{x:.0%} ± 2.5 points: %{y:.1f}% of runs<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(go.Bar(x=CENTRES, y=zeros, width=0.05, name="one region above 90%", marker_color=COLORS["secondary"],
                         hovertemplate="final share %{x:.0%} ± 2.5 points: %{y:.1f}% of runs<extra></extra>"),
                  row=1, col=1)
    n_points = (len(TIMES) + 1) * N_PATHS - 1
    path_x = ([int(t) for t in TIMES] + [None]) * N_PATHS
    fig.add_trace(go.Scatter(x=path_x[:n_points], y=[None] * n_points, mode="lines", name="sample histories",
                             line=dict(color=COLORS["accent"], width=1.8),
                             hovertemplate="after %{x} firms: region A has %{y:.0%}<extra></extra>"),
                  row=1, col=2)
    fx, fy = figs.funnel(math.inf, TIMES)
    fig.add_trace(go.Scatter(x=fx, y=fy, mode="lines", name="lock-in bound", line=dict(color=COLORS["reference"],
                             dash="dash", width=1.5), hoverinfo="skip"), row=1, col=2)
    fig.add_hline(y=0.5, line=dict(color=COLORS["muted"], dash="dot", width=1), row=1, col=2)
    fig.update_xaxes(title_text="Region A's final share of firms (%)", range=[0, 1], tickformat=".0%", dtick=0.2,
                     row=1, col=1)
    fig.update_yaxes(title_text="Runs (% in each 5-point bin)", rangemode="tozero", row=1, col=1)
    fig.update_xaxes(title_text="Firms arrived (count, log scale)", type="log", range=[0, math.log10(N_MAX) + 0.02],
                     row=1, col=2)
    fig.update_yaxes(title_text="Region A's share of firms (%)", range=[0, 1], tickformat=".0%", row=1, col=2)
    fig.update_layout(
        title=dict(text=_title(int(s["n_firms"])), yref="container", y=1, yanchor="top", pad=dict(t=14)),
        barmode="stack", bargap=0,
        legend=dict(orientation="h", x=0, y=1 + 30 / PLOT_HEIGHT, yanchor="bottom"),
        margin=dict(t=TOP, b=BOTTOM),
    )
    return fig


def _title(n_firms: int) -> str:
    return f"Where {n_firms:,} firms locate, in {int(settings()['runs'])} simulated histories (illustrative model)"


def _lead(bound: float) -> str:
    return "none (no agglomeration benefit: every firm follows its taste)" if math.isinf(bound) else \
        f"<b>{bound:.0f} firms</b>"


def readout(result: urn.Runs) -> str:
    m = summary(result)
    s = settings()
    when = (f", after a median of {m['median_lock']:.0f} firms" if not math.isnan(m["median_lock"]) else "")
    return (
        f"Lead that locks in: {_lead(m['bound'])} · locked in: <b>{_pct(m['locked'])}</b> of runs{when} · "
        f"one region above {s['dominance']:.0%} at the end: <b>{_pct(m['dominant'])}</b> of runs<br>"
        f"The region ahead after the first {int(s['early_firms'])} firms is still ahead at the end in "
        f"<b>{_pct(m['keeps'])}</b> of the runs that had a leader then"
    )


def caption(result: urn.Runs, default: urn.Runs) -> str:
    """What the change did to lock-in, dominance and the early leader's fate."""
    m, d = summary(result), summary(default)
    return "; ".join([
        _compare_pct("runs locked in", m["locked"], d["locked"]),
        _compare_pct("runs with one region above 90%", m["dominant"], d["dominant"]),
        _compare_pct("early leader still ahead", m["keeps"], d["keeps"]),
    ])


def _compare_pct(label: str, now: float, default: float) -> str:
    a, b = _pct(default), _pct(now)
    return f"{label} unchanged at {b}" if a == b else f"{label} {a} → {b}"


def update(result: urn.Runs, params: Mapping[str, float]) -> Update:
    """Histogram bars (mixed / dominated), the sample histories, the funnel, the title and the readout."""
    final = result.final_share
    dom = result.dominant(settings()["dominance"])
    scale = 100.0 / result.n_runs
    mixed = [round(float(v) * scale, 2) for v in np.histogram(final[~dom], bins=figs.BINS)[0]]
    dominated = [round(float(v) * scale, 2) for v in np.histogram(final[dom], bins=figs.BINS)[0]]
    inside = TIMES <= result.n_firms
    share = result.share_path(range(N_PATHS), TIMES[inside])
    paths: list = []
    for k in range(N_PATHS):
        row = [round(float(v), 4) for v in share[k]]
        paths += row + [None] * int((~inside).sum()) + [None]
    fx, fy = figs.funnel(result.bound, TIMES)
    fy = [y if x is not None and x <= result.n_firms else None for x, y in zip(fx, fy)]
    return Update(
        traces=[{"y": mixed}, {"y": dominated}, {"y": paths[:-1]}, {"y": fy}],
        title=_title(result.n_firms),
        readout=readout(result),
    )


def explorer() -> Explorer:
    s = settings()
    return Explorer(
        model=model,
        params=[
            Param("agglomeration", "Agglomeration benefit g (payoff per firm already in a region; taste premium = 1)",
                  0.0, 0.2, 0.01, float(s["agglomeration"]), static_step=0.02, fmt="{:.2f}",
                  unit="per firm", short="agglomeration benefit"),
            Param("n_firms", "Firms that arrive in each run", 100, N_MAX, 50, int(s["n_firms"]), static_step=100,
                  fmt="{:,.0f}", unit="firms", short="number of firms"),
        ],
        figure=figure,
        update=update,
        ghost=[(0, 1), 3],
        caption=caption,
        alt=(
            "Explorer on an illustrative model with two charts. Left: a histogram of where 400 simulated "
            "histories end, as the percent of runs in each 5-point bin of region A's final share of firms; bins "
            "where one region holds more than 90 percent are orange; dark markers show the default run. Right: "
            "region A's share of firms as they arrive, on a log scale, for five histories, with a dashed funnel, "
            "the lock-in bound, which a history crosses once its lead is large enough that every later firm "
            "follows; the default bound is dotted. A readout gives the lead that locks in, the share of runs "
            "locked in, the share with one region above 90 percent and how often the early leader stays ahead. "
            "Sliders set the agglomeration benefit and the number of firms."
        ),
        height=HEIGHT,
        # The histogram's peak is 55% of runs with no agglomeration benefit and about 16% at the defaults:
        # each frame's y axis is fitted to itself and the default run.
        axes="frame",
        data=[urn.SETTINGS_DATASET],
    )
