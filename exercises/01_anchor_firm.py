"""Chapter 1 — Anchor-firm-led clusters (Yuhang, Betta). Graded exercises (instructor side).

Answer cells in ``notebooks/01_anchor_firm.ipynb``: ``<variable> = ...`` then
``check("1.k", <variable>)``. Reference answers are computed from ``clusterkit.data`` and the
chapter's model; the public spec (``clusterkit exercises build`` → ``public/01.json``) holds
no answer. Format: ``exercises/README.md``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterkit import data
from clusterkit.grading.spec import Case, Chapter, Choice, Example, Function, Number, Partial, Text, in_range
from clusterkit.models import linkages


def _betta(metric: str, year: int) -> float:
    df = data.load("01_yuhang_figures")
    row = df[(df["entity"] == "Betta Pharmaceuticals") & (df["metric"] == metric) & (df["year"] == year)]
    return float(row["value"].item())  # 10k yuan


def revenue_2023_bn() -> float:
    return _betta("revenue (operating income)", 2023) * 1e4 / 1e9


def net_margin_2023() -> float:
    return 100 * _betta("net profit attributable to shareholders", 2023) / _betta("revenue (operating income)", 2023)


def reference_multipliers(A) -> np.ndarray:
    A = np.asarray(A, dtype=float)
    return np.linalg.inv(np.eye(len(A)) - A).sum(axis=0)


def suppliers_40() -> int:
    table = linkages.load_table()
    suppliers = linkages.load_suppliers([s for s in table.sectors if s != "pharma"])
    return int(linkages.anchor_scenario(table, suppliers, anchor_size=40, local_share=0.5).cascade.n_entered)


# --- hidden inputs for 1.3 (never shown to students) ---------------------------------------
def _random_productive(n: int, seed: int) -> np.ndarray:
    """A random coefficient matrix whose column sums are below 1 (a productive economy)."""
    rng = np.random.default_rng(seed)
    A = rng.uniform(0, 1, size=(n, n))
    return A / A.sum(axis=0) * rng.uniform(0.2, 0.7, size=n)


def _park_frame() -> pd.DataFrame:
    t = linkages.load_table()
    return pd.DataFrame(t.A, index=t.sectors, columns=t.sectors)


MILLER_BLAIR_A = np.array([[0.15, 0.25], [0.20, 0.05]])

CHAPTER = Chapter(
    number=1,
    title="Anchor-firm-led clusters",
    salt="cluster-pathways/01/2026",
    notebook="notebooks/01_anchor_firm.ipynb",
    exercises=[
        Number(
            id="1.1",
            variable="revenue_2023_bn",
            points=1,
            prompt=(
                "What was Betta's revenue (operating income) in 2023, in billion yuan? The dataset gives it in "
                "10,000 yuan: select the row in `figures` and convert the value in code (keep full precision; "
                "do not round)."
            ),
            answer=revenue_2023_bn,
            abs=0.001,  # one million yuan: three decimals are right, 2.46 (rounded) is "close"
            checks=[in_range(0, 1000, "Revenue in billion yuan is a positive number of a few units or tens.")],
            partial=[
                Partial(lambda v: abs(v / 10 - revenue_2023_bn()) < 0.01 or abs(v / 1000 - revenue_2023_bn()) < 0.01,
                        0.0, "Check the unit conversion: 1 unit of the dataset is 10,000 yuan, and a billion is 10⁹."),
            ],
            type_hint="Give one number (a float), e.g. the value from the dataset times 1e4 divided by 1e9.",
            hint="Not yet: select Betta's 2023 revenue row, then convert 10,000-yuan units to billion yuan (× 10⁴ ÷ 10⁹).",
        ),
        Number(
            id="1.2",
            variable="net_margin_2023",
            points=2,
            prompt=(
                "Compute Betta's net profit margin in 2023, in percent: net profit attributable to shareholders "
                "divided by revenue, times 100. Both are in `figures`; select the rows with pandas."
            ),
            answer=net_margin_2023,
            abs=0.01,  # two decimals are right; 14.2 (rounded) is "close"
            checks=[in_range(-100, 100, "A profit margin in percent lies between -100 and 100.")],
            partial=[
                Partial(lambda v: abs(v * 100 - net_margin_2023()) < 0.05, 0.5,
                        "You gave the margin as a fraction: multiply by 100 for percent."),
            ],
            type_hint="Give one number (a float): the margin in percent.",
            hint="Not yet: divide the 2023 net profit attributable to shareholders by the 2023 revenue (same unit), then × 100.",
        ),
        Function(
            id="1.3",
            variable="output_multipliers",
            points=3,
            prompt=(
                "Write `output_multipliers(A)`: the column sums of (I - A)⁻¹ for a square matrix of technical "
                "coefficients (NumPy array or DataFrame), as a NumPy array. Worked example (Miller & Blair): "
                "A = [[0.15, 0.25], [0.20, 0.05]] gives about [1.518, 1.452]."
            ),
            reference_function=reference_multipliers,
            examples=[Example(args=(MILLER_BLAIR_A,), expected=reference_multipliers(MILLER_BLAIR_A),
                              label="Miller and Blair's two-sector example")],
            cases=[
                Case(lambda: (_park_frame(),), label="the chapter's park table, as a DataFrame"),
                Case(lambda: (np.zeros((3, 3)),), label="an economy with no inter-industry purchases"),
                Case(lambda: (_random_productive(4, 11),), label="a random four-sector economy"),
                Case(lambda: (_random_productive(6, 12),), label="a random six-sector economy"),
                Case(lambda: (np.array([[0.5]]),), label="a single sector buying half its output from itself"),
            ],
            type_hint="Define `def output_multipliers(A):` and pass the function itself (no parentheses) to check.",
            hint="Build I with np.eye(len(A)), invert I - A with np.linalg.inv, and sum each column (axis=0).",
            hidden_hint=(
                "Your function is also called on other matrices: other sizes (1 to 7 sectors), a DataFrame, and "
                "an economy with no inter-industry purchases (all multipliers 1). Convert the input with "
                "np.asarray(A, dtype=float) and return one number per sector."
            ),
        ),
        Number(
            id="1.4",
            variable="suppliers_40",
            points=2,
            prompt="Suppliers attracted (cascade.n_entered) by an anchor of output 40 (100m yuan/yr) buying half its inputs locally.",
            answer=suppliers_40,
            integer=True,
            checks=[in_range(0, 40, "There are 40 candidate suppliers, so the count is between 0 and 40.")],
            type_hint="Give a whole number: `.cascade.n_entered` of the scenario.",
            hint="Not yet: anchor_size is in 100 million yuan a year (40) and local_share is a share between 0 and 1 (a half is 0.5).",
        ),
        Choice(
            id="1.5",
            variable="anchor_reading",
            points=2,
            prompt=(
                "Betta kept its office and research in the zone but built its large new production base in "
                "Shengzhou. In the chapter's model, what does that most directly do? (a–d, see the notebook)"
            ),
            options=["a", "b", "c", "d"],
            answer="c",
            hint="Which quantity in the cascade does the anchor's location affect: its size, its local share, or the table?",
        ),
        Text(
            id="1.6",
            variable="policy_memo",
            points=3,
            prompt="3–5 sentences (30–200 words): one measure to raise an anchor's local purchasing share, the step of the cascade it works through, and one risk.",
            model_answer=(
                "The park could fund a supplier-development programme in which the anchor's quality engineers help "
                "local firms pass its qualification audits. This raises the anchor's local purchasing share s, so the "
                "local demand s·Q·b offered to each supplier sector rises and more candidates clear their thresholds "
                "in the first round — and, because entrants buy from each other, possibly in later rounds too. A risk "
                "is that the new suppliers depend on a single customer: if the anchor cuts orders or moves production, "
                "they are stranded, so the programme should also help them win other customers."
            ),
            min_words=30,
            max_words=200,
            rubric=(
                "3 points: a concrete measure that plausibly raises local purchasing (supplier development, "
                "certification or testing support, matchmaking, shared facilities, local-content agreements), AND a "
                "correct link to the model (raises s or the demand s·Q·b_i offered locally, so more thresholds are "
                "cleared; mentions round 1 or the cascade), AND a real risk (dependence on one customer, subsidy "
                "capture, lower quality or higher cost for the anchor, relocation, WTO/fair-competition issues). "
                "2 points: two of the three. 1 point: one. 0: off topic."
            ),
        ),
    ],
)
