"""Chapter 5 explorer: a Bass diffusion curve of firm formation against Zhongguancun's firm counts.

Runs :mod:`clusterkit.models.bass` from 1980 (t = 0, the first private technology firm) to 2023.
Three parameters:

* ``p`` — the coefficient of innovation (a year): founders who start on their own, e.g. researchers
  who leave a university or institute;
* ``q`` — the coefficient of imitation (a year): founders who follow the firms already there;
* ``m`` — the market potential: the firms the place would hold in the end (firms).

The defaults are the fit of the Bass model to the three counts of technology firms of all sizes
(1984, 1986, 2018; ``05_zgc_figures``, series ``tech_firms``), rounded to the sliders' steps: with
three points for three parameters, the curve passes through all of them. Left: firms founded by
each year (log scale) against the counts, the fitted ones filled, the other bases open. Right: new
firms a year, and how many of them the innovators and the imitators found, with the peak marked.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import data
from ..explore import Explorer, Param, Update, compare
from ..figures.ch05 import _label  # a count as its source states it ("> 40")
from ..models import bass
from ..style import COLORS

FIRST, LAST = bass.ORIGIN, 2023
YEARS = np.arange(FIRST, LAST + 1)
HEIGHT, TOP, BOTTOM = 560, 120, 70
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
#: Left panel's y range (log10 of firms): 3 to 100,000 firms.
LOG_RANGE = [0.5, 5.0]
#: Right panel's y range (log10 of firms a year): 0.3 to about 12,600 firms a year, so that the
#: innovators' trickle (a few firms a year) shows beside the imitators' thousands.
RATE_RANGE = [-0.5, 4.1]
#: Short names of the bases of the counts not fitted (``series`` of ``05_zgc_figures``).
OTHER_BASES = {
    "development_companies": "development companies (other source)",
    "high_tech_enterprises": "high-tech enterprises",
    "above_size_firms": "above-size firms (H1)",
}


@dataclass(frozen=True)
class Run:
    """One Bass run over 1980–2023: firms founded by each year, new firms a year and their split."""

    p: float
    q: float
    m: float
    years: np.ndarray
    cumulative: np.ndarray
    rate: np.ndarray
    innovators: np.ndarray
    imitators: np.ndarray
    peak_year: float  # calendar year of the peak (1980 if q <= p)
    peak_rate: float  # new firms a year at the peak
    last: float  # firms founded by the last year (2023)

    @property
    def innovators_at_peak(self) -> float:
        """New firms a year founded by innovators at the peak, p (m - N(t*))."""
        return float(bass.innovators(self.peak_year - FIRST, self.p, self.q, self.m))


def model(p: float, q: float, m: float) -> Run:
    """The Bass model with these parameters, on the years 1980–2023."""
    t = YEARS - FIRST
    peak_t = bass.peak_time(p, q)
    return Run(
        p=p, q=q, m=m, years=YEARS,
        cumulative=bass.cumulative(t, p, q, m),
        rate=bass.rate(t, p, q, m),
        innovators=bass.innovators(t, p, q, m),
        imitators=bass.imitators(t, p, q, m),
        peak_year=FIRST + peak_t,
        peak_rate=bass.peak_rate(p, q, m),
        last=float(bass.cumulative(LAST - FIRST, p, q, m)),
    )


@functools.lru_cache(maxsize=1)
def fitted() -> bass.Fit:
    """The Bass model fitted to the three counts of technology firms (exactly: three points, three parameters)."""
    counts = bass.firm_counts("tech_firms")
    return bass.fit_bass(counts["t"], counts["value"])


@functools.lru_cache(maxsize=1)
def counts():
    """The firm counts drawn on the left panel: the fitted series, and the other bases."""
    f = data.load(bass.FIGURES_DATASET)
    rows = f[(f["unit"] == "count") & f["series"].isin(["tech_firms", *OTHER_BASES])]
    return rows.sort_values("year").reset_index(drop=True)


def figure() -> go.Figure:
    """Axes, titles and units, the data points; the model curves come from :func:`update`."""
    zeros = [0.0] * len(YEARS)
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.16, column_widths=[0.52, 0.48],
                        subplot_titles=("Firms founded by each year (log scale)", "New firms a year (log scale)"))
    fig.add_trace(go.Scatter(x=list(YEARS), y=zeros, mode="lines", name="Bass model: firms",
                             line=dict(color=COLORS["primary"], width=3),
                             hovertemplate="%{x}: %{y:,.0f} firms (model)<extra></extra>"), row=1, col=1)
    c = counts()
    fit = c[c["series"] == "tech_firms"]
    fig.add_trace(go.Scatter(
        x=list(fit["year"]), y=list(fit["value"]), mode="markers+text", name="technology firms, all sizes (fitted)",
        marker=dict(size=12, color=COLORS["negative"], line=dict(color="white", width=1)),
        text=[f"{_label(v, q)} ({y})" for v, q, y in zip(fit["value"], fit["qualifier"], fit["year"])],
        textposition=["bottom right", "middle right", "top left"][: len(fit)], textfont=dict(size=11),
        hovertext=[f"<b>{y}: {_label(v, q)} firms</b><br>{b}" for y, v, q, b in
                   zip(fit["year"], fit["value"], fit["qualifier"], fit["basis"])],
        hoverinfo="text", cliponaxis=False), row=1, col=1)
    other = c[c["series"] != "tech_firms"]
    fig.add_trace(go.Scatter(
        x=list(other["year"]), y=list(other["value"]), mode="markers", name="other bases (not fitted)",
        marker=dict(size=10, color="white", symbol="diamond", line=dict(color=COLORS["muted"], width=2)),
        hovertext=[f"<b>{y}: {_label(v, q)}</b> {OTHER_BASES[s]}<br>{b}" for y, v, q, s, b in
                   zip(other["year"], other["value"], other["qualifier"], other["series"], other["basis"])],
        hoverinfo="text"), row=1, col=1)
    for name, colour, dash in (("new firms a year", COLORS["primary"], "solid"),
                               ("… by innovators", COLORS["positive"], "dash"),
                               ("… by imitators", COLORS["secondary"], "dot")):
        fig.add_trace(go.Scatter(x=list(YEARS), y=zeros, mode="lines", name=name,
                                 line=dict(color=colour, width=2.5 if dash == "solid" else 2, dash=dash),
                                 hovertemplate="%{x}: %{y:,.0f} firms a year<extra>" + name + "</extra>"),
                      row=1, col=2)
    fig.add_trace(go.Scatter(x=[FIRST], y=[0], mode="markers+text", name="peak", showlegend=False,
                             marker=dict(size=10, color=COLORS["primary"], symbol="circle-open", line=dict(width=2.5)),
                             textposition="top right", textfont=dict(size=12, color=COLORS["reference"]),
                             hovertemplate="peak: %{y:,.0f} firms a year in %{x:.1f}<extra></extra>", cliponaxis=False),
                  row=1, col=2)
    fig.update_yaxes(title_text="firms founded since 1980 (count, log scale)", type="log", range=LOG_RANGE,
                     row=1, col=1)
    # one tick a power of ten: plotly's in-between "2" and "5" ticks read as 2 and 5 below 1 (they are 0.2, 0.5)
    fig.update_yaxes(title_text="new firms a year (firms/yr, log scale)", type="log", range=RATE_RANGE, dtick=1,
                     row=1, col=2)
    fig.update_xaxes(title_text="year", range=[FIRST - 1, LAST + 2], dtick=10, row=1, col=1)
    fig.update_xaxes(title_text="year", range=[FIRST - 1, LAST + 2], dtick=10, row=1, col=2)
    fig.update_layout(
        title=dict(text="Bass curves (model, illustrative settings) and Zhongguancun's firm counts",
                   yref="container", y=1, yanchor="top", pad=dict(t=14)),
        legend=dict(orientation="h", x=0, y=1 + 26 / PLOT_HEIGHT, yanchor="bottom", font=dict(size=12)),
        margin=dict(t=TOP, b=BOTTOM),
    )
    return fig


def readout(run: Run) -> str:
    if run.q > run.p:
        peak = (f"peak in <b>{run.peak_year:.1f}</b> at <b>{run.peak_rate:,.0f}</b> new firms a year "
                f"(innovators found {run.innovators_at_peak:,.1f} of them, imitators the rest)")
    else:
        peak = f"no peak after 1980 (q ≤ p): the most new firms, <b>{run.peak_rate:,.1f}</b> a year, come at the start"
    c = counts()
    early = "; ".join(
        f"by {int(r.year)}: <b>{float(bass.cumulative(r.year - FIRST, run.p, run.q, run.m)):,.0f}</b> "
        f"(counted: {_label(r.value, r.qualifier)})"
        for r in c[(c["series"] == "tech_firms") & (c["year"] < 2000)].itertuples())
    return (f"{peak} · firms founded by {LAST}: <b>{run.last:,.0f}</b> "
            f"(m = {run.m:,.0f} firms; {run.last / run.m:.0%} of it)<br>"
            f"model firms {early}<br>"
            f"p + q = {run.p + run.q:.4g} a year (the early growth rate) · model settings, not estimates")


def caption(run: Run, default: Run) -> str:
    """What the change did to the peak and to the firms by 2023."""
    parts = []
    if run.q > run.p and default.q > default.p:
        parts.append(compare("peak year", run.peak_year, default.peak_year, "{:.1f}"))
    elif run.q <= run.p:
        parts.append("no peak after 1980 (q ≤ p)")
    parts.append(compare("peak rate", run.peak_rate, default.peak_rate, "{:,.0f}", "firms a year"))
    parts.append(compare(f"firms founded by {LAST}", run.last, default.last, "{:,.0f}", "firms"))
    return "; ".join(parts)


def update(run: Run, params: Mapping[str, float]) -> Update:
    """The model's curves (rounded: the static page holds a frame per slider position)."""
    ones = lambda a: [round(float(v), 2) for v in a]  # noqa: E731
    positive = lambda a: [v if v > 0 else None for v in ones(a)]  # noqa: E731  (log axes: no zeros)
    cumulative = [v if v >= 1 else None for v in ones(run.cumulative)]  # log axis: nothing below one firm
    peak_x = round(run.peak_year, 2)
    return Update(
        traces=[
            {"y": cumulative},
            {},
            {},
            {"y": positive(run.rate)},
            {"y": positive(run.innovators)},
            {"y": positive(run.imitators)},
            {"x": [peak_x], "y": [round(run.peak_rate, 1)],
             "text": [f"peak {run.peak_year:.0f}" if run.q > run.p else "most at the start"]},
        ],
        readout=readout(run),
    )


