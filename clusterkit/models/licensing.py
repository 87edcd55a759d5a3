"""Consolidation under a licensing shock, and knowledge spillovers on a collaboration network.

Chapter 2 (internal collaborative innovation, 内部协同创新; the Liushi low-voltage cluster).

1. **Consolidation.** n small firms, firm i with quality q_i (0–100 score), output y_i and a
   location. A licence requirement with stringency τ licenses the firms with q_i ≥ τ; they
   stay independent and may head groups. Each unlicensed firm is caught by enforcement in a
   year r_i ~ Geometric(e) (drawn from the seed, the same whatever τ). It is then *absorbed*
   into a licensed group if the group can bring it up to standard (q_i ≥ τ − g, the
   absorption gap g), or it *exits*. It joins the group with the strongest pull,
   argmax_h Y_h / max(d_ih, d₀)² (group output over squared distance: a gravity rule),
   as Chint and Delixi absorbed workshops into groups in 1991–94; its quality is raised to
   max(q_i, τ). Concentration is the Herfindahl–Hirschman index of the independent units'
   output (``clusterkit.metrics.hhi``; Hirschman 1945, Herfindahl 1950). Licensing acts as an
   imposed selection of the fit, the mechanism of Jovanovic (1982, Econometrica 50(3):649–670)
   sped up by a regulator. Because r_i does not depend on τ, a stricter licence never leaves
   more independent firms in any year.

2. **Spillovers.** The workshops still producing (independent or absorbed) form a
   collaboration network: two are tied when they are within ``radius`` km of each other (a
   random geometric graph, Penrose 2003), and every absorbed workshop is tied to its group's
   head — long-range shortcuts that make the network a small world (Watts & Strogatz 1998,
   Nature 393:440–442). A better practice starts at the best firm; each month, every
   adopter passes it to each non-adopting partner with probability β (the SI contagion).
   Then the delay along a tie is Geometric(β) months and a firm adopts at its shortest-path
   distance from the first adopter (first-passage percolation): computed exactly with
   Dijkstra's algorithm in networkx. Delays are drawn per pair of firms from the seed, so a
   larger radius only adds ties and can never slow anyone's adoption.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from ..metrics import hhi

FIRMS_DATASET = "02_firms_illustrative"
INDEPENDENT, ABSORBED, EXITED = 0, 1, 2


@dataclass(frozen=True)
class Firms:
    """A population of firms: quality (0–100), output (10k yuan/yr), location (km)."""

    quality: np.ndarray
    output: np.ndarray
    xy: np.ndarray  # n × 2

    def __len__(self) -> int:
        return int(self.quality.size)


def load_firms(name: str = FIRMS_DATASET) -> Firms:
    """The course's (illustrative) town of workshops."""
    from .. import data

    f = data.load(name)
    return Firms(
        quality=f["quality"].astype(float).to_numpy(),
        output=f["output"].astype(float).to_numpy(),
        xy=f[["x_km", "y_km"]].astype(float).to_numpy(),
    )


def random_firms(n: int, seed: int, size_km: float = 5.0) -> Firms:
    """``n`` firms with Beta(2, 2.5) quality, lognormal output, uniform locations (for tests)."""
    rng = np.random.default_rng(seed)
    quality = 100 * rng.beta(2.0, 2.5, size=n)
    return Firms(quality, 30 * np.exp(rng.normal(0, 0.8, size=n)), rng.uniform(0, size_km, size=(n, 2)))


