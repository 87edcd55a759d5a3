"""Generate datasets/03_pipeline_illustrative.csv: default parameters of the incubation pipeline.

ILLUSTRATIVE (made-up) values for Chapter 3 (innovation-factor-led clusters; a research
institute such as the Zhejiang Tsinghua Yangtze River Delta Research Institute as the
seed). The pipeline model (``clusterkit.models.incubation``) needs conversion rates, lags
and a talent feedback that no source publishes for one institute. These are round,
plausible values chosen for teaching, not estimates:

* 60 research projects start a year (the article's "1,500+ projects" over some twenty
  years would be about 75 a year, but that figure is unsourced: we do not use it);
* 40% of projects yield a prototype after 2 years of research;
* 25% of prototypes become a spin-off firm after 2 more years (the institute's incubation
  lever: the chapter's explorer moves it);
* 50% of spin-offs survive a 3-year incubation (the "valley of death");
* established firms exit at 4% a year (an expected life of 25 years);
* each established firm brings 0.5 new projects a year to the institute (talent feedback:
  its engineers, contracts and alumni);
* the model runs for 20 years.

There are no random draws (the model is deterministic at these values; ``SEED`` is kept
only so every generator has one). Running the script again writes the same file byte for byte.

    python tools/illustrative/03_pipeline.py [--out PATH]
"""
from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

SEED = 20261104  # unused: no random draws
# parameter, value, unit, symbol, description
PARAMETERS = [
    ("intake", "60", "projects per year", "I0", "research projects the institute starts each year before any feedback"),
    ("research_years", "2", "years", "L1", "years a project spends in research before it yields a prototype or stops"),
    ("project_to_prototype", "0.4", "share", "c1", "share of projects that yield a prototype"),
    ("prototype_years", "2", "years", "L2", "years a prototype is developed before a spin-off is founded or it stops"),
    ("prototype_to_spinoff", "0.25", "share", "c2", "share of prototypes that become a spin-off firm"),
    ("incubation_years", "3", "years", "L3", "years a spin-off spends in incubation before it is established or fails"),
    ("spinoff_survival", "0.5", "share", "c3", "share of spin-offs that survive incubation"),
    ("firm_exit_rate", "0.04", "per year", "delta", "share of established firms that close each year"),
    ("talent_feedback", "0.5", "projects per firm per year", "phi",
     "new projects each established firm brings to the institute each year"),
    ("years", "20", "years", "T", "length of the run"),
]
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "datasets" / "03_pipeline_illustrative.csv"


def main(out: Path = OUT) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["parameter", "value", "unit", "symbol", "description", "source", "confidence"])
    for row in PARAMETERS:
        writer.writerow([*row, "generator", "illustrative"])
    out.write_text(buffer.getvalue(), encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    print(main(parser.parse_args().out))
