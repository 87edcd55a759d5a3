"""Chapter 4 explorer: which missing links of a textile chain to recruit with a budget — greedy or exact?

Runs :func:`clusterkit.models.value_chain.recruitment` on the chapter's illustrative seven-link chain
(``04_textile_chain_illustrative``: fibre → yarn → weaving → dyeing/printing → garments → design/brand →
trade/logistics; throughput 1 billion metres a year). Two parameters:

* ``budget`` — what the park can spend on recruiting (100m yuan, one-off);
* ``bonus`` — the linkage bonus β: extra local value added for every pair of adjacent links that are both
  local (100m yuan a year per pair). With β > 0 neighbouring links are complements.

Left: the chain as seven links in two rows, the greedy rule's plan (value per cost, highest first) above the
exact plan (the best subset, by trying all of them): a link local today (blue), recruited by the plan
(orange), or still missing (hollow grey, with its cost), and a thick line between adjacent links that are both
local. Right: local value added a year today, with greedy's plan and with the exact plan (the links' own
value added and the linkage bonus stacked); the default run is marked on each bar.
"""
from __future__ import annotations

import functools
from typing import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..explore import Explorer, Param, Update, compare
from ..models import value_chain as vc
from ..style import COLORS

HEIGHT, TOP, BOTTOM = 560, 120, 90
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
#: Where each plan's row sits on the chain panel.
ROW_Y = {"greedy": 1, "exact": 0}
#: Trace indices: linked pairs, local today, recruited, missing (chain panel); the two stacked bars.
PAIRS, TODAY, RECRUITED, MISSING = 0, 1, 2, 3
BAR_TRACES = (4, 5)
BARS = ["Today", "Greedy", "Exact"]
#: Short names of the links on the chain panel's axis.
SHORT = {"fibre": "Fibre", "yarn": "Yarn", "weaving": "Weaving", "dyeing": "Dyeing", "garments": "Garments",
         "design": "Design", "trade": "Trade"}
DEFAULT_BUDGET = 9


#: The bonus slider's top (100m yuan a year per pair).
MAX_BONUS = 10


@functools.lru_cache(maxsize=1)
def chain() -> vc.Chain:
    """The illustrative chain (loaded once)."""
    return vc.load_chain()


def model(budget: float, bonus: float) -> vc.Recruitment:
    """Greedy and exact recruiting on the illustrative chain."""
    return vc.recruitment(chain(), budget, bonus)


def _names(links) -> str:
    return ", ".join(SHORT.get(l, l) for l in links) if links else "nothing"


