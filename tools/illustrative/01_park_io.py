"""Generate datasets/01_park_io_illustrative.csv: an inter-industry flow table for a biomedicine park.

ILLUSTRATIVE (made-up) data for Chapter 1 (anchor-firm-led clusters). No source publishes
an input–output table for one park, so this script builds a small one that behaves like a
mature biomedicine park: seven sectors, flows in 100m yuan (亿元) per year, at purchasers'
prices, all purchases *inside the park*.

How it is built (the assumptions):

* ``BASE_COEFFICIENTS[i][j]`` is the value of sector i's product that sector j buys inside
  the park per yuan of its own output (the technical coefficient a_ij). Pharmaceuticals
  (the anchor's sector) buys the most locally: APIs, contract R&D and manufacturing (CXO),
  packaging, services. Equipment makers and logistics firms buy little from biomedicine.
* ``BASE_OUTPUT[j]`` is each sector's gross output (100m yuan per year).
* ``BASE_IMPORT_SHARE[j]`` is the share of sector j's output spent on inputs bought outside
  the park (raw chemicals, metals, electronics, fuel); value added is what remains.
* Each non-zero coefficient is multiplied by lognormal noise exp(N(0, 0.15)), each output
  by exp(N(0, 0.08)) and each import share by exp(N(0, 0.10)), drawn in that order from
  numpy's default generator seeded with ``SEED``.
* Flows are rounded to 0.01 (1 million yuan) and held as whole hundredths, so that the
  table balances exactly: value added_j = output_j − Σ_i flow_ij − imports_j (column
  balance) and final demand_i = output_i − Σ_j flow_ij (row balance). The script checks
  that both are positive.

The CSV has one row per selling sector (``row_type`` intermediate), then the row of
purchases from outside the park (``imports``) and the row of value added; the columns are
the buying sectors, then final demand (sales to households, other regions and investment)
and total output. Running the script again writes the same file byte for byte.

    python tools/illustrative/01_park_io.py [--out PATH]
"""
from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import numpy as np

SEED = 20261101
SECTORS = ["pharma", "cxo", "api", "packaging", "equipment", "logistics", "services"]
LABELS = [
    "Pharmaceuticals (anchor sector)",
    "CXO: contract R&D and manufacturing",
    "APIs and fine chemicals",
    "Packaging",
    "Equipment and instruments",
    "Logistics and cold chain",
    "Other business services",
]
# a_ij: rows = selling sector i, columns = buying sector j (order of SECTORS)
BASE_COEFFICIENTS = [
    # pharma  cxo   api   pack  equip logis serv
    [0.02, 0.01, 0.00, 0.00, 0.00, 0.00, 0.00],  # pharma
    [0.08, 0.05, 0.03, 0.00, 0.01, 0.00, 0.01],  # cxo
    [0.12, 0.06, 0.10, 0.02, 0.01, 0.00, 0.00],  # api
    [0.04, 0.01, 0.03, 0.06, 0.01, 0.01, 0.01],  # packaging
    [0.03, 0.06, 0.04, 0.03, 0.08, 0.03, 0.01],  # equipment
    [0.03, 0.02, 0.04, 0.04, 0.03, 0.05, 0.02],  # logistics
    [0.05, 0.08, 0.04, 0.04, 0.06, 0.07, 0.10],  # services
]
BASE_OUTPUT = [120.0, 45.0, 40.0, 12.0, 15.0, 18.0, 30.0]  # 100m yuan per year
BASE_IMPORT_SHARE = [0.20, 0.16, 0.40, 0.45, 0.45, 0.34, 0.15]
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "datasets" / "01_park_io_illustrative.csv"


def generate() -> dict[str, list[int]]:
    """The table in whole hundredths of 100m yuan (so that it balances exactly)."""
    rng = np.random.default_rng(SEED)
    base = np.array(BASE_COEFFICIENTS)
    noise = np.exp(rng.normal(0.0, 0.15, size=base.shape))
    coef = np.where(base > 0, base * noise, 0.0)
    output = np.array(BASE_OUTPUT) * np.exp(rng.normal(0.0, 0.08, size=len(SECTORS)))
    import_share = np.array(BASE_IMPORT_SHARE) * np.exp(rng.normal(0.0, 0.10, size=len(SECTORS)))
    x = [int(round(v * 100)) for v in output]
    flows = [[int(round(coef[i, j] * x[j])) for j in range(len(SECTORS))] for i in range(len(SECTORS))]
    imports = [int(round(import_share[j] * x[j])) for j in range(len(SECTORS))]
    value_added = [x[j] - sum(flows[i][j] for i in range(len(SECTORS))) - imports[j] for j in range(len(SECTORS))]
    final = [x[i] - sum(flows[i]) for i in range(len(SECTORS))]
    if min(value_added) <= 0 or min(final) <= 0:
        raise RuntimeError("the assumptions give negative value added or final demand")
    table = {s: flows[i] + [final[i], x[i]] for i, s in enumerate(SECTORS)}
    table["imports"] = imports + [None, None]
    table["value_added"] = value_added + [None, None]
    return table


def _money(v: int | None) -> str:
    return "" if v is None else f"{v // 100}.{v % 100:02d}"


def main(out: Path = OUT) -> Path:
    header = ["row", "label", "row_type", *SECTORS, "final_demand", "total_output", "source", "confidence"]
    labels = dict(zip(SECTORS, LABELS))
    labels["imports"] = "Purchases from outside the park"
    labels["value_added"] = "Value added (wages, profits, taxes)"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row, cells in generate().items():
        kind = row if row in ("imports", "value_added") else "intermediate"
        writer.writerow([row, labels[row], kind, *(_money(v) for v in cells), "generator", "illustrative"])
    out.write_text(buffer.getvalue(), encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    print(main(parser.parse_args().out))
