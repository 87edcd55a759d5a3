"""Generate datasets/01_suppliers_illustrative.csv: candidate suppliers around an anchor firm.

ILLUSTRATIVE (made-up) data for Chapter 1's supplier-entry cascade
(``clusterkit.models.linkages.supplier_cascade``). Each row is a firm that *could* set up in
the park to supply the biomedicine anchor and its suppliers. Its ``threshold`` is the local
demand for its sector's product (100m yuan per year) at which its fixed cost is covered, so
that it enters — Granovetter's (1978) threshold, read as a minimum viable local market.

Assumptions:

* ``CANDIDATES`` candidates per supplier sector (the sectors of
  ``01_park_io_illustrative``, without the anchor's own sector): more in CXO, APIs and
  services, where many small specialised firms exist, fewer in packaging and logistics.
* Thresholds are lognormal: ``MEDIAN[sector] × exp(N(0, SIGMA))``. The medians are set so
  that a mid-sized anchor (25 × 100m yuan a year) buying half its inputs locally covers
  about half the candidates; capital-heavy sectors (APIs, CXO) need larger markets than
  logistics or packaging. Thresholds are floored at 0.05 (5 million yuan a year).
* Draws come from numpy's default generator seeded with ``SEED``, sector by sector in the
  order below; rows are sorted by sector, then threshold, and numbered S01, S02, ...
  Thresholds are rounded to 0.01. Running the script again writes the same file byte for byte.

    python tools/illustrative/01_suppliers.py [--out PATH]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SEED = 20261102
# sector: (number of candidates, median threshold in 100m yuan per year)
CANDIDATES = {
    "cxo": (8, 1.0),
    "api": (8, 1.5),
    "packaging": (5, 0.45),
    "equipment": (6, 0.5),
    "logistics": (5, 0.35),
    "services": (8, 0.45),
}
SIGMA = 0.7
FLOOR = 0.05
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "datasets" / "01_suppliers_illustrative.csv"


def generate() -> list[tuple[str, str, int]]:
    """(id, sector, threshold in whole hundredths of 100m yuan) per candidate."""
    rng = np.random.default_rng(SEED)
    rows = []
    for sector, (n, median) in CANDIDATES.items():
        draws = median * np.exp(rng.normal(0.0, SIGMA, size=n))
        cents = sorted(max(int(round(float(v) * 100)), int(FLOOR * 100)) for v in draws)
        rows += [(sector, c) for c in cents]
    return [(f"S{k + 1:02d}", sector, c) for k, (sector, c) in enumerate(rows)]


def main(out: Path = OUT) -> Path:
    lines = ["supplier_id,sector,threshold,source,confidence"]
    lines += [f"{i},{s},{c // 100}.{c % 100:02d},generator,illustrative" for i, s, c in generate()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    print(main(parser.parse_args().out))
