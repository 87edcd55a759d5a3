"""Backward linkages of an anchor firm: input–output multipliers and a supplier-entry cascade.

Chapter 1 (anchor-firm-led clusters, 龙头企业带动). Two parts:

1. **Input–output analysis** of a flow table (Leontief 1936; 1986). With Z the inter-industry
   flows (z_ij = what sector j buys from sector i) and x gross output, the technical
   coefficients are a_ij = z_ij / x_j, and output that meets final demand f solves
   x = A x + f, so x = L f with the Leontief inverse L = (I − A)⁻¹. The output multiplier of
   sector j is the column sum Σ_i l_ij (output in the whole economy per unit of final demand
   for j). Rasmussen (1956) normalised the column and row sums of L into the *power* and
   *sensitivity of dispersion*; Hirschman (1958) read them as backward and forward linkages
   and argued for promoting sectors whose backward linkages are strong — an anchor firm's.
   (Miller & Blair 2009, ch. 2 and 12, is the standard text.)

2. **Supplier entry as a threshold cascade** (Granovetter 1978, "Threshold models of
   collective behavior", AJS 83(6):1420–1443). Candidate suppliers each belong to a sector
   and have a threshold θ_k: the local demand for their sector's product, in 100m yuan a
   year, that covers their fixed cost. Local demand comes from the anchor — its size Q times
   its local purchasing share s times its input coefficient b_i — and from suppliers already
   in the park, which buy from each other with the coefficients A_EE of the sectors E present:

       x_E = (I − σ A_EE)⁻¹ s Q b_E          (output of the sectors present)
       D_i = s Q b_i + σ Σ_{j∈E} a_ij x_j     (demand a candidate of sector i would face)

   with σ the suppliers' own local purchasing share. A candidate enters when D_{sector(k)} ≥ θ_k;
   entry adds sectors to E, which raises D, which may pull in more candidates. Iterating from
   "no supplier" reaches the smallest fixed point in at most as many rounds as there are
   candidates. Because D only grows with E, s and Q, more anchor demand never attracts fewer
   suppliers. A sector with no local supplier buys nothing locally: its share of the anchor's
   purchases leaks out of the park.

All money is in the table's unit (100m yuan, 亿元, per year, in the illustrative table).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

ArrayLike = Sequence[float] | np.ndarray

IO_DATASET = "01_park_io_illustrative"
SUPPLIER_DATASET = "01_suppliers_illustrative"


# -- input–output analysis -------------------------------------------------------------
def technical_coefficients(flows: ArrayLike, output: ArrayLike) -> np.ndarray:
    """A with a_ij = z_ij / x_j: what sector j buys from sector i per unit of j's output."""
    Z = np.asarray(flows, dtype=float)
    x = np.asarray(output, dtype=float)
    if Z.ndim != 2 or Z.shape[0] != Z.shape[1] or Z.shape[0] != x.size:
        raise ValueError("flows must be a square n×n table and output a vector of length n")
    if (Z < 0).any() or (x <= 0).any():
        raise ValueError("flows must be non-negative and every output positive")
    return Z / x[np.newaxis, :]


def leontief_inverse(A: ArrayLike) -> np.ndarray:
    """L = (I − A)⁻¹ (Leontief 1936), for a productive coefficient matrix A ≥ 0."""
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be a square matrix")
    if (A < 0).any():
        raise ValueError("technical coefficients cannot be negative")
    n = A.shape[0]
    if n and np.max(np.abs(np.linalg.eigvals(A))) >= 1:
        raise ValueError("A is not productive (spectral radius ≥ 1): (I − A) has no non-negative inverse")
    return np.linalg.solve(np.eye(n) - A, np.eye(n))


def output_multipliers(A: ArrayLike) -> np.ndarray:
    """Simple output multipliers: column sums of L (output everywhere per unit of final demand for j)."""
    return leontief_inverse(A).sum(axis=0)


