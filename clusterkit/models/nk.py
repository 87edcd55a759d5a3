"""Firms searching a rugged landscape: Kauffman's NK model, with local search and imitation.

Chapter 7 (introduced innovation, 引进创新). Many firms in one zone each try to improve a
technology made of N interdependent design decisions; the more the decisions interact, the more
*rugged* the landscape and the more places a firm can get stuck. Firms learn by trying changes of
their own and by copying from better firms around them — "competing and communicating".

**The NK landscape** (Kauffman & Levin 1987; Kauffman 1993, *The Origins of Order*, ch. 2;
Levinthal 1997, "Adaptation on rugged landscapes", *Management Science* 43(7): 934–950). A
configuration is a string of N binary decisions s = (s_0, …, s_{N−1}). Decision i contributes
f_i(s_i, s_{j_1(i)}, …, s_{j_K(i)}), which depends on its own state and on the states of K other
decisions; each of its 2^(K+1) values is an independent draw from U(0, 1). Fitness is the mean

    F(s) = (1/N) · Σ_i f_i(s_i, s_{j_1(i)}, …, s_{j_K(i)})          so 0 ≤ F ≤ 1.

The K others are either *adjacent* — decisions i+1, …, i+K (mod N), Kauffman's nearest-neighbour
structure — or *random*: K distinct decisions other than i, drawn for each i (seeded).

* K = 0: each decision matters on its own, F is additive and the landscape is smooth: exactly one
  local peak, the global one (each decision at its better state), reached by any sequence of
  improving one-decision changes.
* K = N − 1: each f_i depends on every decision, so the 2^N fitness values are independent draws
  and the landscape is as rugged as it can be. A configuration is a local peak when it beats its N
  one-decision neighbours, which happens with probability 1/(N + 1) (of N + 1 exchangeable values,
  each is the largest equally often); the expected number of local peaks is

      E[peaks] = 2^N / (N + 1)                                        (Kauffman 1993, ch. 2)

  (:func:`expected_peaks_random`).

Representation: configuration ``c`` is the integer whose bit i is s_i (``c >> i & 1``), so the
one-decision neighbours of c are ``c ^ (1 << i)``. For N ≤ 12 the whole table of 2^N fitness
values is computed once (:func:`landscape`, cached per setting and seed) and search is a lookup.

**Search by firms** (:func:`search`). Firms start at random configurations. Every period each firm,
at the same time as all others,

* with probability 1 − ``imitation`` searches locally (Levinthal 1997): it tries changing one
  decision chosen at random and keeps the change if fitness rises;
* with probability ``imitation`` imitates: it looks at ``observe`` other firms of its zone picked at
  random (with replacement) and takes the best of them as its model. If the model is fitter, the
  firm tries copying *one* of the decisions on which it differs from the model, chosen at random,
  and keeps it if its own fitness rises — imitation of a complex technology is piecemeal, and a
  copied practice that does not fit the rest of the firm's choices is dropped (Rivkin 2000,
  "Imitation of complex strategies", *Management Science* 46(6)). A firm that sees nobody fitter
  searches locally instead. With ``copy="configuration"`` the imitating firm instead adopts its
  fitter model's whole configuration (the rule of Lazer & Friedman 2007): a much stronger
  spillover, under which the firms soon crowd onto one peak.

Either way a firm only accepts improvements, so every firm's fitness — and the mean — never falls,
and a firm at a local peak never moves. Imitation changes *where* firms climb: towards the fitter
firms, so early gains are faster and the firms end on fewer, shared peaks — less diversity
(compare Lazer & Friedman 2007, *Administrative Science Quarterly* 52(4), on the cost of too much
communication).

Randomness: run r's landscape is drawn from ``numpy.random.default_rng([seed, r])`` (unless
``landscape_seed`` fixes one landscape for all runs), the search from ``default_rng(seed)``: the
starting configurations first, then per period the same arrays whatever the imitation rate, so
runs that differ only in ``imitation`` share their landscapes, starts and dice.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

SEED = 2026
#: The largest N whose 2^N fitness table is precomputed (4,096 configurations).
MAX_N = 12
STRUCTURES = ("adjacent", "random")
#: What an imitating firm copies from its fitter model: one decision, or everything.
COPY_RULES = ("decision", "configuration")


# -- the landscape ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Landscape:
    """An NK landscape with its whole fitness table.

    ``interactions[i]`` lists the decisions that decision i's contribution depends on, itself first:
    (i, j_1(i), …, j_K(i)). ``contributions[i, m]`` is f_i at the states coded by m, whose bit j is
    the state of decision ``interactions[i, j]``. ``fitness[c]`` is F of configuration c (bit i of c
    is decision i). Arrays are read-only.
    """

    n: int
    k: int
    structure: str
    seed: tuple[int, ...]
    interactions: np.ndarray
    contributions: np.ndarray
    fitness: np.ndarray

    @property
    def size(self) -> int:
        """The number of configurations, 2^N."""
        return 1 << self.n

    @functools.cached_property
    def neighbour_fitness(self) -> np.ndarray:
        """F of each one-decision neighbour: ``[c, i]`` is F(c ^ (1 << i)), shape (2^N, N)."""
        return _readonly(self.fitness[_neighbours(self.n)])

    @functools.cached_property
    def is_peak(self) -> np.ndarray:
        """True for the configurations with no fitter one-decision neighbour (local peaks)."""
        return _readonly(self.fitness >= self.neighbour_fitness.max(axis=1))

    @property
    def global_peak(self) -> int:
        return global_peak(self)

    @property
    def global_max(self) -> float:
        return float(self.fitness[global_peak(self)])


def landscape(n: int = 10, k: int = 2, structure: str = "adjacent", seed: int | Sequence[int] = SEED) -> Landscape:
    """The NK landscape with N = ``n`` decisions, each depending on ``k`` others (``"adjacent"``: the
    next k decisions, cyclically; ``"random"``: k distinct others drawn at random), contributions
    U(0, 1) drawn from ``default_rng(seed)``. Cached: the same arguments return the same object."""
    _check_nk(n, k, structure)
    key = (int(seed),) if np.ndim(seed) == 0 else tuple(int(s) for s in seed)  # type: ignore[arg-type]
    return _landscape(int(n), int(k), structure, key)


@functools.lru_cache(maxsize=256)
def _landscape(n: int, k: int, structure: str, seed: tuple[int, ...]) -> Landscape:
    rng = np.random.default_rng(list(seed))
    interactions = interaction_structure(n, k, structure, rng)
    contributions = rng.random((n, 1 << (k + 1)))
    fitness = fitness_table(interactions, contributions)
    return Landscape(n, k, structure, seed, _readonly(interactions), _readonly(contributions), _readonly(fitness))


def interaction_structure(n: int, k: int, structure: str = "adjacent",
                          rng: np.random.Generator | None = None) -> np.ndarray:
    """Rows (i, j_1(i), …, j_K(i)), shape (N, K + 1): each decision first, then the K it depends on.

    ``"adjacent"``: j_m(i) = (i + m) mod N. ``"random"``: K distinct decisions other than i, a random
    subset for each i (in random order), drawn from ``rng``.
    """
    _check_nk(n, k, structure)
    if structure == "adjacent":
        return (np.arange(n)[:, np.newaxis] + np.arange(k + 1)[np.newaxis, :]) % n
    if rng is None:
        raise ValueError("a random interaction structure needs a random generator")
    rows = np.empty((n, k + 1), dtype=np.int64)
    for i in range(n):
        others = np.delete(np.arange(n), i)
        rows[i, 0] = i
        rows[i, 1:] = rng.permutation(others)[:k]
    return rows


def fitness_table(interactions: np.ndarray, contributions: np.ndarray) -> np.ndarray:
    """F(c) for every configuration c = 0 … 2^N − 1: the mean over i of
    ``contributions[i, m_i(c)]``, m_i(c) = Σ_j s_{interactions[i, j]}(c) · 2^j."""
    n, width = interactions.shape
    s = config_bits(np.arange(1 << n), n)                      # (2^N, N)
    m = s[:, interactions] @ (1 << np.arange(width))           # (2^N, N): the row of each f_i
    return contributions[np.arange(n)[np.newaxis, :], m].mean(axis=1)


def local_peaks(land: Landscape) -> np.ndarray:
    """The configurations with no fitter one-decision neighbour, in increasing order."""
    return np.flatnonzero(land.is_peak)


def global_peak(land: Landscape) -> int:
    """The fittest configuration."""
    return int(np.argmax(land.fitness))


def expected_peaks_random(n: int) -> float:
    """Kauffman's (1993) expected number of local peaks on a fully random landscape (K = N − 1):
    2^N / (N + 1)."""
    return 2.0 ** n / (n + 1)


def config_bits(configs: np.ndarray | int, n: int) -> np.ndarray:
    """The N decisions of each configuration: shape ``configs.shape + (n,)``, 0/1, decision i last-axis i."""
    c = np.asarray(configs, dtype=np.int64)
    return (c[..., np.newaxis] >> np.arange(n)) & 1


def config_from_bits(bits: Sequence[int] | np.ndarray) -> np.ndarray | int:
    """The inverse of :func:`config_bits` (over the last axis)."""
    b = np.asarray(bits, dtype=np.int64)
    out = b @ (1 << np.arange(b.shape[-1]))
    return int(out) if np.ndim(out) == 0 else out


# -- outputs ---------------------------------------------------------------------------------
def diversity(configs: np.ndarray, n: int) -> np.ndarray:
    """The mean Hamming distance between two different firms, divided by N, over the last axis (firms).

    With m_i firms having decision i set, of F firms, Σ_i m_i·(F − m_i) is the total distance over
    the F(F − 1)/2 pairs. 0 when all firms agree (or there is only one firm); at most about ½.
    """
    c = np.asarray(configs)
    firms = c.shape[-1]
    if firms < 2:
        return np.zeros(c.shape[:-1])
    m = config_bits(c, n).sum(axis=-2)                          # (..., N)
    return (m * (firms - m)).sum(axis=-1) / (firms * (firms - 1) / 2) / n


def distinct_configurations(configs: np.ndarray) -> np.ndarray:
    """The number of different configurations among the firms (over the last axis)."""
    s = np.sort(np.asarray(configs), axis=-1)
    return 1 + np.count_nonzero(np.diff(s, axis=-1), axis=-1)


@dataclass(frozen=True)
class Search:
    """Firms' configurations over time: ``configs[r, t, f]`` is firm f's configuration in run r after t
    periods (t = 0 is the start), shape (runs, periods + 1, firms); ``landscapes[r]`` run r's landscape."""

    configs: np.ndarray
    landscapes: tuple[Landscape, ...]
    settings: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.landscapes[0].n

    @property
    def n_runs(self) -> int:
        return int(self.configs.shape[0])

    @property
    def periods(self) -> int:
        return int(self.configs.shape[1]) - 1

    @property
    def n_firms(self) -> int:
        return int(self.configs.shape[2])

    @functools.cached_property
    def _tables(self) -> tuple[np.ndarray, np.ndarray]:
        return (np.stack([land.fitness for land in self.landscapes]),
                np.stack([land.is_peak for land in self.landscapes]))

    @functools.cached_property
    def fitness(self) -> np.ndarray:
        """Each firm's fitness, shape (runs, periods + 1, firms)."""
        return _lookup(self._tables[0], self.configs)

    @property
    def mean_fitness_by_run(self) -> np.ndarray:
        """Mean fitness over firms, shape (runs, periods + 1)."""
        return self.fitness.mean(axis=2)

    @property
    def mean_fitness(self) -> np.ndarray:
        """Mean fitness over firms and runs, shape (periods + 1,)."""
        return self.fitness.mean(axis=(0, 2))

    @property
    def relative_fitness(self) -> np.ndarray:
        """Mean fitness as a share of each run's global maximum, averaged over runs: (periods + 1,)."""
        best = np.array([land.global_max for land in self.landscapes])
        return (self.mean_fitness_by_run / best[:, np.newaxis]).mean(axis=0)

    @functools.cached_property
    def on_peak(self) -> np.ndarray:
        """True where a firm is on a local peak (it will never move again), (runs, periods + 1, firms)."""
        return _lookup(self._tables[1], self.configs)

    @property
    def share_on_peak(self) -> np.ndarray:
        """The share of firms on a local peak, over firms and runs: (periods + 1,)."""
        return self.on_peak.mean(axis=(0, 2))

    @property
    def share_at_global_peak(self) -> np.ndarray:
        """The share of firms at their run's global peak: (periods + 1,)."""
        best = np.array([land.global_peak for land in self.landscapes])
        return (self.configs == best[:, np.newaxis, np.newaxis]).mean(axis=(0, 2))

    @functools.cached_property
    def diversity_by_run(self) -> np.ndarray:
        """Mean pairwise Hamming distance / N among the firms of each run, (runs, periods + 1)."""
        return diversity(self.configs, self.n)

    @property
    def diversity(self) -> np.ndarray:
        """:attr:`diversity_by_run` averaged over runs: (periods + 1,)."""
        return self.diversity_by_run.mean(axis=0)

    @functools.cached_property
    def distinct(self) -> np.ndarray:
        """The number of different configurations among the firms of each run, (runs, periods + 1)."""
        return distinct_configurations(self.configs)


