"""Value-chain gap analysis: which missing links of a chain to recruit under a budget.

Chapter 4 (chain-filling investment, 补链招商升级, *bǔ liàn zhāoshāng shēngjí*). A park's
industry is a chain of links i = 1 … n in order (for textiles: fibre → yarn → weaving →
dyeing/printing → garments → design/brand → trade/logistics; Porter 1985's value chain read
as a regional supply chain, as in Humphrey & Schmitz 2002 on cluster upgrading). For each link:

* s_i, its **local capacity share**: the share of the chain's need for link i met by firms in
  the park today (0–1);
* v_i, its **value added per unit** of the chain's throughput (yuan per metre of fabric);
* c_i, the **cost to recruit** firms that fill it (budget units: 100m yuan of incentives,
  land and services; whole numbers, so that the exact answer can use dynamic programming).

With a throughput of Q (100m metres of fabric a year), a link earns Q·v_i a year (100m yuan)
when all of it is done locally. A link is **local** (the park has the link) when s_i ≥ ½, the
fill share; recruiting a link makes it fully local (s_i → 1). For a set R of recruited links:

    ŝ_i(R) = 1 if i ∈ R, else s_i
    VA(R)  = Q Σ_i v_i ŝ_i(R)  +  β · #{i : link i and link i+1 both local}

The first term is **additive**: recruiting link i adds g_i = Q v_i (1 − s_i), whatever else is
recruited. The second is an optional **linkage bonus** β (100m yuan a year) for every pair of
*adjacent* links that are both local — faster sampling, shorter hauls, shared know-how between
a link and its supplier or customer (Hirschman's 1958 linkages made local). With β > 0 a link
is worth more when its neighbours are local: the links are complements.

Choosing R ⊆ missing links with Σ_{i∈R} c_i ≤ B to maximise VA(R) is, for β = 0, the **0/1
knapsack problem** (Kellerer, Pferschy & Pisinger 2004, *Knapsack Problems*, ch. 1–2;
Martello & Toth 1990, ch. 2):

* :func:`greedy_knapsack` — Dantzig's (1957) rule: take items in order of value per cost
  g_i / c_i, each one that still fits. Fast and often good, but it can be arbitrarily bad:
  with items (value 2, cost 1) and (value M, cost M) and budget M it takes the first and
  earns 2 against the optimum M (Kellerer et al. 2004, ch. 2).
* :func:`modified_greedy` — the better of the greedy answer and the best single item that
  fits: never below half the optimum (Kellerer et al. 2004, ch. 2, the "extended greedy").
* :func:`knapsack_dp` — exact, by dynamic programming over whole-number budgets (Bellman
  1957; Kellerer et al. 2004, ch. 2): best value z(j, b) with items 1…j and budget b,
  z(j, b) = max(z(j−1, b), z(j−1, b − c_j) + g_j). O(n·B).
* :func:`knapsack_brute` — exact, by trying all 2^n subsets (n ≤ 20 or so; a chain of seven
  links has at most 128).

For a chain, :func:`greedy_plan` applies the greedy rule with each link's *marginal* gain
(its own value added plus the bonus pairs it would complete) per cost, and :func:`best_plan`
tries every subset of the missing links with the full VA(R), bonus included: exact for any β.
For β = 0 the two are Dantzig's greedy and the knapsack optimum.

All money is in 100m yuan (亿元): value added a year, costs once. The course's chain data is
**illustrative** (``04_textile_chain_illustrative``).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

CHAIN_DATASET = "04_textile_chain_illustrative"
#: A link is local (the park "has" it) when local firms meet at least this share of the chain's need.
FILL_SHARE = 0.5
#: The illustrative chain's throughput Q, 100m metres of fabric a year (1 billion metres).
DEFAULT_THROUGHPUT = 10.0
_EPS = 1e-9

ArrayLike = Sequence[float] | np.ndarray


# -- the 0/1 knapsack (additive values) ------------------------------------------------------
def _check_items(values: ArrayLike, costs: ArrayLike, budget: float) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(values, dtype=float).ravel()
    c = np.asarray(costs, dtype=float).ravel()
    if v.shape != c.shape:
        raise ValueError("values and costs must have the same length")
    if (c < 0).any() or not np.isfinite(c).all() or not np.isfinite(v).all():
        raise ValueError("costs must be finite and non-negative, values finite")
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    return v, c


def greedy_knapsack(values: ArrayLike, costs: ArrayLike, budget: float) -> tuple[float, tuple[int, ...]]:
    """Dantzig's greedy rule: items by value per cost (highest first; ties by index), each
    taken if it still fits in what is left of ``budget``. Items of value ≤ 0 are never taken.

    Returns (total value, indices taken, in the order taken)."""
    v, c = _check_items(values, costs, budget)
    ratio = np.where(c > 0, v / np.where(c > 0, c, 1.0), np.inf)
    order = sorted(range(v.size), key=lambda i: (-ratio[i], i))
    left, taken = float(budget), []
    for i in order:
        if v[i] > 0 and c[i] <= left + _EPS:
            taken.append(i)
            left -= c[i]
    return float(v[taken].sum()) if taken else 0.0, tuple(taken)


def modified_greedy(values: ArrayLike, costs: ArrayLike, budget: float) -> tuple[float, tuple[int, ...]]:
    """The better of :func:`greedy_knapsack` and the single most valuable item that fits.

    Never below half the optimum (Kellerer, Pferschy & Pisinger 2004, ch. 2): if k is
    the first item in ratio order that does not fit, the items before it plus item k are worth
    at least the LP bound ≥ OPT, and each of the two parts is at most max(greedy, best single)."""
    v, c = _check_items(values, costs, budget)
    g_value, g_set = greedy_knapsack(v, c, budget)
    fits = [i for i in range(v.size) if c[i] <= budget + _EPS and v[i] > 0]
    if fits:
        best = max(fits, key=lambda i: (v[i], -i))
        if v[best] > g_value + _EPS:
            return float(v[best]), (best,)
    return g_value, g_set


def knapsack_dp(values: ArrayLike, costs: ArrayLike, budget: float) -> tuple[float, tuple[int, ...]]:
    """Exact 0/1 knapsack by dynamic programming over whole-number budgets (Bellman's recursion).

    ``costs`` must be whole numbers; the budget is rounded down to one. z[j][b] is the best
    value with the first j items and budget b: z[j][b] = max(z[j-1][b], z[j-1][b-c_j] + v_j).
    Returns (best value, indices chosen, ascending). O(n · budget) time and memory."""
    v, c = _check_items(values, costs, budget)
    if not np.allclose(c, np.round(c)):
        raise ValueError("knapsack_dp needs whole-number costs")
    w = np.round(c).astype(int)
    cap = int(np.floor(budget + _EPS))
    n = v.size
    z = np.zeros((n + 1, cap + 1))
    for j in range(1, n + 1):
        z[j] = z[j - 1]
        if v[j - 1] > 0 and w[j - 1] <= cap:
            take = z[j - 1, : cap + 1 - w[j - 1]] + v[j - 1]
            z[j, w[j - 1]:] = np.maximum(z[j - 1, w[j - 1]:], take)
    chosen, b = [], cap
    for j in range(n, 0, -1):
        if z[j, b] > z[j - 1, b] + _EPS:
            chosen.append(j - 1)
            b -= w[j - 1]
    return float(z[n, cap]), tuple(sorted(chosen))


def knapsack_brute(values: ArrayLike, costs: ArrayLike, budget: float) -> tuple[float, tuple[int, ...]]:
    """Exact 0/1 knapsack by trying every subset (2^n of them): for checking, and small n.

    Ties: the cheaper subset, then the one that comes first in index order."""
    v, c = _check_items(values, costs, budget)
    if v.size > 22:
        raise ValueError("brute force is for small instances (at most 22 items)")
    masks = _masks(v.size)
    total_cost = masks @ c
    total_value = masks @ v
    ok = total_cost <= budget + _EPS
    k = _pick(total_value, total_cost, ok)
    return float(total_value[k]), tuple(int(i) for i in np.flatnonzero(masks[k]))


def _masks(n: int) -> np.ndarray:
    """All 2^n subsets as rows of 0/1, in the order of the binary numbers 0 … 2^n − 1
    read with item 0 as the most significant bit (so earlier items come first in ties)."""
    if n == 0:
        return np.zeros((1, 0))
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)))


def _pick(value: np.ndarray, cost: np.ndarray, ok: np.ndarray) -> int:
    """Index of the best feasible row: highest value, then lowest cost, then first."""
    best = np.max(value[ok])
    tied = np.flatnonzero(ok & (value >= best - _EPS))
    cheapest = np.min(cost[tied])
    tied = tied[cost[tied] <= cheapest + _EPS]
    # rows were built with item 0 as the most significant bit; the first subset in chain
    # order that contains the earliest links is the *largest* binary number among the tied
    return int(tied[-1])


# -- the chain --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chain:
    """A value chain: its links in order, with the local capacity share, value added per unit
    and cost to recruit of each, and the throughput that turns value per unit into money."""

    links: tuple[str, ...]
    labels: tuple[str, ...]
    capacity_share: np.ndarray  # s_i, 0–1
    value_per_unit: np.ndarray  # v_i, yuan per metre of fabric
    cost: np.ndarray  # c_i, 100m yuan (whole numbers)
    throughput: float = DEFAULT_THROUGHPUT  # Q, 100m metres a year
    fill_share: float = FILL_SHARE

    def __post_init__(self) -> None:
        n = len(self.links)
        for name in ("capacity_share", "value_per_unit", "cost"):
            if np.asarray(getattr(self, name)).shape != (n,):
                raise ValueError(f"{name} needs one value per link")
        if len(self.labels) != n or len(set(self.links)) != n:
            raise ValueError("links must be unique and have one label each")
        s = np.asarray(self.capacity_share, dtype=float)
        if ((s < 0) | (s > 1)).any():
            raise ValueError("local capacity shares lie in [0, 1]")
        if (np.asarray(self.value_per_unit) < 0).any() or (np.asarray(self.cost) < 0).any():
            raise ValueError("value added per unit and costs cannot be negative")
        if self.throughput < 0 or not 0 < self.fill_share <= 1:
            raise ValueError("throughput must be non-negative and the fill share in (0, 1]")

    def __len__(self) -> int:
        return len(self.links)

    def index(self, link: str) -> int:
        return self.links.index(link)

    @property
    def local_today(self) -> np.ndarray:
        """Whether each link is local before any recruiting (s_i ≥ fill share)."""
        return np.asarray(self.capacity_share) >= self.fill_share - _EPS

    @property
    def missing(self) -> tuple[str, ...]:
        """The links the park lacks today: the candidates for recruiting, in chain order."""
        return tuple(l for l, here in zip(self.links, self.local_today) if not here)

    @property
    def gains(self) -> np.ndarray:
        """g_i = Q v_i (1 − s_i): value added a year (100m yuan) that recruiting link i adds, bonus aside."""
        return self.throughput * np.asarray(self.value_per_unit) * (1 - np.asarray(self.capacity_share))

    @property
    def full_value(self) -> np.ndarray:
        """Q v_i: what each link earns a year (100m yuan) when it is all done locally."""
        return self.throughput * np.asarray(self.value_per_unit, dtype=float)

    def _recruited_mask(self, recruited: Sequence[str]) -> np.ndarray:
        unknown = set(recruited) - set(self.links)
        if unknown:
            raise ValueError(f"not links of this chain: {sorted(unknown)}")
        return np.array([l in set(recruited) for l in self.links])

    def shares(self, recruited: Sequence[str] = ()) -> np.ndarray:
        """ŝ_i: local capacity shares after recruiting (recruited links become 1)."""
        return np.where(self._recruited_mask(recruited), 1.0, np.asarray(self.capacity_share, dtype=float))

    def local(self, recruited: Sequence[str] = ()) -> np.ndarray:
        """Whether each link is local after recruiting ``recruited``."""
        return self.local_today | self._recruited_mask(recruited)


def load_chain(name: str = CHAIN_DATASET, throughput: float = DEFAULT_THROUGHPUT) -> Chain:
    """The course's (illustrative) textile chain, links in chain order."""
    from .. import data

    frame = data.load(name).sort_values("order")
    return Chain(
        links=tuple(str(s) for s in frame["link"]),
        labels=tuple(str(s) for s in frame["label"]),
        capacity_share=frame["local_capacity_share"].astype(float).to_numpy(),
        value_per_unit=frame["value_added_per_unit"].astype(float).to_numpy(),
        cost=frame["recruit_cost"].astype(float).to_numpy(),
        throughput=float(throughput),
    )


def linked_pairs(chain: Chain, recruited: Sequence[str] = ()) -> int:
    """Adjacent pairs of links (i, i+1) that are both local."""
    here = chain.local(recruited)
    return int(np.sum(here[:-1] & here[1:]))


def local_value_added(chain: Chain, recruited: Sequence[str] = (), bonus: float = 0.0) -> float:
    """VA(R) = Q Σ v_i ŝ_i(R) + β · (adjacent pairs both local), in 100m yuan a year."""
    if bonus < 0:
        raise ValueError("the linkage bonus cannot be negative")
    return float(chain.full_value @ chain.shares(recruited) + bonus * linked_pairs(chain, recruited))


def completeness(chain: Chain, recruited: Sequence[str] = ()) -> int:
    """Chain completeness: how many of the chain's links are local."""
    return int(chain.local(recruited).sum())


def local_sourcing_share(chain: Chain, recruited: Sequence[str] = ()) -> float:
    """Share of the chain's value added (bonus aside) done in the park: Σ v ŝ / Σ v."""
    total = float(np.sum(chain.value_per_unit))
    return float(np.asarray(chain.value_per_unit) @ chain.shares(recruited) / total) if total > 0 else 0.0


@dataclass(frozen=True)
class Plan:
    """A choice of links to recruit and what it gives the park."""

    recruited: tuple[str, ...]  # in chain order
    cost: float  # 100m yuan
    value_added: float  # local value added after recruiting, 100m yuan a year
    gain: float  # value_added minus today's
    completeness: int  # links local after recruiting
    linked_pairs: int
    local_share: float  # value-weighted local sourcing share (0–1)


def plan(chain: Chain, recruited: Sequence[str], bonus: float = 0.0) -> Plan:
    """What recruiting ``recruited`` gives: cost, local value added, completeness."""
    order = tuple(l for l in chain.links if l in set(recruited))
    mask = chain._recruited_mask(order)
    va = local_value_added(chain, order, bonus)
    return Plan(
        recruited=order,
        cost=float(np.asarray(chain.cost, dtype=float)[mask].sum()),
        value_added=va,
        gain=va - local_value_added(chain, (), bonus),
        completeness=completeness(chain, order),
        linked_pairs=linked_pairs(chain, order),
        local_share=local_sourcing_share(chain, order),
    )


def greedy_plan(chain: Chain, budget: float, bonus: float = 0.0) -> tuple[Plan, tuple[str, ...]]:
    """The greedy rule: again and again, recruit the missing link with the highest marginal gain
    per cost (its own value added plus the bonus of the pairs it completes) that still fits,
    until none fits or none adds anything. Ties go to the link earlier in the chain.

    With ``bonus = 0`` the marginal gain is g_i whatever was taken before, and this is
    :func:`greedy_knapsack` on the missing links. Returns the plan and the links in the order taken."""
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    taken: list[str] = []
    left = float(budget)
    current = local_value_added(chain, (), bonus)
    while True:
        best, best_key = None, None
        for link in chain.missing:
            if link in taken:
                continue
            c = float(chain.cost[chain.index(link)])
            if c > left + _EPS:
                continue
            gain = local_value_added(chain, taken + [link], bonus) - current
            if gain <= _EPS:
                continue
            ratio = gain / c if c > 0 else np.inf
            key = (ratio, -chain.index(link))
            if best_key is None or key > best_key:
                best, best_key = link, key
        if best is None:
            break
        taken.append(best)
        left -= float(chain.cost[chain.index(best)])
        current = local_value_added(chain, taken, bonus)
    return plan(chain, taken, bonus), tuple(taken)


def best_plan(chain: Chain, budget: float, bonus: float = 0.0) -> Plan:
    """The exact answer: every subset of the missing links (2^m, m ≤ 7 for a seven-link chain)
    is scored with the full VA(R), bonus included; the best that fits the budget wins
    (ties: cheaper, then earlier links)."""
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    cand = chain.missing
    idx = [chain.index(l) for l in cand]
    masks = _masks(len(cand))
    cost = masks @ np.asarray(chain.cost, dtype=float)[idx]
    # value per subset, vectorised: additive part + bonus × adjacent local pairs
    base = chain.full_value @ np.asarray(chain.capacity_share, dtype=float)
    value = base + masks @ chain.gains[idx]
    if bonus:
        here = np.tile(chain.local_today.astype(float), (len(masks), 1))
        here[:, idx] = np.maximum(here[:, idx], masks)
        value = value + bonus * np.sum(here[:, :-1] * here[:, 1:], axis=1)
    k = _pick(value, cost, cost <= budget + _EPS)
    return plan(chain, [cand[j] for j in np.flatnonzero(masks[k])], bonus)


@dataclass(frozen=True)
class Recruitment:
    """Today's chain, the greedy rule's plan and the exact best plan at one budget and bonus."""

    budget: float
    bonus: float
    today: Plan
    greedy: Plan
    greedy_order: tuple[str, ...]
    best: Plan

    @property
    def shortfall(self) -> float:
        """Local value added the greedy rule leaves on the table (100m yuan a year)."""
        return self.best.value_added - self.greedy.value_added


def recruitment(chain: Chain, budget: float, bonus: float = 0.0) -> Recruitment:
    """Greedy and exact recruiting on ``chain`` with ``budget`` (100m yuan) and linkage ``bonus``."""
    greedy, order = greedy_plan(chain, budget, bonus)
    return Recruitment(float(budget), float(bonus), plan(chain, (), bonus), greedy, order,
                       best_plan(chain, budget, bonus))