def linkage_indices(A: ArrayLike, sectors: Sequence[str] | None = None) -> pd.DataFrame:
    """Hirschman–Rasmussen linkages of every sector, one row per sector.

    * ``direct_backward`` Σ_i a_ij and ``direct_forward`` Σ_j a_ij (Chenery & Watanabe 1958);
    * ``output_multiplier`` Σ_i l_ij (total backward) and ``total_forward`` Σ_j l_ij;
    * ``power_of_dispersion`` BL_j = (Σ_i l_ij / n) / (Σ_ij l_ij / n²) and
      ``sensitivity_of_dispersion`` FL_i = (Σ_j l_ij / n) / (Σ_ij l_ij / n²) (Rasmussen 1956):
      above 1 means stronger than the average sector;
    * ``key_sector``: both above 1 (Hirschman 1958).
    """
    A = np.asarray(A, dtype=float)
    L = leontief_inverse(A)
    n = A.shape[0]
    mean = L.sum() / n**2
    col, row = L.sum(axis=0), L.sum(axis=1)
    out = pd.DataFrame(
        {
            "direct_backward": A.sum(axis=0),
            "direct_forward": A.sum(axis=1),
            "output_multiplier": col,
            "total_forward": row,
            "power_of_dispersion": col / n / mean,
            "sensitivity_of_dispersion": row / n / mean,
        },
        index=pd.Index(list(sectors) if sectors is not None else range(n), name="sector"),
    )
    out["key_sector"] = (out["power_of_dispersion"] > 1) & (out["sensitivity_of_dispersion"] > 1)
    return out


def local_output(A: ArrayLike, demand: ArrayLike) -> np.ndarray:
    """Output of every sector needed to meet ``demand``: x = L d = (I − A)⁻¹ d."""
    A = np.asarray(A, dtype=float)
    return np.linalg.solve(np.eye(A.shape[0]) - A, np.asarray(demand, dtype=float))


#: Short sector names for tables and charts (the datasheet's labels are full sentences).
SHORT_NAMES = {
    "pharma": "Pharma",
    "cxo": "CXO",
    "api": "APIs",
    "packaging": "Packaging",
    "equipment": "Equipment",
    "logistics": "Logistics",
    "services": "Services",
}


@dataclass(frozen=True)
class IOTable:
    """An input–output table: flows Z (sellers × buyers), final demand, imports, value added, output."""

    sectors: tuple[str, ...]
    labels: tuple[str, ...]
    flows: np.ndarray
    final_demand: np.ndarray
    imports: np.ndarray
    value_added: np.ndarray
    output: np.ndarray

    @property
    def A(self) -> np.ndarray:
        return technical_coefficients(self.flows, self.output)

    @property
    def value_added_coefficients(self) -> np.ndarray:
        """v_j = value added per unit of output of sector j."""
        return self.value_added / self.output

    def index(self, sector: str) -> int:
        return self.sectors.index(sector)

    @property
    def names(self) -> list[str]:
        """Short names of the sectors, in order, for tables and charts (``SHORT_NAMES``)."""
        return [SHORT_NAMES.get(s, s) for s in self.sectors]


def io_table(frame: pd.DataFrame) -> IOTable:
    """An :class:`IOTable` from the wide CSV layout of ``01_park_io_illustrative``."""
    inter = frame[frame["row_type"] == "intermediate"]
    sectors = tuple(str(s) for s in inter["row"])
    one = lambda kind: frame.loc[frame["row_type"] == kind, list(sectors)].astype(float).to_numpy()[0]  # noqa: E731
    return IOTable(
        sectors=sectors,
        labels=tuple(str(s) for s in inter["label"]),
        flows=inter[list(sectors)].astype(float).to_numpy(),
        final_demand=inter["final_demand"].astype(float).to_numpy(),
        imports=one("imports"),
        value_added=one("value_added"),
        output=inter["total_output"].astype(float).to_numpy(),
    )


