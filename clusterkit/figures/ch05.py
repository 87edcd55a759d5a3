"""Figure builders for Chapter 5 (university technology transfer; Zhongguancun and the Bass model).

* :func:`case_timeline` — the dated events of ``05_zgc_timeline``, one row per organisation;
* :func:`counts_by_basis` — Zhongguancun's firm counts by year, one colour and shape per basis (log scale);
* :func:`income_by_basis` — total income of Zhongguancun's firms, whole year or part of it, actual or expected;
* :func:`three_point_fits` — Bass curves fitted exactly to three counts, for two versions of the 1986 count;
* :func:`fits_with_bands` — an illustrative series of new firms a year, fitted on its first years and on
  all of them, with parametric-bootstrap bands and the true curve.

Every builder returns a ``go.Figure`` with a title and axis titles with units; show it with
``clusterkit.show(fig, alt=..., data=...)``.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import shared
from ..models import bass
from ..style import COLORS, PALETTE

#: The timeline's rows: an organisation, recognised by a word of its Chinese name, in the order drawn.
ORGANISATIONS: dict[str, str] = {
    "等离子体": "first private firm (1980)",
    "四通": "Stone",
    "计算所": "Legend / Lenovo (CAS)",
    "北京大学": "Founder (Peking University)",
    "方正": "Founder (Peking University)",
    "试验区": "the zone",
    "科技园区": "the zone",
}

#: What each ``series`` of ``05_zgc_figures`` counts (legend text), in the order drawn.
SERIES_LABELS: dict[str, str] = {
    "tech_firms": "technology firms, all sizes",
    "development_companies": "'development companies' (other source)",
    "high_tech_enterprises": "high-tech enterprises",
    "above_size_firms": "above-size firms (first half-year)",
    "listed_firms": "listed companies",
    "unicorns": "unicorns",
    "new_tech_firms": "new technology firms in the year (a flow)",
}
_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "cross", "x", "star")
#: How the source states a number: the prefix written beside it.
PREFIX = {"more_than": "> ", "approaching": "< ", "about": "≈ ", "exact": ""}


def _label(value: float, qualifier: str) -> str:
    return f"{PREFIX.get(str(qualifier), '')}{value:,.0f}"


def organisation(entity_zh: str) -> str:
    """The timeline row of an event, from the Chinese name of its entity (``ORGANISATIONS``)."""
    for key, row in ORGANISATIONS.items():
        if key in str(entity_zh):
            return row
    return "other"


def case_timeline(events: pd.DataFrame, *, title: str) -> go.Figure:
    """The shared timeline (:func:`clusterkit.figures.timeline`) with one row per organisation, so
    that the firms founded in 1984–86 do not crowd one row."""
    df = events.assign(organisation=[organisation(e) for e in events["entity_zh"]])
    order = list(dict.fromkeys(ORGANISATIONS.values()))
    df["organisation"] = pd.Categorical(df["organisation"], categories=order + ["other"], ordered=True)
    df = df.sort_values(["organisation"], kind="stable")
    df["organisation"] = df["organisation"].astype(str)
    return shared.timeline(df, title=title, group="organisation", group_title="Organisation")


def counts_by_basis(rows: pd.DataFrame, *, title: str, series: Sequence[str] | None = None) -> go.Figure:
    """One marker per count (x: year, y: firms on a log scale); colour and shape for its basis
    (the ``series`` of ``05_zgc_figures``), the value written beside it with its qualifier
    ("> 20,000"), the basis in full on hover."""
    df = rows[rows["unit"] == "count"].copy()
    order = [s for s in (series or SERIES_LABELS) if s in set(df["series"].dropna())]
    fig = go.Figure()
    for k, s in enumerate(order):
        part = df[df["series"] == s].sort_values("year")
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["value"], mode="markers+text" if len(part) < 4 else "markers",
            name=SERIES_LABELS.get(s, s),
            marker=dict(size=13, color=PALETTE[k % len(PALETTE)], symbol=_SYMBOLS[k % len(_SYMBOLS)],
                        line=dict(color="white", width=1)),
            line=dict(color=PALETTE[k % len(PALETTE)], width=1, dash="dot"),
            text=[_label(v, q) for v, q in zip(part["value"], part["qualifier"])],
            textposition="middle right", textfont=dict(size=11, color=PALETTE[k % len(PALETTE)]),
            hovertext=[f"<b>{y}: {_label(v, q)}</b><br>{b}<br>source: {src}" for y, v, q, b, src in
                       zip(part["year"], part["value"], part["qualifier"], part["basis"], part["source"])],
            hoverinfo="text", cliponaxis=False,
        ))
    fig.update_yaxes(title_text="firms (count, log scale)", type="log", dtick=1)  # a tick a power of ten
    fig.update_xaxes(title_text="year", range=[1980, 2027], nticks=10)
    fig.update_layout(title=title, height=520)
    shared.key_above(fig, "What is counted")
    return fig


def income_by_basis(rows: pd.DataFrame, *, title: str) -> go.Figure:
    """Total income (trillion yuan) by year: filled markers for whole years, open ones for part of a
    year; a diamond for a figure 'expected' before the year's statistics were final."""
    df = rows[(rows["unit"] == "trillion yuan") & rows["series"].isin(["income_year", "income_part_year"])]
    fig = go.Figure()
    groups = [("income_year", "actual", "whole year", "circle", True),
              ("income_year", "estimate", "whole year, expected before the statistics", "diamond", True),
              ("income_part_year", "actual", "part of the year (Jan–Jul 2014; first half 2023)", "circle-open", False)]
    for k, (series, kind, name, symbol, filled) in enumerate(groups):
        part = df[(df["series"] == series) & (df["kind"] == kind)].sort_values("year")
        if part.empty:
            continue
        colour = PALETTE[0] if series == "income_year" else PALETTE[1]
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["value"], mode="markers+text", name=name,
            marker=dict(size=14, color=colour, symbol=symbol, line=dict(color=colour, width=2)),
            text=[_label(v, q).replace(",", "") if v >= 10 else f"{PREFIX.get(str(q), '')}{v:g}"
                  for v, q in zip(part["value"], part["qualifier"])],
            textposition="middle right", textfont=dict(size=12, color=colour),
            hovertext=[f"<b>{y}: {PREFIX.get(str(q), '')}{v:g} trillion yuan</b><br>{b}" for y, v, q, b in
                       zip(part["year"], part["value"], part["qualifier"], part["basis"])],
            hoverinfo="text", cliponaxis=False,
        ))
    fig.update_yaxes(title_text="total income (trillion yuan, nominal)", rangemode="tozero")
    fig.update_xaxes(title_text="year", range=[2012.5, 2025], nticks=8)
    fig.update_layout(title=title, height=440)
    shared.key_above(fig, "Period and kind")
    return fig


