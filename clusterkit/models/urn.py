"""Increasing returns in location: W. Brian Arthur's model of firms choosing regions, and Pólya's urn.

Chapter 6 (cluster-advantage diffusion, 集群优势扩散). Both are *generalised urns* (Arthur,
Ermoliev & Kaniovski 1987): units (firms, balls) arrive one at a time, and the probability that
the next one goes to region A is a function of how many are in A and in B already.
:func:`generalised_urn` runs any such rule over many seeded runs at once (vectorised over runs);
:func:`polya` and :func:`locate` are its two special cases.

**Arthur's location model** (Arthur 1990, "'Silicon Valley' locational clusters: when do
increasing returns imply monopoly?", *Mathematical Social Sciences* 19: 235–251; in the two-type
form of Arthur 1989, *Economic Journal* 99: 116–131). Firms arrive one by one and choose between
regions A and B. Each firm has its own taste: with probability p it is an *A-type*, which values
region A by δ (the taste premium) more than B; otherwise it is a B-type, which values B by δ more.
On top of its taste it gets an agglomeration benefit that grows with the firms already in the
region, so its payoff from region r is

    Π_r = q_r + g·n_r          (q_r = δ for the region it prefers, 0 for the other)

or, with the benefit bounded at ``cap`` firms, Π_r = q_r + g·min(n_r, cap). It picks the region
with the higher payoff; a tie goes to the region it prefers.

*The lock-in bound.* Write d = n_A − n_B for A's lead. An A-type chooses B only when
g·(n_B − n_A) > δ, i.e. d < −δ/g; a B-type chooses A only when d > δ/g. While |d| ≤ δ/g every
firm follows its taste and d moves as a random walk (+1 with probability p, −1 otherwise). Once
the lead reaches

    b = ⌊δ/g⌋ + 1  firms                                   (:func:`lead_needed`)

every later firm, whatever its type, chooses the leading region, and the lead only grows: ±b are
absorbing barriers (Arthur 1989, section 3). With an unbounded benefit (g > 0, no cap) one region
therefore takes every firm from some point on, with probability one — Arthur's (1990) monopoly
result — and which region is decided by the order in which the early firms happened to arrive.
For a walk that starts at lead d₀ the chance that A is the one is the gambler's-ruin probability
(Feller 1968, ch. XIV.2)

    P(A locks in) = (1 − r^(d₀+b)) / (1 − r^(2b)),  r = (1 − p)/p;   (d₀ + b) / (2b) when p = ½.

With g = 0 there is no bound (b = ∞): every firm follows its taste and A's share tends to p.
With a cap, the benefit gap is at most g·cap: if g·cap ≤ δ no lead ever locks in, and the regions
share the industry as if agglomeration were absent — Arthur's (1990) second result, that
*bounded* increasing returns need not produce a monopoly.

**Pólya's urn** (Eggenberger & Pólya 1923; Pólya 1930; Mahmoud 2008). An urn holds a red and b
blue balls; a ball is drawn at random and put back with one more of its colour, so the chance that
the next ball is red is the red share now. In Arthur's *spin-off* version of industrial location
(Arthur 1994), each new firm is spun off by a parent drawn at random from the firms already
there and stays in its parent's region: the same urn, with regions for colours. The red share
converges to a random limit with the Beta(a, b) distribution — every split is possible and early
draws decide it, but there is no lock-in bound and no tendency to monopoly.

Randomness: run k's arrival t uses the uniform number U[t, k], drawn row by row from
``numpy.random.default_rng(seed)`` as an array of shape (arrivals, runs). So the same seed gives
the same runs, and a run with more arrivals continues the same history (its first n arrivals are
those of the shorter run). An A-type is an arrival with U < p.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

#: The dataset of the chapter's default (illustrative) settings.
SETTINGS_DATASET = "06_location_illustrative"
SEED = 2026
#: A tie in payoffs (within this, relative to the taste premium) goes to the firm's preferred region.
_TIE = 1e-9

Rule = Callable[[np.ndarray, np.ndarray], np.ndarray]


def lead_needed(taste: float, agglomeration: float) -> float:
    """The lock-in bound b = ⌊δ/g⌋ + 1: the smallest lead (firms in the leading region minus firms
    in the other) at which every later firm chooses the leading region, whatever its taste.

    ``math.inf`` when ``agglomeration`` is 0 (no lead is ever enough). A ratio δ/g within 1e-9 of a
    whole number counts as that number (a lead of exactly δ/g gives a tie, which goes to taste).
    """
    if taste < 0 or agglomeration < 0:
        raise ValueError("the taste premium and the agglomeration benefit cannot be negative")
    if agglomeration == 0:
        return math.inf
    return float(math.floor(taste / agglomeration + _TIE) + 1)


def lock_in_probability(lead: int, bound: float, prefer_a: float = 0.5) -> float:
    """Gambler's ruin: the probability that a taste-driven walk started at A's ``lead`` (|lead| < bound)
    reaches +bound before −bound, when each firm is an A-type with probability ``prefer_a``."""
    if math.isinf(bound):
        return math.nan
    b = int(bound)
    if abs(lead) >= b:
        return 1.0 if lead > 0 else 0.0
    if not 0 < prefer_a < 1:
        return 1.0 if prefer_a >= 1 else 0.0
    if math.isclose(prefer_a, 0.5):
        return (lead + b) / (2 * b)
    r = (1 - prefer_a) / prefer_a
    return (1 - r ** (lead + b)) / (1 - r ** (2 * b))


@dataclass(frozen=True)
class Runs:
    """Many runs of an urn process: where each arrival went, and what follows from it.

    ``to_a[k, t]`` is True when arrival t + 1 of run k went to region A (red, in Pólya's urn);
    ``start`` the firms (balls) in A and B before the first arrival; ``bound`` the lock-in bound
    (``inf`` where there is none); ``locked_at[k]`` the number of arrivals after which run k was
    locked in — every later firm goes to the leader whatever its taste — or −1 if it never was.
    """

    to_a: np.ndarray
    start: tuple[int, int]
    bound: float
    locked_at: np.ndarray
    rule: str
    settings: dict = field(default_factory=dict)

    @property
    def n_runs(self) -> int:
        return int(self.to_a.shape[0])

    @property
    def n_firms(self) -> int:
        """Arrivals per run (the firms that choose; the start is not counted)."""
        return int(self.to_a.shape[1])

    @functools.cached_property
    def counts_a(self) -> np.ndarray:
        """Firms in A after t arrivals, t = 0 … n (start included): shape (runs, n + 1)."""
        out = np.empty((self.n_runs, self.n_firms + 1), dtype=np.int64)
        out[:, 0] = self.start[0]
        np.cumsum(self.to_a, axis=1, out=out[:, 1:])
        out[:, 1:] += self.start[0]
        return out

    @property
    def totals(self) -> np.ndarray:
        """Firms in both regions after t arrivals, t = 0 … n."""
        return sum(self.start) + np.arange(self.n_firms + 1)

    @property
    def counts_b(self) -> np.ndarray:
        return self.totals[np.newaxis, :] - self.counts_a

    @property
    def lead(self) -> np.ndarray:
        """A's lead n_A − n_B after t arrivals (negative when B leads)."""
        return 2 * self.counts_a - self.totals[np.newaxis, :]

    @property
    def share_a(self) -> np.ndarray:
        """A's share of all firms after t arrivals (NaN while there are none)."""
        totals = self.totals.astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, self.counts_a / np.where(totals > 0, totals, 1.0), np.nan)

    def counts_a_at(self, t: int) -> np.ndarray:
        """Firms in A after ``t`` arrivals, for every run (without the whole history)."""
        if not 0 <= t <= self.n_firms:
            raise ValueError(f"t must be between 0 and the {self.n_firms} arrivals")
        return self.start[0] + np.count_nonzero(self.to_a[:, :t], axis=1)

    def lead_at(self, t: int) -> np.ndarray:
        """A's lead n_A − n_B after ``t`` arrivals, for every run."""
        return 2 * self.counts_a_at(t) - (sum(self.start) + t)

    def share_path(self, runs: Sequence[int], times: Sequence[int]) -> np.ndarray:
        """A's share of all firms after each of ``times`` arrivals (each at most the number of arrivals),
        for the runs ``runs``: shape (len(runs), len(times))."""
        rows = np.asarray(runs, dtype=int)
        t = np.asarray(times, dtype=int)
        counts = self.start[0] + np.concatenate(
            [np.zeros((rows.size, 1), dtype=np.int64), np.cumsum(self.to_a[rows], axis=1)], axis=1)
        totals = (sum(self.start) + t).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, counts[:, t] / np.where(totals > 0, totals, 1.0), np.nan)

    @functools.cached_property
    def final_share(self) -> np.ndarray:
        """A's share of all firms at the end of each run."""
        return self.counts_a_at(self.n_firms) / float(sum(self.start) + self.n_firms)

    @property
    def winner(self) -> np.ndarray:
        """+1 where A ends with more firms than B, −1 where B does, 0 for a tie."""
        return np.sign(self.lead_at(self.n_firms))

    @property
    def locked(self) -> np.ndarray:
        return self.locked_at >= 0

    def dominant(self, threshold: float = 0.9) -> np.ndarray:
        """Runs that end with one region holding more than ``threshold`` of all firms."""
        s = self.final_share
        return (s > threshold) | (s < 1 - threshold)

    def share_dominant(self, threshold: float = 0.9) -> float:
        """The share of runs in which one region ends with more than ``threshold`` of all firms."""
        return float(self.dominant(threshold).mean())

    def leader_keeps_lead(self, k: int) -> float:
        """Among runs with a leader after the first ``k`` arrivals (no tie), the share in which that
        region still has strictly more firms at the end. NaN if no run has a leader after k."""
        early = np.sign(self.lead_at(k))
        has = early != 0
        if not has.any():
            return math.nan
        return float((self.winner[has] == early[has]).mean())