def load_table(name: str = IO_DATASET) -> IOTable:
    """The course's (illustrative) park input–output table."""
    from .. import data

    return io_table(data.load(name))


# -- the supplier-entry cascade --------------------------------------------------------
@dataclass(frozen=True)
class Suppliers:
    """Candidate suppliers: the sector (index into the supplier sectors) and threshold of each."""

    ids: tuple[str, ...]
    sector: np.ndarray  # int, index into the supplier sectors
    threshold: np.ndarray  # local sector demand that covers the fixed cost (100m yuan / year)

    def __len__(self) -> int:
        return len(self.ids)


def load_suppliers(sectors: Sequence[str], name: str = SUPPLIER_DATASET) -> Suppliers:
    """The (illustrative) candidate suppliers, with sectors as indices into ``sectors``."""
    from .. import data

    frame = data.load(name)
    where = {s: i for i, s in enumerate(sectors)}
    return Suppliers(
        ids=tuple(str(s) for s in frame["supplier_id"]),
        sector=np.array([where[str(s)] for s in frame["sector"]], dtype=int),
        threshold=frame["threshold"].astype(float).to_numpy(),
    )


def random_suppliers(n_sectors: int, n: int, seed: int, median: float = 0.8, sigma: float = 0.9) -> Suppliers:
    """``n`` candidates in random sectors with lognormal thresholds (median, log-sd ``sigma``)."""
    rng = np.random.default_rng(seed)
    return Suppliers(
        ids=tuple(f"S{k + 1:02d}" for k in range(n)),
        sector=rng.integers(0, n_sectors, size=n),
        threshold=median * np.exp(rng.normal(0.0, sigma, size=n)),
    )


@dataclass(frozen=True)
class Cascade:
    """Where a supplier cascade stops: who entered, and in which round."""

    entered: np.ndarray  # bool per candidate
    entry_round: np.ndarray  # round in which each candidate entered (0 = never)
    present: np.ndarray  # bool per supplier sector: at least one local supplier
    sector_output: np.ndarray  # local output of each supplier sector at the fixed point
    demand: np.ndarray  # local demand a candidate of each sector faces at the fixed point
    cumulative: tuple[int, ...]  # suppliers in the park after round 0, 1, 2, ...

    @property
    def n_entered(self) -> int:
        return int(self.entered.sum())

    @property
    def rounds(self) -> int:
        return len(self.cumulative) - 1


def _supplier_output(A_s: np.ndarray, direct: np.ndarray, present: np.ndarray, supplier_share: float):
    """Output x_E of the sectors present and the demand D every sector faces."""
    E = np.flatnonzero(present)
    x = np.zeros_like(direct)
    if E.size:
        block = supplier_share * A_s[np.ix_(E, E)]
        x[E] = np.linalg.solve(np.eye(E.size) - block, direct[E])
    demand = direct + supplier_share * A_s[:, E] @ x[E]
    return x, demand


def supplier_cascade(
    A_s: ArrayLike,
    b: ArrayLike,
    suppliers: Suppliers,
    anchor_size: float,
    local_share: float,
    supplier_share: float = 1.0,
) -> Cascade:
    """Granovetter (1978) threshold cascade of supplier entry around an anchor.

    ``A_s``: coefficients among the supplier sectors; ``b``: the anchor's input coefficients
    on them; ``anchor_size`` Q (output, 100m yuan/yr); ``local_share`` s and
    ``supplier_share`` σ in [0, 1]. Round r admits every candidate whose threshold the
    demand after round r − 1 covers; it stops when a round admits nobody.
    """
    A_s = np.asarray(A_s, dtype=float)
    b = np.asarray(b, dtype=float)
    if not (0 <= local_share <= 1 and 0 <= supplier_share <= 1):
        raise ValueError("purchasing shares must lie in [0, 1]")
    if anchor_size < 0:
        raise ValueError("anchor size cannot be negative")
    direct = local_share * anchor_size * b
    present = np.zeros(b.size, dtype=bool)
    entered = np.zeros(len(suppliers), dtype=bool)
    entry_round = np.zeros(len(suppliers), dtype=int)
    cumulative = [0]
    x, demand = _supplier_output(A_s, direct, present, supplier_share)
    while True:
        new = ~entered & (suppliers.threshold <= demand[suppliers.sector] * (1 + 1e-12))
        if not new.any():
            break
        entered |= new
        entry_round[new] = len(cumulative)
        present[suppliers.sector[new]] = True
        cumulative.append(int(entered.sum()))
        x, demand = _supplier_output(A_s, direct, present, supplier_share)
    return Cascade(entered, entry_round, present.copy(), x, demand, tuple(cumulative))