def three_point_fits(fits: Mapping[str, bass.Fit], points: Mapping[str, pd.DataFrame], *, title: str,
                     last_year: int = 2023) -> go.Figure:
    """Bass curves fitted to a few counts (cumulative, log scale), one colour per version of the data,
    the points each was fitted to, and each curve's peak year marked."""
    fig = go.Figure()
    years = np.arange(bass.ORIGIN + 1, last_year + 1)
    for k, (name, fit) in enumerate(fits.items()):
        colour = PALETTE[k % len(PALETTE)]
        fig.add_trace(go.Scatter(x=years, y=fit.predict(years - bass.ORIGIN), mode="lines", name=f"fit: {name}",
                                 line=dict(color=colour, width=2.5, dash="solid" if k == 0 else "dash"),
                                 hovertemplate="%{x}: %{y:,.0f} firms<extra>" + name + "</extra>"))
        pts = points[name]
        fig.add_trace(go.Scatter(x=pts["year"], y=pts["value"], mode="markers", name=f"counts: {name}",
                                 marker=dict(size=12 - 3 * k, color=colour, symbol=_SYMBOLS[k],
                                             line=dict(color="white", width=1)),
                                 hovertemplate="%{x}: %{y:,.0f} firms<extra>" + name + "</extra>"))
        peak = bass.ORIGIN + fit.peak_time
        fig.add_vline(x=peak, line=dict(color=colour, width=1, dash="dot"))
        fig.add_annotation(x=peak, y=0.04 + 0.1 * k, yref="paper", text=f"peak {peak:.1f}", showarrow=False,
                           xanchor="left", font=dict(size=12, color=colour), bgcolor="rgba(255,255,255,0.8)")
    fig.update_yaxes(title_text="firms founded since 1980 (count, log scale)", type="log", dtick=1)
    fig.update_xaxes(title_text="year", range=[bass.ORIGIN, last_year + 1], nticks=6)
    fig.update_layout(title=title, height=460)
    shared.key_above(fig)
    return fig