def defaults() -> dict[str, float]:
    """The fitted parameters rounded to the sliders' static steps (p 0.00004, q 0.15, m 10,000)."""
    f = fitted().params
    return {"p": round(f["p"] / 4e-5) * 4e-5, "q": round(f["q"] / 0.15) * 0.15, "m": round(f["m"] / 1e4) * 1e4}


def explorer() -> Explorer:
    d = defaults()
    return Explorer(
        model=model,
        params=[
            Param("p", "Coefficient of innovation p (a year)", 0.00004, 0.0004, 0.00002, round(d["p"], 5),
                  static_step=0.00004, fmt="{:.5f}", unit="a year", short="innovation p"),
            Param("q", "Coefficient of imitation q (a year)", 0.0, 0.9, 0.05, round(d["q"], 2), static_step=0.15,
                  fmt="{:.2f}", unit="a year", short="imitation q"),
            Param("m", "Market potential m (firms)", 10000, 40000, 2000, int(d["m"]), static_step=10000,
                  fmt="{:,.0f}", unit="firms", short="market potential m"),
        ],
        figure=figure,
        update=update,
        ghost=[0, 3],
        caption=caption,
        alt=(
            "Explorer with two charts from 1980 to 2023. Left, on a log scale: the firms founded by each year in "
            "a Bass diffusion model, against the real counts of Zhongguancun's technology firms — filled red dots "
            "for the three counts the default curve is fitted to (more than 40 in 1984, 140 in 1986, more than "
            "20,000 in 2018) and open grey diamonds for counts on other bases (about 100 development companies in "
            "1986, high-tech enterprises in 2018 and 2023, above-size firms in 2023). Right: new firms a year in the "
            "model, split into those founded by innovators and by imitators, with the peak marked. Faint dotted "
            "lines show the default run. Three sliders set the coefficient of innovation p, the coefficient of "
            "imitation q and the market potential m."
        ),
        height=HEIGHT,
        data=[bass.FIGURES_DATASET],
    )