def load_settings(name: str = SETTINGS_DATASET) -> dict[str, float]:
    """The chapter's default settings (illustrative), by parameter name; whole numbers as ``int``."""
    from .. import data

    frame = data.load(name)
    out: dict[str, float] = {}
    for p, v in zip(frame["parameter"], frame["value"]):
        out[str(p)] = int(v) if float(v).is_integer() and str(p) not in ("taste", "agglomeration", "prefer_a",
                                                                          "dominance") else float(v)
    return out


# -- the engine ------------------------------------------------------------------------------
def uniforms(n_arrivals: int, runs: int, seed: int | None) -> np.ndarray:
    """U of shape (runs, arrivals): U[k, t] for run k's arrival t + 1, drawn arrival by arrival, so that
    a longer run continues the same history."""
    if n_arrivals < 0 or runs < 1:
        raise ValueError("need at least one run and no negative number of arrivals")
    return np.random.default_rng(seed).random((n_arrivals, runs)).T


def generalised_urn(rule: Rule, n_arrivals: int, start: tuple[int, int], runs: int,
                    seed: int | None = SEED, u: np.ndarray | None = None) -> np.ndarray:
    """Run a generalised urn (Arthur, Ermoliev & Kaniovski 1987): arrival t goes to A with probability
    ``rule(n_a, n_b)``, a vectorised function of the counts before it (arrays over runs).

    Returns ``to_a`` of shape (runs, arrivals). Arrival t of run k goes to A when U[k, t] < rule(...).
    """
    a0, b0 = _start(start)
    u = uniforms(n_arrivals, runs, seed) if u is None else u
    n_a = np.full(runs, a0, dtype=np.int64)
    to_a = np.empty((runs, n_arrivals), dtype=bool)
    for t in range(n_arrivals):
        n_b = (a0 + b0 + t) - n_a
        step = u[:, t] < rule(n_a, n_b)
        to_a[:, t] = step
        n_a += step
    return to_a