def fits_with_bands(series: pd.DataFrame, bands: Mapping[str, bass.Bootstrap], *, title: str,
                    truth: tuple[float, float, float] | None = None) -> go.Figure:
    """An (illustrative) series of new firms a year as bars; for each fit, its curve of new firms a
    year and its bootstrap band; the true curve dashed if ``truth`` = (p, q, m) is given. The bars of
    the years a fit used are drawn darker than the rest for the first fit (fewest years)."""
    years = series["year"].to_numpy()
    first = next(iter(bands.values()))
    used = set(np.asarray(first.fit.t, dtype=int))
    early = np.array([y in used for y in years])
    fig = go.Figure(go.Bar(x=years[early], y=series["new_firms"].to_numpy()[early],
                           name=f"new firms a year, the first {early.sum()} years (illustrative data)",
                           marker_color=COLORS["muted"], hovertemplate="year %{x}: %{y} new firms<extra></extra>"))
    fig.add_trace(go.Bar(x=years[~early], y=series["new_firms"].to_numpy()[~early], name="new firms a year, later years",
                         marker_color="#C9CDD1", hovertemplate="year %{x}: %{y} new firms<extra></extra>",
                         showlegend=bool((~early).any())))
    for k, (name, boot) in enumerate(bands.items()):
        colour = PALETTE[k % len(PALETTE)]
        fill = "rgba(0,114,178,0.18)" if k == 0 else "rgba(230,159,0,0.22)"
        t = boot.t
        fig.add_trace(go.Scatter(x=np.concatenate([t, t[::-1]]), y=np.concatenate([boot.upper, boot.lower[::-1]]),
                                 fill="toself", fillcolor=fill, line=dict(width=0), hoverinfo="skip",
                                 name=f"{boot.level:.0%} bootstrap band: {name}"))
        fig.add_trace(go.Scatter(x=t, y=boot.fit.predict(t, kind="per_period"), mode="lines", name=f"Bass fit: {name}",
                                 line=dict(color=colour, width=3),
                                 hovertemplate="year %{x}: %{y:,.0f} new firms (fit)<extra>" + name + "</extra>"))
    if truth is not None:
        t = first.t
        fig.add_trace(go.Scatter(x=t, y=bass.per_period(t, *truth), mode="lines", name="true curve (known here)",
                                 line=dict(color="#111111", width=2, dash="dash"),
                                 hovertemplate="year %{x}: %{y:,.0f} (true)<extra></extra>"))
    fig.update_yaxes(title_text="new firms a year (firms/yr)", rangemode="tozero")
    fig.update_xaxes(title_text="years since the district opened<br>(illustrative)", nticks=13)
    fig.update_layout(title=title, height=500, bargap=0.15, barmode="overlay")
    shared.key_above(fig)
    return fig
