"""Galton–Watson branching: one talent → one team → one firm → one industry.

Chapter 8 (talent-led development, 育龙引凤; Kunshan's small-nucleic-acid industry). Harris (1963),
*The Theory of Branching Processes*, ch. I; Athreya & Ney (1972), *Branching Processes*, ch. I.

A generation is a cohort of founders (a leading talent with a team, or the firm it founds). Each
founder, independently and with the same *offspring distribution* p_k = P(k offspring), brings in
the founders of the next generation. With Z_0 founders (usually 1), Z_{n+1} is the sum of Z_n
independent offspring counts. The offspring distribution enters through its probability
generating function (pgf)

    G(s) = E s^X = Σ_k p_k s^k,  0 ≤ s ≤ 1,   mean m = G'(1),  variance σ² = G''(1) + m − m².

Four families (:func:`poisson`, :func:`binomial`, :func:`geometric`, :func:`finite`):

    Poisson(λ):          G(s) = e^{λ(s−1)},             m = λ,          σ² = λ
    binomial(n, p):      G(s) = (1 − p + p s)^n,        m = n p,        σ² = n p (1 − p)
    geometric(p) on 0, 1, 2, …, p_k = p (1 − p)^k:
                         G(s) = p / (1 − (1 − p) s),    m = (1 − p)/p,  σ² = (1 − p)/p²
    finite pmf (p_0, …, p_K): G(s) = Σ p_k s^k (a polynomial).

**Extinction** (Harris 1963, ch. I; Athreya & Ney 1972, ch. I). The probability that
the line dies out, q = P(Z_n = 0 for some n), is the smallest root of s = G(s) in [0, 1]. If
p_1 < 1 then q = 1 when m ≤ 1 — *including the critical case m = 1* — and q < 1 when m > 1. (If
p_1 = 1 every founder has exactly one successor and q = 0.) From Z_0 = z founders it is q^z.
The probability the line is extinct *by* generation n is G_n(0), the n-fold composition
G(G(…G(0))), which increases to q (:func:`extinct_by`). At m = 1 it does so only like
1 − 2/(nσ²) (Kolmogorov's estimate; Athreya & Ney 1972, ch. I), so any iteration stopped after
finitely many steps would report q < 1: :func:`extinction_probability` returns 1 for m ≤ 1 by
the theorem (taking m within 1e-12 of 1 as critical, so that rounding in Σ k p_k cannot make a
critical line survive), and for m > 1 solves G(s) − s = 0 by Newton's method from s = 0. Because
f(s) = G(s) − s is convex, positive and decreasing on [0, q), each Newton step from the left lands
between the current point and q, so the iterates increase monotonically to q (no overshoot, no
wrong root) and converge quadratically once close. The solve is done in u = 1 − s, the survival
probability, with expm1/log1p, since just above criticality (m = 1 + δ, 1 − q ≈ 2δ/σ²) f is of
order δ² near q and would drown in the rounding of G(s) − s.

**Size** (Harris 1963, ch. I; Athreya & Ney 1972, ch. I). E Z_n = z m^n and

    Var Z_n = z σ² m^{n−1} (m^n − 1)/(m − 1)   (m ≠ 1),     Var Z_n = z n σ²   (m = 1).

**Simulation** (:func:`simulate`) uses the fact that the families are closed under sums: the
offspring of Z parents together are Poisson(λZ), binomial(nZ, p), negative binomial(Z, p)
(geometric), or a multinomial(Z, pmf) count — so one generation of all runs is one vectorised
draw, whatever the sizes. *The population is capped*: a run whose next generation exceeds ``cap``
is set to ``cap`` (so sizes stay in int64 and the draws stay cheap). Sizes equal to ``cap`` are
therefore lower bounds, the simulated mean is biased down once runs reach the cap, and a capped
run is, for all practical purposes, one that survives (it dies out with probability q^cap).

**The talent-led parameterisation** (:func:`talent_led`). A founder is active for T years and
brings new talents at a rate of a a year (a Poisson stream, so Poisson(aT) talents in all); each
talent founds a team (a firm) with probability p, independently. By Poisson thinning the number
of new founders is Poisson(a·p·T): m = a p T, and the industry can take off (q < 1) only when
a p T > 1 — each founder must, on average, seed more than one successor. :func:`explore` gives the
chapter explorer's outputs for one setting of the sliders.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

ArrayLike = float | Sequence[float] | np.ndarray
Seed = int | np.random.Generator | None

SEED = 2007  # Suzhou Ribo Life Science founded, Kunshan
#: The explorer's defaults: a founder's active years, generations shown, runs simulated, cap.
YEARS = 5.0
GENERATIONS = 10
RUNS = 2000
CAP = 10**6
#: The largest cap allowed (keeps λ·cap, n·cap and the multinomial counts well inside int64).
MAX_CAP = 10**12
#: A pmf must sum to 1 within this.
_PMF_TOL = 1e-9
#: A mean within this of 1 is critical (rounding in Σ k p_k must not turn m = 1 into m > 1).
_CRITICAL_TOL = 1e-12


@dataclass(frozen=True)
class Offspring:
    """An offspring distribution: ``kind`` is "poisson" (``params`` = (λ,)), "binomial" ((n, p)),
    "geometric" ((p,), on 0, 1, 2, …) or "finite" (``probs`` = (p_0, …, p_K)).
    Make one with :func:`poisson`, :func:`binomial`, :func:`geometric` or :func:`finite`."""

    kind: str
    params: tuple[float, ...] = ()
    probs: tuple[float, ...] = ()

    # -- the pgf and its derivative ---------------------------------------------------------
    def pgf(self, s: ArrayLike) -> np.ndarray:
        """G(s) = E s^X for 0 ≤ s ≤ 1 (the formulas in the module docstring)."""
        s = _unit(s)
        if self.kind == "poisson":
            return np.exp(self.params[0] * (s - 1.0))
        if self.kind == "binomial":
            n, p = self.params
            return (1.0 - p + p * s) ** n
        if self.kind == "geometric":
            p = self.params[0]
            return p / (1.0 - (1.0 - p) * s)
        return np.polynomial.polynomial.polyval(s, np.asarray(self.probs))

    def dpgf(self, s: ArrayLike) -> np.ndarray:
        """G'(s) = E X s^{X−1}: λ e^{λ(s−1)}, n p (1 − p + p s)^{n−1}, p (1 − p)/(1 − (1 − p) s)²,
        or Σ k p_k s^{k−1}."""
        s = _unit(s)
        if self.kind == "poisson":
            lam = self.params[0]
            return lam * np.exp(lam * (s - 1.0))
        if self.kind == "binomial":
            n, p = self.params
            return n * p * (1.0 - p + p * s) ** (n - 1) if n >= 1 else np.zeros_like(s)
        if self.kind == "geometric":
            p = self.params[0]
            return p * (1.0 - p) / (1.0 - (1.0 - p) * s) ** 2
        c = np.polynomial.polynomial.polyder(np.asarray(self.probs))
        return np.polynomial.polynomial.polyval(s, c) if c.size else np.zeros_like(s)

    # -- moments and point probabilities ------------------------------------------------------
    @property
    def mean(self) -> float:
        """m = E X."""
        if self.kind == "poisson":
            return float(self.params[0])
        if self.kind == "binomial":
            return float(self.params[0] * self.params[1])
        if self.kind == "geometric":
            return (1.0 - self.params[0]) / self.params[0]
        pk = np.asarray(self.probs)
        return float(np.dot(np.arange(pk.size), pk))

    @property
    def variance(self) -> float:
        """σ² = Var X."""
        if self.kind == "poisson":
            return float(self.params[0])
        if self.kind == "binomial":
            n, p = self.params
            return float(n * p * (1.0 - p))
        if self.kind == "geometric":
            p = self.params[0]
            return (1.0 - p) / p**2
        pk = np.asarray(self.probs)
        k = np.arange(pk.size)
        return float(np.dot((k - self.mean) ** 2, pk))

    def prob(self, k: int) -> float:
        """p_k = P(X = k)."""
        k = int(k)
        if k < 0:
            return 0.0
        if self.kind == "poisson":
            lam = self.params[0]
            if k == 0 or lam == 0:
                return math.exp(-lam) if k == 0 else 0.0
            return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))
        if self.kind == "binomial":
            n, p = int(self.params[0]), self.params[1]
            return math.comb(n, k) * p**k * (1.0 - p) ** (n - k) if k <= n else 0.0
        if self.kind == "geometric":
            p = self.params[0]
            return p * (1.0 - p) ** k
        return float(self.probs[k]) if k < len(self.probs) else 0.0

    # -- one generation ---------------------------------------------------------------------
    def children(self, parents: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """The total offspring of ``parents`` founders in each run (one vectorised draw, int64)."""
        z = np.asarray(parents, dtype=np.int64)
        if self.kind == "poisson":
            return rng.poisson(self.params[0] * z).astype(np.int64)
        if self.kind == "binomial":
            n, p = self.params
            return rng.binomial(int(n) * z, p).astype(np.int64)
        if self.kind == "geometric":
            # a sum of z geometric counts on {0, 1, …} is negative binomial(z, p); numpy needs z > 0
            draw = rng.negative_binomial(np.maximum(z, 1), self.params[0]).astype(np.int64)
            return np.where(z > 0, draw, 0)
        pk = np.asarray(self.probs)
        counts = rng.multinomial(z, pk)  # shape (runs, K + 1): how many parents had k children
        return (counts @ np.arange(pk.size)).astype(np.int64)


# -- constructors -----------------------------------------------------------------------------
def poisson(lam: float) -> Offspring:
    """Poisson(λ) offspring, λ ≥ 0."""
    lam = float(lam)
    if not (math.isfinite(lam) and lam >= 0):
        raise ValueError(f"the Poisson mean λ must be a finite number ≥ 0, got {lam}")
    return Offspring("poisson", (lam,))


def binomial(n: int, p: float) -> Offspring:
    """Binomial(n, p) offspring: n whole ≥ 0, 0 ≤ p ≤ 1."""
    if isinstance(n, bool) or not float(n).is_integer() or n < 0:
        raise ValueError(f"the binomial n must be a whole number ≥ 0, got {n}")
    p = float(p)
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"the binomial p must be in [0, 1], got {p}")
    return Offspring("binomial", (int(n), p))


def geometric(p: float) -> Offspring:
    """Geometric offspring on 0, 1, 2, …: p_k = p (1 − p)^k, 0 < p ≤ 1 (mean (1 − p)/p)."""
    p = float(p)
    if not (0.0 < p <= 1.0):
        raise ValueError(f"the geometric p must be in (0, 1], got {p}")
    return Offspring("geometric", (p,))


def finite(pmf: ArrayLike) -> Offspring:
    """Offspring with a finite pmf: ``pmf[k]`` = P(k offspring), k = 0 … K; it must sum to 1
    (within 1e-9; it is then rescaled to sum to 1 exactly in floating point)."""
    pk = np.asarray(pmf, dtype=float)
    if pk.ndim != 1 or pk.size == 0:
        raise ValueError("the pmf must be a non-empty one-dimensional array (pmf[k] = P(k offspring))")
    if not np.isfinite(pk).all() or (pk < 0).any():
        raise ValueError("the pmf must hold finite probabilities ≥ 0")
    total = float(pk.sum())
    if abs(total - 1.0) > _PMF_TOL:
        raise ValueError(f"the pmf must sum to 1, got {total}")
    pk = np.trim_zeros(pk / total, "b")
    return Offspring("finite", probs=tuple(float(v) for v in pk))


def talent_led(attraction: float, founding: float, years: float = YEARS) -> Offspring:
    """The chapter's parameterisation: a founder active for ``years`` (T) brings new talents at
    ``attraction`` (a) a year; each founds a team with probability ``founding`` (p). Offspring
    Poisson(a·p·T) (Poisson thinning; module docstring)."""
    a, p, t = float(attraction), float(founding), float(years)
    if not (math.isfinite(a) and a >= 0):
        raise ValueError(f"the attraction rate a (talents a year) must be ≥ 0, got {attraction}")
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"the founding success p must be a probability in [0, 1], got {founding}")
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"a founder's active years T must be positive, got {years}")
    return poisson(a * p * t)


# -- the module-level interface ------------------------------------------------------------------
def pgf(offspring: Offspring, s: ArrayLike) -> np.ndarray:
    """G(s) = Σ p_k s^k, 0 ≤ s ≤ 1."""
    return offspring.pgf(s)


def extinction_probability(offspring: Offspring, start: int = 1) -> float:
    """q^z: the probability that a line from ``start`` (z) founders dies out; q is the smallest root
    of s = G(s) in [0, 1]. p_0 = 0 → 0 (no founder can fail); otherwise m ≤ 1 → 1 (Harris 1963, ch. I;
    the critical case m = 1 by the theorem, not by iteration); m > 1 → Newton's method (:func:`_survival`)."""
    z = _count(start, "start")
    return (1.0 - _survival(offspring)) ** z  # no founders (z = 0): extinct already