@dataclass(frozen=True)
class AnchorResult:
    """An anchor scenario: the cascade, and what it means for local output and value added."""

    anchor_size: float
    local_share: float
    sectors: tuple[str, ...]  # supplier sectors
    labels: tuple[str, ...]
    cascade: Cascade
    candidates: np.ndarray  # candidates per supplier sector
    suppliers_by_sector: np.ndarray  # entrants per supplier sector
    anchor_purchases: np.ndarray  # Q·b: everything the anchor buys from these sectors, anywhere
    local_purchases: np.ndarray  # what it buys in the park (0 where no local supplier)
    local_output: float  # anchor + suppliers, 100m yuan / yr
    multiplier: float  # local output per unit of anchor output
    full_multiplier: float  # the same with every sector present and s = σ = 1 (the table's own L)
    value_added: float  # local value added, 100m yuan / yr

    @property
    def n_suppliers(self) -> int:
        return self.cascade.n_entered

    @property
    def leakage(self) -> float:
        """Anchor purchases from these sectors made outside the park (100m yuan / yr)."""
        return float(self.anchor_purchases.sum() - self.local_purchases.sum())


def anchor_scenario(
    table: IOTable,
    suppliers: Suppliers,
    anchor_size: float,
    local_share: float,
    supplier_share: float = 1.0,
    anchor: str = "pharma",
) -> AnchorResult:
    """An anchor of ``anchor_size`` (100m yuan/yr) in sector ``anchor`` buying ``local_share`` locally.

    The anchor's output is sold outside the park (it is the shock, not an endogenous sector);
    the other sectors of ``table`` are the supplier sectors. Local output multiplier =
    (Q + Σ x_E) / Q; local value added = v_anchor Q + Σ v_j x_j.
    """
    k = table.index(anchor)
    keep = [i for i in range(len(table.sectors)) if i != k]
    A = table.A
    A_s = A[np.ix_(keep, keep)]
    b = A[keep, k]
    cascade = supplier_cascade(A_s, b, suppliers, anchor_size, local_share, supplier_share)
    v = table.value_added_coefficients
    total = anchor_size + float(cascade.sector_output.sum())
    full = 1.0 + float(local_output(A_s, b).sum())
    n_s = len(keep)
    direct = local_share * anchor_size * b
    return AnchorResult(
        anchor_size=float(anchor_size),
        local_share=float(local_share),
        sectors=tuple(table.sectors[i] for i in keep),
        labels=tuple(table.labels[i] for i in keep),
        cascade=cascade,
        candidates=np.bincount(suppliers.sector, minlength=n_s),
        suppliers_by_sector=np.bincount(suppliers.sector[cascade.entered], minlength=n_s),
        anchor_purchases=anchor_size * b,
        local_purchases=np.where(cascade.present, direct, 0.0),
        local_output=total,
        multiplier=total / anchor_size if anchor_size > 0 else 1.0,
        full_multiplier=full,
        value_added=float(v[k] * anchor_size + v[keep] @ cascade.sector_output),
    )
