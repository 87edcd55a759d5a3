"""Generate datasets/04_textile_chain_illustrative.csv: a seven-link textile value chain.

ILLUSTRATIVE (made-up) data for Chapter 4's value-chain gap analysis
(``clusterkit.models.value_chain``). One row per link of a textile chain in a park, in chain
order: fibre → yarn → weaving → dyeing/printing → garments → design/brand → trade/logistics.
No source publishes these numbers for Keqiao or any other park; the shape follows what the
chapter's sources say about Keqiao in general terms (strong weaving, dyeing and trading, the
world's largest fabric market; new materials and design recruited from outside) and the
"smile curve" of value added along a chain (high at the ends, low in the middle).

Columns per link:

* ``local_capacity_share`` s_i — share of the chain's need for the link met by firms in the park
  (0–1; the link counts as local at 0.5 or more);
* ``value_added_per_unit`` v_i — yuan of value added per metre of fabric passing through the
  chain (the model multiplies by a throughput of 10 × 100m metres a year);
* ``recruit_cost`` c_i — incentives, land and services to recruit firms that make the link
  fully local, in 100m yuan (whole numbers, so the exact answer can use dynamic programming).

Assumptions: each link has a designed centre (``LINKS`` below). Value added per unit is the
centre × exp(N(0, SIGMA_VALUE)), rounded to 0.1 yuan; the capacity share is the centre +
N(0, SIGMA_SHARE), clipped to [0.05, 0.95] and rounded to 0.05; costs are the centres
(whole numbers, not drawn). Draws come from numpy's default generator seeded with ``SEED``,
value then share, link by link in chain order. Running the script again writes the same file
byte for byte.

    python tools/illustrative/04_textile_chain.py [--out PATH]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SEED = 20261104
SIGMA_VALUE = 0.08
SIGMA_SHARE = 0.03
# link: (label, Chinese name, pinyin, stage, centre share, centre value per metre, cost)
LINKS = {
    "fibre": ("Fibre and new materials", "纤维与新材料", "xiānwéi yǔ xīn cáiliào", "upstream", 0.20, 3.0, 6),
    "yarn": ("Yarn (spinning)", "纺纱", "fǎngshā", "upstream", 0.40, 0.8, 2),
    "weaving": ("Weaving", "织造", "zhīzào", "midstream", 0.90, 1.0, 3),
    "dyeing": ("Dyeing and printing", "印染", "yìnrǎn", "midstream", 0.95, 1.4, 4),
    "garments": ("Garments", "服装", "fúzhuāng", "downstream", 0.30, 1.2, 2),
    "design": ("Design and brand", "设计与品牌", "shèjì yǔ pǐnpái", "downstream", 0.10, 4.0, 7),
    "trade": ("Trade and logistics", "贸易与物流", "màoyì yǔ wùliú", "downstream", 0.85, 1.6, 3),
}
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "datasets" / "04_textile_chain_illustrative.csv"
HEADER = ("order,link,label,label_zh,pinyin,stage,local_capacity_share,value_added_per_unit,recruit_cost,"
          "source,confidence")


def generate() -> list[tuple]:
    """One tuple per link: (order, link, label, zh, pinyin, stage, share, value, cost)."""
    rng = np.random.default_rng(SEED)
    rows = []
    for order, (link, (label, zh, pinyin, stage, share, value, cost)) in enumerate(LINKS.items(), start=1):
        v = round(value * float(np.exp(rng.normal(0.0, SIGMA_VALUE))), 1)
        s = share + float(rng.normal(0.0, SIGMA_SHARE))
        s = round(min(max(s, 0.05), 0.95) * 20) / 20
        rows.append((order, link, label, zh, pinyin, stage, s, v, cost))
    return rows


def main(out: Path = OUT) -> Path:
    lines = [HEADER]
    for order, link, label, zh, pinyin, stage, s, v, cost in generate():
        lines.append(f"{order},{link},{label},{zh},{pinyin},{stage},{s:.2f},{v:.1f},{cost},generator,illustrative")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    print(main(parser.parse_args().out))