def figure() -> go.Figure:
    """Axes, titles and units; the data come from :func:`update`."""
    ch = chain()
    n = len(ch)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.12,
                        subplot_titles=("The chain: what each plan fills", "Local value added a year"))
    fig.add_trace(go.Scatter(x=[], y=[], mode="lines", name="adjacent links both local",
                             line=dict(color=COLORS["positive"], width=6), hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Scatter(x=[], y=[], mode="markers", name="local today",
                             marker=dict(symbol="square", size=24, color=COLORS["primary"]),
                             hovertemplate="%{hovertext}<extra></extra>", hovertext=[]), row=1, col=1)
    fig.add_trace(go.Scatter(x=[], y=[], mode="markers+text", name="recruited by the plan",
                             marker=dict(symbol="square", size=24, color=COLORS["secondary"]),
                             textposition="bottom center", textfont=dict(size=11, color=COLORS["reference"]),
                             hovertemplate="%{hovertext}<extra></extra>", hovertext=[], text=[], cliponaxis=False),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=[], y=[], mode="markers+text", name="missing (its cost)",
                             marker=dict(symbol="square-open", size=22, color=COLORS["muted"], line=dict(width=2.5)),
                             textposition="bottom center", textfont=dict(size=11, color=COLORS["muted"]),
                             hovertemplate="%{hovertext}<extra></extra>", hovertext=[], text=[], cliponaxis=False),
                  row=1, col=1)
    fig.add_trace(go.Bar(x=BARS, y=[0, 0, 0], name="links' own value added", marker_color=COLORS["primary"],
                         hovertemplate="%{x}: links' own %{y:.1f} (100m yuan a year)<extra></extra>"), row=1, col=2)
    fig.add_trace(go.Bar(x=BARS, y=[0, 0, 0], name="linkage bonus", marker_color=COLORS["positive"],
                         text=["", "", ""], textposition="outside", textfont=dict(size=11, color=COLORS["reference"]),
                         constraintext="none", cliponaxis=False,
                         hovertemplate="%{x}: linkage bonus %{y:.1f} (100m yuan a year)<extra></extra>"),
                  row=1, col=2)
    fig.update_xaxes(title_text="Link (upstream → downstream)", range=[0.5, n + 0.5],
                     tickvals=list(range(1, n + 1)), ticktext=[SHORT.get(l, l) for l in ch.links], row=1, col=1)
    fig.update_yaxes(title_text="Plan", range=[-0.55, 1.45], tickvals=[ROW_Y["exact"], ROW_Y["greedy"]],
                     ticktext=["Exact<br>(best subset)", "Greedy<br>(value per cost)"], zeroline=False, showgrid=False,
                     row=1, col=1)
    fig.update_xaxes(title_text="Plan", row=1, col=2)
    # stacked bars: the explorer fits an axis to each trace, not to their sum, so the top is set here,
    # from the largest plan the sliders reach (the whole budget, the largest bonus)
    top = vc.recruitment(ch, _total_cost(ch) + 1, MAX_BONUS).best.value_added
    fig.update_yaxes(title_text="Local value added (100m yuan a year)", range=[0, 1.12 * top], row=1, col=2)
    fig.update_layout(
        title=dict(text=_title(DEFAULT_BUDGET), yref="container", y=1, yanchor="top", pad=dict(t=14)),
        barmode="stack",
        legend=dict(orientation="h", x=0, y=1 + 34 / PLOT_HEIGHT, yanchor="bottom", font=dict(size=12)),
        margin=dict(t=TOP, b=BOTTOM),
    )
    return fig


def _title(budget: float) -> str:
    return f"A budget of {budget:g} (100m yuan): greedy or exact? (illustrative)"


def _total_cost(ch: vc.Chain) -> int:
    """What recruiting every missing link costs (100m yuan): the budget slider's top, less one."""
    return int(sum(ch.cost[ch.index(link)] for link in ch.missing))


def _chain_traces(r: vc.Recruitment) -> list[dict]:
    """The marker and pair traces for both plans' rows."""
    ch = chain()
    today = ch.local_today
    pair_x: list = []
    pair_y: list = []
    marks: dict[int, dict[str, list]] = {k: {"x": [], "y": [], "hovertext": [], "text": []}
                                          for k in (TODAY, RECRUITED, MISSING)}
    for row, plan in (("greedy", r.greedy), ("exact", r.best)):
        y = ROW_Y[row]
        here = ch.local(plan.recruited)
        for i in range(len(ch) - 1):
            if here[i] and here[i + 1]:
                pair_x += [i + 1, i + 2, None]
                pair_y += [y, y, None]
        for i, link in enumerate(ch.links):
            share = float(ch.capacity_share[i])
            cost = float(ch.cost[i])
            gain = float(ch.gains[i])
            if today[i]:
                k, text = TODAY, ""
                hover = f"{ch.labels[i]}: local today ({share:.0%} of the need met in the park)"
            elif link in plan.recruited:
                k, text = RECRUITED, f"{cost:g}"
                hover = (f"{ch.labels[i]}: recruited by the {row} plan for {cost:g} (100m yuan); adds "
                         f"{gain:.1f} a year of its own")
            else:
                k, text = MISSING, f"{cost:g}"
                hover = (f"{ch.labels[i]}: missing ({share:.0%} local); recruiting it would cost {cost:g} and add "
                         f"{gain:.1f} a year of its own (100m yuan)")
            marks[k]["x"].append(i + 1)
            marks[k]["y"].append(y)
            marks[k]["hovertext"].append(hover)
            marks[k]["text"].append(text)
    out = [{"x": pair_x, "y": pair_y}]
    for k in (TODAY, RECRUITED, MISSING):
        m = marks[k]
        props = {"x": m["x"], "y": m["y"], "hovertext": m["hovertext"]}
        if k != TODAY:
            props["text"] = m["text"]
        out.append(props)
    return out


