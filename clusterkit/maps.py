"""Maps drawn from the course's own data: no tiles, no shapes from another host.

The land outline is ``datasets/00_coastline.csv`` (Natural Earth, public domain); points are
drawn on a longitude/latitude plane whose aspect is corrected for the latitude of the map's
centre (an equirectangular projection), accurate enough at the scale of eastern China.
"""
from __future__ import annotations

import functools
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import data
from .style import COLORS, PALETTE

LAND = "#EEF0E8"
COAST = "#9AA39A"
SEA = "#F4F8FB"
EAST_CHINA = (108.0, 125.0, 20.0, 42.0)
YANGTZE_DELTA = (119.4, 121.6, 27.6, 31.8)
#: Points closer than this (degrees of latitude and of longitude) get their labels on different sides.
NEAR = 0.25


@functools.lru_cache(maxsize=1)
def _land() -> tuple[tuple, tuple]:
    coast = data.load("00_coastline")
    lon: list[float | None] = []
    lat: list[float | None] = []
    for _, ring in coast.groupby("ring", sort=True):
        lon += ring["lon"].tolist() + [None]
        lat += ring["lat"].tolist() + [None]
    return tuple(lon), tuple(lat)


def _frame_axes(fig: go.Figure, window, row: int | None = None, col: int | None = None, anchor: str = "x") -> None:
    x0, x1, y0, y1 = window
    where = dict(row=row, col=col) if row else {}
    fig.update_xaxes(range=[x0, x1], title_text="Longitude (°E)", showgrid=True, gridcolor="#E3E8EC",
                     zeroline=False, constrain="domain", **where)
    fig.update_yaxes(range=[y0, y1], title_text="Latitude (°N)", showgrid=True, gridcolor="#E3E8EC",
                     zeroline=False, scaleanchor=anchor, scaleratio=1 / math.cos(math.radians((y0 + y1) / 2)),
                     constrain="domain", **where)


def land_trace() -> go.Scatter:
    lon, lat = _land()
    return go.Scatter(x=list(lon), y=list(lat), mode="lines", fill="toself", fillcolor=LAND,
                      line=dict(color=COAST, width=0.8), hoverinfo="skip", showlegend=False, name="land")


def basemap(window: tuple[float, float, float, float] = EAST_CHINA) -> go.Figure:
    """An empty map of ``window`` = (lon min, lon max, lat min, lat max), axes in degrees."""
    fig = go.Figure(land_trace())
    _frame_axes(fig, window)
    fig.update_layout(plot_bgcolor=SEA)
    return fig


def _points(cases: pd.DataFrame, label: str = "case_id") -> go.Scatter:
    # A point near one already placed (within NEAR degrees) takes the next side, so that the
    # labels of the cases around Hangzhou and Shaoxing do not cover each other.
    placed: list[tuple[float, float]] = []
    positions = []
    for row in cases.itertuples():
        k = sum(1 for lat, lon in placed if abs(lat - row.lat) < NEAR and abs(lon - row.lon) < NEAR)
        placed.append((row.lat, row.lon))
        positions.append(["middle right", "middle left", "top center", "bottom center"][k % 4])
    hover = [
        f"<b>{r.case_id}. {r.pathway_en}</b> ({r.pathway_zh})<br>{r.case_en}<br>{r.case_zh}<br>{r.place_en}"
        for r in cases.itertuples()
    ]
    return go.Scatter(
        x=cases["lon"], y=cases["lat"], mode="markers+text",
        text=[f" {v} " for v in cases[label]], textposition=positions,
        textfont=dict(size=13, color=COLORS["reference"]),
        marker=dict(size=11, color=PALETTE[3], line=dict(color="white", width=1.5)),
        hovertext=hover, hoverinfo="text", name="cases", showlegend=False,
    )