def survival_probability(offspring: Offspring, start: int = 1) -> float:
    """1 − q^z: the probability that the line never dies out (computed as −expm1(z ln(1 − u)),
    u = 1 − q, so it keeps its digits when it is small, just above criticality)."""
    z = _count(start, "start")
    u = _survival(offspring)
    return 1.0 if u == 1.0 and z > 0 else float(-math.expm1(z * math.log1p(-u)))


def _gap(off: Offspring, u: float) -> float:
    """h(u) = G(1 − u) − (1 − u), written so that its rounding error is a multiple of u, not of 1
    (near criticality h is of order u², and G(s) − s in s would lose it)."""
    if off.kind == "poisson":
        return math.expm1(-off.params[0] * u) + u
    if off.kind == "binomial":
        n, p = off.params
        return math.expm1(n * math.log1p(-p * u)) + u if p * u < 1 else u - 1.0
    if off.kind == "geometric":
        p = off.params[0]
        return u - (1.0 - p) * u / (p + (1.0 - p) * u)
    pk = np.asarray(off.probs)[1:]
    if u == 1.0:
        return float(off.probs[0])
    k = np.arange(1, pk.size + 1)
    return float(np.dot(pk, np.expm1(k * math.log1p(-u)))) + u


def _survival(off: Offspring) -> float:
    """u = 1 − q. Newton's method on h(u) = G(1 − u) − (1 − u) from u = 1 (s = 0): h is convex,
    positive and increasing on (1 − q, 1], so each step lands between the current point and 1 − q
    and the iterates fall monotonically to it (module docstring); h'(u) = 1 − G'(1 − u)."""
    if float(off.pgf(0.0)) == 0.0:
        return 1.0
    if off.mean <= 1.0 + _CRITICAL_TOL:
        return 0.0
    u = 1.0
    for _ in range(500):
        step = _gap(off, u) / (1.0 - float(off.dpgf(1.0 - u)))
        if not step > 4e-16 * u:  # at 1 − q within rounding
            break
        u -= step
    return min(max(u, 0.0), 1.0)


