"""Generate datasets/00_regions_illustrative.csv: employment by region and industry, 2015 and 2020.

ILLUSTRATIVE (made-up) data for learning the measures of Chapter 0 — location quotient,
HHI and shift-share — on a table small enough to check by hand. Four regions, five
industries, two years, in thousand jobs. The structure is chosen so that each measure has
something to find:

* Region A is an electronics region (like a coastal export cluster), Region B a textile
  region, Region C a diversified machinery region, Region D a services city with a young
  biomedicine cluster.
* Between 2015 and 2020 electronics and biomedicine grow nationally, textiles shrink.
  Region A's electronics and Region D's biomedicine grow faster than their industries do
  nationally (a positive competitive shift); Region B's textiles shrink faster.

Employment = base level × (1 + national growth + regional deviation + noise), with the
noise N(0, 0.03) drawn from numpy's default generator seeded with SEED, rounded to 0.1.
Running the script again writes the same file byte for byte.

    python tools/illustrative/00_regions.py [--out PATH]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SEED = 20261127
REGIONS = ["Region A", "Region B", "Region C", "Region D"]
INDUSTRIES = ["electronics", "textiles", "machinery", "biomedicine", "services"]
BASE_2015 = {  # thousand jobs, before noise
    "Region A": [120, 20, 40, 10, 210],
    "Region B": [15, 90, 35, 8, 150],
    "Region C": [30, 25, 80, 25, 240],
    "Region D": [10, 12, 20, 30, 180],
}
NATIONAL_GROWTH = [0.25, -0.15, 0.05, 0.30, 0.12]  # 2015 -> 2020, by industry
REGIONAL_DEVIATION = {  # added to the national growth of (region, industry)
    ("Region A", "electronics"): 0.10,
    ("Region B", "textiles"): -0.05,
    ("Region D", "biomedicine"): 0.20,
}
NOISE_SD = 0.03
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "datasets" / "00_regions_illustrative.csv"


def generate() -> list[tuple[str, str, int, float]]:
    rng = np.random.default_rng(SEED)
    rows = []
    for region in REGIONS:
        for k, industry in enumerate(INDUSTRIES):
            base = BASE_2015[region][k] * (1 + rng.normal(0, NOISE_SD))
            growth = NATIONAL_GROWTH[k] + REGIONAL_DEVIATION.get((region, industry), 0.0)
            end = base * (1 + growth + rng.normal(0, NOISE_SD))
            rows.append((region, industry, 2015, round(float(base), 1)))
            rows.append((region, industry, 2020, round(float(end), 1)))
    return sorted(rows, key=lambda r: (r[2], r[0], INDUSTRIES.index(r[1])))


def main(out: Path = OUT) -> Path:
    lines = ["region,industry,year,employment,source,confidence"]
    lines += [f"{r},{i},{y},{e:.1f},generator,illustrative" for r, i, y, e in generate()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    print(main(parser.parse_args().out))