def polya_rule(n_a: np.ndarray, n_b: np.ndarray) -> np.ndarray:
    """Pólya's urn: the next ball is red with probability equal to the red share now."""
    return n_a / (n_a + n_b)


def arthur_rule(taste: float, agglomeration: float, prefer_a: float, cap: float | None = None) -> Rule:
    """Arthur's location model as an urn rule: the probability that the next firm chooses A.

    An A-type (probability ``prefer_a``) chooses A unless the benefit gap favours B by more than δ;
    a B-type chooses A only when the gap favours A by more than δ.
    """
    _check(taste, agglomeration, prefer_a, cap)
    tol = _TIE * max(1.0, taste)

    def rule(n_a: np.ndarray, n_b: np.ndarray) -> np.ndarray:
        gap = _benefit_gap(n_a, n_b, agglomeration, cap)
        a_type_goes_a = taste + gap > -tol
        b_type_goes_a = gap - taste > tol
        return prefer_a * a_type_goes_a + (1.0 - prefer_a) * b_type_goes_a

    return rule


def polya(red: int = 1, blue: int = 1, draws: int = 1000, runs: int = 1000, seed: int | None = SEED) -> Runs:
    """Pólya's urn from ``red`` and ``blue`` balls, ``draws`` draws, over ``runs`` seeded runs.

    The red share after many draws follows Beta(red, blue) (Eggenberger & Pólya 1923; Pólya 1930);
    after n draws the number of red draws is beta-binomial(n, red, blue).
    """
    if red < 1 or blue < 1:
        raise ValueError("Pólya's urn needs at least one ball of each colour")
    to_a = generalised_urn(polya_rule, draws, (red, blue), runs, seed)
    return Runs(to_a=to_a, start=(int(red), int(blue)), bound=math.inf,
                locked_at=np.full(runs, -1, dtype=np.int64), rule="polya",
                settings=dict(red=red, blue=blue, draws=draws, runs=runs, seed=seed))