# -- the engine ------------------------------------------------------------------------------
def step(fitness: np.ndarray, configs: np.ndarray, n: int, imitate: np.ndarray, flip: np.ndarray,
         observed: np.ndarray, pick: np.ndarray, copy: str = "decision") -> np.ndarray:
    """One period for all firms of all runs at once; returns the new configurations.

    ``fitness`` (runs, 2^N) is each run's table, ``configs`` (runs, firms). The draws: ``imitate``
    (runs, firms) whether the firm imitates; ``flip`` the decision it tries in local search;
    ``observed`` (runs, firms, observe) the firms it looks at; ``pick`` in [0, 1) which of the d
    decisions on which it differs from its model it copies: the ⌊pick·d⌋-th, counting from decision 0.
    With ``copy="configuration"`` an imitating firm adopts its fitter model's whole configuration.
    """
    rows = np.arange(configs.shape[0])[:, np.newaxis]
    now = fitness[rows, configs]
    seen = configs[rows[..., np.newaxis], observed]                    # (runs, firms, observe)
    best = np.argmax(fitness[rows[..., np.newaxis], seen], axis=-1)
    model = np.take_along_axis(seen, best[..., np.newaxis], axis=-1)[..., 0]
    whole = _check_copy(copy)
    copy = imitate & (fitness[rows, model] > now)
    differ = config_bits(configs ^ model, n)                           # (runs, firms, N)
    count = differ.sum(axis=-1)
    nth = np.minimum((pick * count).astype(np.int64), np.maximum(count - 1, 0))
    copied_bit = np.argmax(np.cumsum(differ, axis=-1) > nth[..., np.newaxis], axis=-1)
    candidate = configs ^ (np.int64(1) << np.where(copy, copied_bit, flip))
    if whole:
        candidate = np.where(copy, model, candidate)
    return np.where(fitness[rows, candidate] > now, candidate, configs)