def _own_and_bonus(plan: vc.Plan, bonus: float) -> tuple[float, float]:
    extra = bonus * plan.linked_pairs
    return round(plan.value_added - extra, 3), round(extra, 3)


def readout(r: vc.Recruitment) -> str:
    n = len(chain())
    g, b = r.greedy, r.best

    def line(name: str, p: vc.Plan) -> str:
        return (f"{name}: {_names(p.recruited)} (cost {p.cost:g}) → <b>{p.value_added:.1f}</b> (100m yuan a year), "
                f"<b>{p.completeness}</b> of {n} links local")

    verdict = ("greedy and exact pick the same links" if g.recruited == b.recruited else
               f"greedy leaves <b>{r.shortfall:.1f}</b> (100m yuan a year) on the table")
    return (f"Today: <b>{r.today.value_added:.1f}</b> (100m yuan a year), {r.today.completeness} of {n} links local "
            f"· {verdict}<br>{line('Greedy', g)}<br>{line('Exact', b)}")


def caption(result: vc.Recruitment, default: vc.Recruitment) -> str:
    """What the change did to both plans and to the gap between them."""
    return "; ".join([
        compare("greedy's local value added", result.greedy.value_added, default.greedy.value_added, "{:.1f}",
                "(100m yuan a year)"),
        compare("exact", result.best.value_added, default.best.value_added, "{:.1f}"),
        compare("greedy's shortfall", result.shortfall, default.shortfall, "{:.1f}"),
        compare("links local (exact)", result.best.completeness, default.best.completeness, "{:d}"),
    ])


def update(result: vc.Recruitment, params: Mapping[str, float]) -> Update:
    """The chain's markers and linked pairs for both plans, the stacked bars, the title and the readout."""
    bonus = result.bonus
    parts = [_own_and_bonus(p, bonus) for p in (result.today, result.greedy, result.best)]
    # what each plan spends of the budget, over its bar: greedy often leaves some unspent
    spent = ["", *(f"spent {p.cost:g}<br>of {result.budget:g}" for p in (result.greedy, result.best))]
    bars = [{"y": [own for own, _ in parts]}, {"y": [extra for _, extra in parts], "text": spent}]
    return Update(traces=_chain_traces(result) + bars, title=_title(result.budget), readout=readout(result))


def explorer() -> Explorer:
    total = _total_cost(chain())
    return Explorer(
        model=model,
        params=[
            Param("budget", "Recruitment budget (100m yuan, one-off)", 0, total + 1, 1, DEFAULT_BUDGET,
                  fmt="{:.0f}", unit="(100m yuan)", short="budget"),
            Param("bonus", "Linkage bonus per pair of adjacent local links (100m yuan a year)", 0, MAX_BONUS, 0.5, 0,
                  static_step=1, fmt="{:g}", unit="(100m yuan a year per pair)", short="linkage bonus"),
        ],
        figure=figure,
        update=update,
        ghost=[BAR_TRACES],
        caption=caption,
        alt=(
            "Explorer on an illustrative seven-link textile chain, with two charts. Left: the links fibre, yarn, "
            "weaving, dyeing, garments, design and trade in a row, twice: the greedy plan (links by value added per "
            "cost) above the exact plan (the best subset). Each link is a square: blue if local today, orange if the "
            "plan recruits it, hollow grey with its cost if it stays missing; a thick green line joins adjacent links "
            "that are both local. Right: stacked bars of local value added a year, in 100m yuan, today, with the "
            "greedy plan and with the exact plan, split into the links' own value added and the linkage bonus; a "
            "black mark shows each bar at the defaults. A readout gives each plan's links, cost, value added and "
            "links local, and what greedy leaves on the table. Sliders set the budget and the linkage bonus."
        ),
        height=HEIGHT,
        data=[vc.CHAIN_DATASET],
    )