def locate(n_firms: int = 500, agglomeration: float = 0.1, taste: float = 1.0, prefer_a: float = 0.5,
           runs: int = 400, start: tuple[int, int] = (0, 0), cap: float | None = None,
           seed: int | None = SEED, method: str = "auto") -> Runs:
    """Arthur's location model: ``n_firms`` firms choose between regions A and B, over ``runs`` runs.

    ``agglomeration`` g and ``taste`` δ are in the same payoff unit (only δ/g matters when there is no
    cap); ``prefer_a`` is the share p of firms that prefer A; ``start`` the firms already in A and B;
    ``cap`` bounds the benefit at g·cap. ``method="loop"`` runs the generalised urn step by step;
    ``"fast"`` (the default when there is no cap) finds each run's lock-in from the cumulative sum of
    its taste-driven steps, with no Python loop. Both give the same runs for the same seed.
    """
    _check(taste, agglomeration, prefer_a, cap)
    a0, b0 = _start(start)
    if n_firms < 1:
        raise ValueError("at least one firm must arrive")
    if method not in ("auto", "fast", "loop"):
        raise ValueError('method must be "auto", "fast" or "loop"')
    if method == "fast" and cap is not None:
        raise ValueError("the fast method is exact only without a cap")
    settings = dict(n_firms=n_firms, agglomeration=agglomeration, taste=taste, prefer_a=prefer_a, runs=runs,
                    start=(a0, b0), cap=cap, seed=seed)
    bound = lead_needed(taste, agglomeration) if cap is None else _capped_bound(taste, agglomeration, cap)
    if method == "loop" or cap is not None:
        u = uniforms(n_firms, runs, seed)
        to_a = generalised_urn(arthur_rule(taste, agglomeration, prefer_a, cap), n_firms, (a0, b0), runs, u=u)
        runs_ = Runs(to_a, (a0, b0), bound, np.full(runs, -1, dtype=np.int64), "arthur", settings)
        locked = _locked_states(runs_.counts_a, runs_.counts_b, taste, agglomeration, cap)
        first = np.where(locked.any(axis=1), locked.argmax(axis=1), -1)
        return Runs(to_a, (a0, b0), bound, first, "arthur", settings)
    # Fast path: unbounded benefit. Each firm follows its taste until the lead reaches ±b at arrival τ;
    # from then on every firm goes to the leader. Arrays are arrival-major (arrivals, runs), as drawn.
    taste_a = uniforms(n_firms, runs, seed).T < prefer_a  # A-types, shape (arrivals, runs)
    if math.isinf(bound):
        return Runs(np.ascontiguousarray(taste_a.T), (a0, b0), bound, np.full(runs, -1, dtype=np.int64), "arthur",
                    settings)
    d0 = a0 - b0
    walk = np.empty((n_firms + 1, runs), dtype=np.int32)  # the lead if every firm followed its taste
    walk[0] = d0
    np.cumsum(taste_a, axis=0, dtype=np.int32, out=walk[1:])
    walk[1:] *= 2
    walk[1:] -= np.arange(1, n_firms + 1, dtype=np.int32)[:, np.newaxis]
    walk[1:] += d0
    hit = np.abs(walk) >= bound
    ever = hit.any(axis=0)
    tau = np.where(ever, hit.argmax(axis=0), -1)
    leader_a = walk[np.maximum(tau, 0), np.arange(runs)] > 0
    after = (np.arange(1, n_firms + 1)[:, np.newaxis] > tau[np.newaxis, :]) & ever[np.newaxis, :]
    to_a = np.where(after, leader_a[np.newaxis, :], taste_a)
    return Runs(np.ascontiguousarray(to_a.T), (a0, b0), bound, tau.astype(np.int64), "arthur", settings)


