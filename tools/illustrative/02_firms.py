"""Generate datasets/02_firms_illustrative.csv: a town of small electrical-appliance workshops.

ILLUSTRATIVE (made-up) data for Chapter 2 (internal collaborative innovation; the Liushi
low-voltage electrical cluster). The licensing-consolidation and knowledge-spillover models
(``clusterkit.models.licensing``) need a population of firms with a quality, a size and a
location; no source lists the workshops of Liushi in the late 1980s, so this script makes
one up. One row per firm.

Assumptions:

* ``N_SMALL`` small family workshops in ``len(VILLAGES)`` villages of a town about 6 km by
  4 km; each workshop sits at its village centre plus a normal offset with standard
  deviation ``SPREAD_KM`` in each direction (km, on a local grid; not real coordinates).
* Quality is a 0–100 score (think: share of products that pass a national-standard test).
  Workshops draw it from 100 × Beta(2.2, 2.8) (mean 44).
* Output, in 10k yuan (万元) a year, is lognormal around ``MEDIAN_OUTPUT`` and rises with
  quality: log output = log(median) + 0.02 × (quality − 44) + N(0, 0.8).
* ``N_LEADERS`` larger, better firms (the kind that later led groups) have quality
  uniform in [82, 95] and output lognormal around ``LEADER_OUTPUT``; they sit in the
  villages too.
* Draws come from numpy's default generator seeded with ``SEED``, in the order of the code;
  quality is rounded to 0.1, output to 0.1, coordinates to 0.001 km. Firms are numbered
  F001... in random order (leaders are not first). Running the script again writes the same
  file byte for byte.

    python tools/illustrative/02_firms.py [--out PATH]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SEED = 20261103
VILLAGES = [(1.2, 1.0), (2.8, 2.9), (3.4, 1.1), (4.9, 2.4), (1.6, 3.1)]  # km
SPREAD_KM = 0.45
N_SMALL = 236
N_LEADERS = 4
MEDIAN_OUTPUT = 30.0  # 10k yuan per year
LEADER_OUTPUT = 400.0
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "datasets" / "02_firms_illustrative.csv"


def generate() -> list[tuple[float, float, float, float]]:
    """(x_km, y_km, quality, output) per firm, in file order."""
    rng = np.random.default_rng(SEED)
    centres = np.array(VILLAGES)
    n = N_SMALL + N_LEADERS
    village = rng.integers(0, len(VILLAGES), size=n)
    xy = centres[village] + rng.normal(0.0, SPREAD_KM, size=(n, 2))
    quality = 100 * rng.beta(2.2, 2.8, size=n)
    output = MEDIAN_OUTPUT * np.exp(0.02 * (quality - 44) + rng.normal(0.0, 0.8, size=n))
    lead = np.arange(N_SMALL, n)
    quality[lead] = rng.uniform(82, 95, size=N_LEADERS)
    output[lead] = LEADER_OUTPUT * np.exp(rng.normal(0.0, 0.3, size=N_LEADERS))
    order = rng.permutation(n)
    return [(float(xy[i, 0]), float(xy[i, 1]), float(quality[i]), float(output[i])) for i in order]


def main(out: Path = OUT) -> Path:
    lines = ["firm_id,x_km,y_km,quality,output,source,confidence"]
    for k, (x, y, q, o) in enumerate(generate()):
        lines.append(f"F{k + 1:03d},{x:.3f},{y:.3f},{q:.1f},{o:.1f},generator,illustrative")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    print(main(parser.parse_args().out))