def extinct_by(offspring: Offspring, generations: int) -> np.ndarray:
    """P(Z_k = 0), k = 0 … ``generations``, from one founder: 0, G(0), G(G(0)), … (increases to q)."""
    n = _count(generations, "generations")
    out = np.zeros(n + 1)
    for k in range(1, n + 1):
        out[k] = float(offspring.pgf(out[k - 1]))
    return out


def expected_size(offspring: Offspring, n: ArrayLike, start: int = 1) -> np.ndarray:
    """E Z_n = z m^n (founders in generation n)."""
    n = _generations(n)
    return _count(start, "start") * offspring.mean ** n


def size_variance(offspring: Offspring, n: ArrayLike, start: int = 1) -> np.ndarray:
    """Var Z_n = z σ² m^{n−1} (m^n − 1)/(m − 1), m ≠ 1; z n σ², m = 1 (Harris 1963, ch. I)."""
    n = _generations(n)
    z = _count(start, "start")
    m, s2 = offspring.mean, offspring.variance
    if m == 1.0:
        return z * n * s2
    if m == 0.0:  # Z_1 = 0 surely
        return np.zeros_like(n)
    # (m^n − 1)/(m − 1) = expm1(n ln m)/(m − 1): accurate near m = 1
    geometric_sum = np.expm1(n * math.log(m)) / (m - 1.0)
    return z * s2 * m ** (n - 1.0) * geometric_sum