def search(n: int = 10, k: int = 2, imitation: float = 0.0, firms: int = 100, periods: int = 50, runs: int = 4,
           observe: int = 3, structure: str = "adjacent", seed: int | None = SEED,
           landscape_seed: int | None = None, start: np.ndarray | None = None, copy: str = "decision") -> Search:
    """``firms`` firms search an NK landscape for ``periods`` periods, in each of ``runs`` runs.

    Each run has its own landscape (from ``[seed, r]``) unless ``landscape_seed`` gives one landscape
    for all. ``imitation`` is the probability that a firm imitates in a period rather than searching
    locally; ``observe`` how many other firms it looks at when it does. ``start`` (firms,) or
    (runs, firms) replaces the random starting configurations. ``copy="configuration"`` makes an
    imitating firm adopt its model's whole configuration instead of one decision. Vectorised over firms and runs: one
    Python step per period. See the module docstring for the rules.
    """
    _check_nk(n, k, structure)
    if not 0 <= imitation <= 1:
        raise ValueError("imitation is a probability, between 0 and 1")
    _check_copy(copy)
    for name, value, least in (("firms", firms, 1), ("runs", runs, 1), ("observe", observe, 1),
                               ("periods", periods, 0)):
        if int(value) != value or value < least:
            raise ValueError(f"{name} must be a whole number, at least {least}")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**32)  # type: ignore[operator]
    if landscape_seed is None:
        lands = tuple(landscape(n, k, structure, (seed, r)) for r in range(runs))
    else:
        lands = (landscape(n, k, structure, landscape_seed),) * runs
    table = np.stack([land.fitness for land in lands])
    rng = np.random.default_rng(seed)
    configs = np.empty((runs, periods + 1, firms), dtype=np.int64)
    configs[:, 0] = rng.integers(0, 1 << n, (runs, firms))
    if start is not None:
        s = np.asarray(start)
        if s.shape not in ((firms,), (runs, firms)) or s.min() < 0 or s.max() >= 1 << n or (s != s.astype(int)).any():
            raise ValueError(f"start must be (firms,) or (runs, firms) configurations between 0 and {(1 << n) - 1}")
        configs[:, 0] = s
    me = np.arange(firms)[np.newaxis, :, np.newaxis]
    for t in range(periods):
        imitate = rng.random((runs, firms)) < imitation
        flip = rng.integers(0, n, (runs, firms))
        if firms > 1:
            observed = rng.integers(0, firms - 1, (runs, firms, observe))
            observed += observed >= me                                 # anyone but itself
        else:
            observed = np.zeros((runs, firms, observe), dtype=np.int64)  # a lone firm sees only itself
        pick = rng.random((runs, firms))
        configs[:, t + 1] = step(table, configs[:, t], n, imitate, flip, observed, pick, copy)
    settings = dict(n=n, k=k, imitation=imitation, firms=firms, periods=periods, runs=runs, observe=observe,
                    structure=structure, seed=seed, landscape_seed=landscape_seed, copy=copy)
    return Search(configs, lands, settings)