def _rngs(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent streams for enforcement and for tie delays."""
    a, b = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(a), np.random.default_rng(b)


# -- consolidation ----------------------------------------------------------------------
@dataclass(frozen=True)
class Consolidation:
    """Yearly paths (index = years since the licence requirement, 0 = before) and final state."""

    stringency: float
    years: np.ndarray
    independent: np.ndarray  # count of independent firms (licensed + not yet caught)
    absorbed: np.ndarray  # cumulative count absorbed into groups
    exited: np.ndarray  # cumulative count exited
    hhi: np.ndarray  # HHI of independent units' output (0–10,000)
    quality: np.ndarray  # output-weighted mean quality of the firms still producing
    licensed: np.ndarray  # bool per firm
    status: np.ndarray  # final INDEPENDENT / ABSORBED / EXITED per firm
    owner: np.ndarray  # final group head per firm (itself if independent, -1 if exited)


def consolidate(
    firms: Firms,
    stringency: float,
    absorb_gap: float = 25.0,
    enforcement: float = 0.35,
    years: int = 12,
    seed: int = 0,
    min_distance: float = 0.1,
) -> Consolidation:
    """Licensing, then year by year: unlicensed firms caught this year are absorbed or exit.

    ``stringency`` τ and ``absorb_gap`` g in quality points; ``enforcement`` e = probability
    that an unlicensed firm is caught in a given year; ``min_distance`` d₀ in km.
    """
    if not 0 < enforcement <= 1:
        raise ValueError("enforcement must be in (0, 1]")
    q, y = firms.quality, firms.output
    n = len(firms)
    caught = _rngs(seed)[0].geometric(enforcement, size=n)  # year of enforcement, ≥ 1
    licensed = q >= stringency
    heads = np.flatnonzero(licensed)
    absorbable = q >= stringency - absorb_gap
    status = np.full(n, INDEPENDENT)
    owner = np.arange(n)
    size = y.astype(float).copy()  # output of each unit's group (own output if not a head)
    upgraded = q.astype(float).copy()
    pull = None
    if heads.size:
        dist = np.maximum(cdist(firms.xy, firms.xy[heads]), min_distance)
        pull = 1.0 / dist**2  # n × heads
    paths = {k: np.zeros(years + 1) for k in ("independent", "absorbed", "exited", "hhi", "quality")}

    def record(t: int) -> None:
        ind = status == INDEPENDENT
        live = status != EXITED
        paths["independent"][t] = ind.sum()
        paths["absorbed"][t] = (status == ABSORBED).sum()
        paths["exited"][t] = (status == EXITED).sum()
        paths["hhi"][t] = hhi(size[ind]) if ind.any() and size[ind].sum() > 0 else math.nan
        paths["quality"][t] = np.average(upgraded[live], weights=y[live]) if live.any() else math.nan

    record(0)
    for t in range(1, years + 1):
        for i in np.flatnonzero(~licensed & (caught == t)):
            if pull is not None and absorbable[i]:
                h = heads[int(np.argmax(size[heads] * pull[i]))]
                status[i], owner[i] = ABSORBED, h
                size[h] += y[i]
                upgraded[i] = max(q[i], stringency)
            else:
                status[i], owner[i] = EXITED, -1
        record(t)
    return Consolidation(
        stringency=float(stringency),
        years=np.arange(years + 1),
        licensed=licensed,
        status=status,
        owner=owner,
        **{k: v if k in ("hhi", "quality") else v.astype(int) for k, v in paths.items()},
    )


# -- spillovers on the collaboration network ----------------------------------------------
@dataclass(frozen=True)
class Diffusion:
    """Adoption of a better practice: months until each firm adopts (inf = never)."""

    nodes: np.ndarray  # firm indices in the network
    times: np.ndarray  # adoption month per node (inf if never reached)
    months: np.ndarray  # 0..horizon
    share: np.ndarray  # share of nodes that have adopted by each month
    mean_degree: float
    start: int  # firm that adopts first

    def time_to(self, share: float) -> float:
        return time_to_share(self.times, share)


def time_to_share(times: np.ndarray, share: float) -> float:
    """First month by which at least ``share`` of the firms have adopted (inf if never)."""
    t = np.sort(np.asarray(times, dtype=float))
    if t.size == 0:
        return math.inf
    k = max(int(math.ceil(share * t.size - 1e-9)) - 1, 0)
    return float(t[k])


def tie_delays(n: int, rate: float, seed: int) -> np.ndarray:
    """Symmetric n × n months of delay along each possible tie: Geometric(rate), from the seed."""
    if not 0 < rate <= 1:
        raise ValueError("the adoption rate must be in (0, 1]")
    d = np.triu(_rngs(seed)[1].geometric(rate, size=(n, n)).astype(float), 1)
    return d + d.T


def collaboration_network(
    xy: np.ndarray,
    nodes: np.ndarray,
    radius: float,
    owner: np.ndarray | None = None,
    delays: np.ndarray | None = None,
    group_delay: float = 1.0,
) -> nx.Graph:
    """Ties between ``nodes`` within ``radius`` km, plus each absorbed firm's tie to its group head.

    Each tie carries ``delay``: ``delays[u, v]`` for a local tie (1 if no delays are given),
    ``group_delay`` for a group tie.
    """
    nodes = np.asarray(nodes, dtype=int)
    G = nx.Graph()
    G.add_nodes_from(nodes.tolist())
    if nodes.size > 1 and radius > 0:
        pairs = cKDTree(xy[nodes]).query_pairs(radius, output_type="ndarray")
        u, v = nodes[pairs[:, 0]], nodes[pairs[:, 1]]
        w = delays[u, v] if delays is not None else np.ones(u.size)
        G.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist()), weight="delay")
    if owner is not None:
        own = np.asarray(owner)[nodes]
        members = (own >= 0) & (own != nodes)
        G.add_weighted_edges_from(
            ((int(i), int(h), group_delay) for i, h in zip(nodes[members], own[members])), weight="delay"
        )
    return G


def spread(G: nx.Graph, start: int, horizon: int = 48) -> Diffusion:
    """SI contagion as first-passage percolation: adoption month = shortest-path delay from ``start``."""
    reached = nx.single_source_dijkstra_path_length(G, start, weight="delay")
    nodes = np.array(sorted(G.nodes), dtype=int)
    times = np.array([reached.get(int(i), math.inf) for i in nodes], dtype=float)
    months = np.arange(horizon + 1)
    share = np.searchsorted(np.sort(times), months, side="right") / max(nodes.size, 1)
    degree = 2 * G.number_of_edges() / max(G.number_of_nodes(), 1)
    return Diffusion(nodes, times, months, share, degree, int(start))


@dataclass(frozen=True)
class LicensingResult:
    consolidation: Consolidation
    diffusion: Diffusion
    radius: float


def licensing_scenario(
    firms: Firms,
    stringency: float,
    radius: float,
    absorb_gap: float = 25.0,
    enforcement: float = 0.35,
    years: int = 12,
    adoption_rate: float = 0.2,
    horizon: int = 48,
    seed: int = 0,
) -> LicensingResult:
    """Consolidate under ``stringency``, then spread a practice among the survivors.

    The practice starts at the best firm still producing; ties within ``radius`` km pass it
    on with probability ``adoption_rate`` a month, group ties within a month.
    """
    cons = consolidate(firms, stringency, absorb_gap, enforcement, years, seed)
    nodes = np.flatnonzero(cons.status != EXITED)
    G = collaboration_network(firms.xy, nodes, radius, cons.owner, tie_delays(len(firms), adoption_rate, seed))
    start = int(nodes[np.argmax(firms.quality[nodes])])
    diff = spread(G, start, horizon)
    return LicensingResult(cons, diff, float(radius))