def simulate(offspring: Offspring, generations: int, runs: int, seed: Seed = SEED, cap: int = CAP,
             start: int = 1) -> np.ndarray:
    """Sizes Z_0 … Z_n of ``runs`` seeded runs: an int64 array of shape (runs, generations + 1).

    One vectorised draw per generation (module docstring). **Capped**: a size above ``cap`` is set
    to ``cap`` (values equal to ``cap`` are lower bounds). ``seed`` is an int, None or a
    ``numpy.random.Generator``; the same int gives the same runs."""
    n = _count(generations, "generations")
    r = _count(runs, "runs")
    if r < 1:
        raise ValueError("runs must be at least 1")
    c = _count(cap, "cap")
    if not 1 <= c <= MAX_CAP:
        raise ValueError(f"cap must be between 1 and {MAX_CAP:,}, got {cap}")
    z0 = _count(start, "start")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    sizes = np.empty((r, n + 1), dtype=np.int64)
    sizes[:, 0] = min(z0, c)
    for k in range(n):
        z = sizes[:, k]
        nxt = np.zeros(r, dtype=np.int64)
        alive = z > 0
        if alive.any():
            nxt[alive] = offspring.children(z[alive], rng)
        sizes[:, k + 1] = np.minimum(nxt, c)
    return sizes