# -- helpers ---------------------------------------------------------------------------------
def _start(start: tuple[int, int]) -> tuple[int, int]:
    a0, b0 = (int(v) for v in start)
    if a0 < 0 or b0 < 0 or (a0, b0) != tuple(start):
        raise ValueError("start must be two whole numbers of firms, not negative")
    return a0, b0


def _check(taste: float, agglomeration: float, prefer_a: float, cap: float | None) -> None:
    if taste < 0 or agglomeration < 0:
        raise ValueError("the taste premium and the agglomeration benefit cannot be negative")
    if not 0 <= prefer_a <= 1:
        raise ValueError("prefer_a is a share of firms, between 0 and 1")
    if cap is not None and cap < 0:
        raise ValueError("cap is a number of firms, not negative")


def _benefit_gap(n_a: np.ndarray, n_b: np.ndarray, g: float, cap: float | None) -> np.ndarray:
    """g·(n_A − n_B), or g·(min(n_A, cap) − min(n_B, cap)) with a cap."""
    if cap is None:
        return g * (n_a - n_b)
    return g * (np.minimum(n_a, cap) - np.minimum(n_b, cap))


def _locked_states(n_a: np.ndarray, n_b: np.ndarray, taste: float, g: float, cap: float | None) -> np.ndarray:
    """Where both types choose the same region: the benefit gap outweighs the taste premium."""
    gap = _benefit_gap(n_a, n_b, g, cap)
    tol = _TIE * max(1.0, taste)
    return (gap - taste > tol) | (taste + gap < -tol)


def _capped_bound(taste: float, g: float, cap: float) -> float:
    """The bound with a cap: ``inf`` when the largest possible benefit gap, g·cap, does not exceed δ (no
    lead ever locks in); otherwise b = ⌊δ/g⌋ + 1, which locks in only while the trailing region has at
    most cap − b firms (the gap is g·(min(n_A, cap) − min(n_B, cap)))."""
    if g * cap - taste <= _TIE * max(1.0, taste):
        return math.inf
    return lead_needed(taste, g)