# -- helpers ---------------------------------------------------------------------------------
def _check_nk(n: int, k: int, structure: str) -> None:
    if int(n) != n or int(k) != k:
        raise ValueError("N and K are whole numbers")
    if not 1 <= n <= MAX_N:
        raise ValueError(f"N must be between 1 and {MAX_N} (the whole table of 2^N fitness values is precomputed)")
    if not 0 <= k < n:
        raise ValueError(f"K must be between 0 and N − 1 = {n - 1}: a decision can depend on at most the N − 1 others")
    if structure not in STRUCTURES:
        raise ValueError(f'structure must be one of {", ".join(map(repr, STRUCTURES))}')


def _check_copy(copy: str) -> bool:
    """True for whole-configuration copying."""
    if copy not in COPY_RULES:
        raise ValueError(f'copy must be one of {", ".join(map(repr, COPY_RULES))}')
    return copy == "configuration"


@functools.lru_cache(maxsize=MAX_N + 1)
def _neighbours(n: int) -> np.ndarray:
    return np.arange(1 << n)[:, np.newaxis] ^ (1 << np.arange(n))[np.newaxis, :]


def _lookup(tables: np.ndarray, configs: np.ndarray) -> np.ndarray:
    """tables[r, configs[r, ...]] for each run r."""
    rows = np.arange(configs.shape[0]).reshape((-1,) + (1,) * (configs.ndim - 1))
    return tables[rows, configs]


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a