def survival_share(sizes: np.ndarray) -> float:
    """The share of simulated runs still alive in their last generation."""
    return float(np.mean(np.asarray(sizes)[:, -1] > 0))


def size_classes(final: ArrayLike, cap: int | None = None) -> tuple[list[str], np.ndarray]:
    """Counts of final sizes in classes "0 (died out)", "1", "2–9", "10–99", … (decades), and
    "≥ cap" when ``cap`` is given (runs held at the cap)."""
    x = np.asarray(final, dtype=np.int64).ravel()
    top = int(x.max()) if x.size else 0
    labels, counts = ["0 (died out)", "1"], [int((x == 0).sum()), int((x == 1).sum())]
    lo, hi = 2, 10
    while lo <= top and (cap is None or lo < cap):
        hi_eff = hi if cap is None else min(hi, cap)
        labels.append(f"{lo:,}–{hi_eff - 1:,}")
        counts.append(int(((x >= lo) & (x < hi_eff)).sum()))
        lo, hi = hi_eff, 10 * hi
    if cap is not None and (x >= cap).any():
        labels.append(f"≥ {cap:,} (capped)")
        counts.append(int((x >= cap).sum()))
    return labels, np.asarray(counts)


# -- the explorer -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outlook:
    """What the chapter's explorer shows for one setting: the offspring mean m = a p T, the survival
    probability 1 − q, the expected founders (firms) by generation m^n, and a seeded simulation."""

    attraction: float
    founding: float
    years: float
    mean: float
    survival: float
    expected: np.ndarray  # E Z_k, k = 0 … generations
    sizes: np.ndarray  # simulated Z_k, shape (runs, generations + 1)
    cap: int

    @property
    def final(self) -> np.ndarray:
        """The simulated sizes in the last generation."""
        return self.sizes[:, -1]

    @property
    def simulated_survival(self) -> float:
        """The share of runs alive in the last generation (≥ the survival probability, falls to it)."""
        return survival_share(self.sizes)

    def classes(self) -> tuple[list[str], np.ndarray]:
        """The size distribution of the last generation by class (:func:`size_classes`)."""
        return size_classes(self.final, self.cap)


def explore(attraction: float, founding: float, years: float = YEARS, generations: int = GENERATIONS,
            runs: int = RUNS, seed: Seed = SEED, cap: int = CAP) -> Outlook:
    """The explorer's outputs for attraction a, founding success p and active years T (fast: a
    Newton solve and ``generations`` vectorised draws)."""
    off = talent_led(attraction, founding, years)
    n = _count(generations, "generations")
    return Outlook(attraction=float(attraction), founding=float(founding), years=float(years), mean=off.mean,
                   survival=survival_probability(off), expected=expected_size(off, np.arange(n + 1)),
                   sizes=simulate(off, n, runs, seed=seed, cap=cap), cap=int(cap))


# -- checks ---------------------------------------------------------------------------------------
def _unit(s: ArrayLike) -> np.ndarray:
    s = np.asarray(s, dtype=float)
    if not (np.isfinite(s).all() and (s >= 0).all() and (s <= 1).all()):
        raise ValueError("the pgf is evaluated here for 0 ≤ s ≤ 1")
    return s


def _count(x: int, name: str) -> int:
    if isinstance(x, bool) or not (isinstance(x, (int, np.integer)) or (isinstance(x, float) and x.is_integer())):
        raise ValueError(f"{name} must be a whole number, got {x!r}")
    if x < 0:
        raise ValueError(f"{name} must be ≥ 0, got {x}")
    return int(x)


def _generations(n: ArrayLike) -> np.ndarray:
    n = np.asarray(n, dtype=float)
    if not (np.isfinite(n).all() and (n >= 0).all() and (n == np.round(n)).all()):
        raise ValueError("generations n must be whole numbers ≥ 0")
    return n