def case_map(cases: pd.DataFrame, window=EAST_CHINA, zoom=YANGTZE_DELTA) -> go.Figure:
    """The cases on a map of eastern China, with a zoom on the Yangtze River Delta.

    ``cases`` needs the columns of ``00_cases``: case_id, lat, lon, case_en, case_zh,
    pathway_en, pathway_zh, place_en. Cases at the same point get their labels spread out.
    """
    fig = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.12,
                        subplot_titles=("Eastern China", "Zoom: Zhejiang and southern Jiangsu"))
    for col in (1, 2):
        fig.add_trace(land_trace(), row=1, col=col)
        fig.add_trace(_points(cases), row=1, col=col)
    _frame_axes(fig, window, row=1, col=1, anchor="x")
    _frame_axes(fig, zoom, row=1, col=2, anchor="x2")
    x0, x1, y0, y1 = zoom
    fig.add_shape(type="rect", x0=x0, x1=x1, y0=y0, y1=y1, line=dict(color=COLORS["reference"], width=1),
                  row=1, col=1)
    fig.update_layout(plot_bgcolor=SEA)
    return fig


def case_locator(case_id: int, *, title: str, note: str = "", window=EAST_CHINA) -> go.Figure:
    """Where one case is: the nine cases of ``00_cases`` on a map of eastern China, this one
    highlighted and named (its English and Chinese name), the others faint and numbered.

    A chapter's opening picture (``ck.show(fig, alt, data=["00_cases", "00_coastline"],
    glue="chNN_hook")``). ``note`` is a second line under the case's name (a date, a figure).
    """
    cases = data.load("00_cases")
    this = cases[cases["case_id"] == case_id]
    if this.empty:
        raise ValueError(f"00_cases has no case {case_id} (it has {sorted(cases['case_id'])})")
    others = cases[cases["case_id"] != case_id]
    fig = basemap(window)
    fig.add_trace(go.Scatter(
        x=others["lon"], y=others["lat"], mode="markers", name="the course's other cases",
        marker=dict(size=8, color="#B8BEC4", line=dict(color="white", width=1)),
        hovertext=[f"{r.case_id}. {r.pathway_en}: {r.case_en}" for r in others.itertuples()],
        hoverinfo="text", showlegend=True,
    ))
    row = this.iloc[0]
    name = str(row["place_en"]).split(",")[0]
    note = "<br>".join(textwrap.wrap(note, 24)) if note else ""
    label = f"<b>{name}</b><br>{row['place_zh']}" + (f"<br>{note}" if note else "")
    fig.add_trace(go.Scatter(
        x=[row["lon"]], y=[row["lat"]], mode="markers", name="this chapter's case",
        marker=dict(size=15, color=PALETTE[3], line=dict(color="white", width=2)),
        hovertext=[f"<b>{row['case_en']}</b><br>{row['case_zh']}<br>{row['place_en']}"], hoverinfo="text",
        showlegend=True,
    ))
    x0, x1, y0, y1 = window
    if row["lat"] > y1 - (y1 - y0) / 3:
        # A case near the top of the map (Beijing): above it there is only the title, and a phone's
        # narrow map has no room beside it, so the name sits below, centred on the map, over land.
        fig.add_annotation(x=row["lon"], y=row["lat"], ax=(x0 + x1) / 2, ay=row["lat"] - 3.0, axref="x", ayref="y",
                           text=label, showarrow=True, arrowhead=0, arrowcolor=COLORS["reference"],
                           font=dict(size=12, color=COLORS["reference"]), align="center", xanchor="center",
                           yanchor="top", bgcolor="rgba(255,255,255,0.9)")
    else:
        # The name sits over the land to the north-west, right-aligned to the point's arrow, where a
        # phone's narrow map still has room for it (the sea east of the coast is a sliver there);
        # a case in the west half of the map gets its name to the north-east instead.
        west = row["lon"] < (x0 + x1) / 2
        fig.add_annotation(x=row["lon"], y=row["lat"], ax=row["lon"] + (1.2 if west else -1.2),
                           ay=min(y1 - 2.5, row["lat"] + 3.5), axref="x", ayref="y", text=label, showarrow=True,
                           arrowhead=0, arrowcolor=COLORS["reference"], font=dict(size=12, color=COLORS["reference"]),
                           align="left" if west else "right", xanchor="left" if west else "right", yanchor="bottom",
                           bgcolor="rgba(255,255,255,0.9)")
    # the key sits under the map, one entry a line, so that it fits a phone's narrow map
    fig.update_layout(title=title, height=470, margin=dict(l=60, r=20, t=60, b=100),
                      legend=dict(orientation="v", x=0, xanchor="left", y=-0.2, yanchor="top", traceorder="reversed",
                                  font=dict(size=12), bgcolor="rgba(0,0,0,0)"))
    return fig
