"""Chapter 0 — What is an industrial cluster? Graded exercises (instructor side).

The notebook ``notebooks/00_clusters.ipynb`` holds, for each exercise, a cell
``<variable> = ...`` and a ``check("<id>", <variable>)`` call. The student side reads only
the public spec generated from this file (``clusterkit exercises build`` →
``clusterkit/grading/public/00.json``); reference answers, hidden cases and the rubric
stay here. Format: ``exercises/README.md``.
"""
from __future__ import annotations

import pandas as pd

from clusterkit import data, metrics
from clusterkit.grading.spec import Case, Chapter, Choice, Example, Function, Number, Partial, Table, Text, in_range

INDUSTRIES = ["electronics", "textiles", "machinery", "biomedicine", "services"]
REGIONS = ["Region A", "Region B", "Region C", "Region D"]


def wide(year: int) -> pd.DataFrame:
    """The chapter's illustrative table for one year: regions × industries, thousand jobs."""
    df = data.load("00_regions_illustrative")
    return df[df.year == year].pivot(index="region", columns="industry", values="employment")


def n_zhejiang() -> int:
    return int((data.load("00_cases")["province"] == "Zhejiang").sum())


def most_specialised() -> str:
    return str(metrics.location_quotient(wide(2015))["textiles"].idxmax())


def hhi_electronics() -> float:
    return metrics.hhi(wide(2015)["electronics"])


def shift_a() -> pd.DataFrame:
    return metrics.shift_share(wide(2015), wide(2020), "Region A")


# --- hidden inputs for 0.2 (made-up tables; never shown to students)


def _cities() -> pd.DataFrame:
    return pd.DataFrame(
        {"apparel": [41.0, 12.5, 7.0], "chemicals": [3.2, 28.0, 9.5], "software": [15.0, 6.1, 44.4], "logistics": [22.0, 19.0, 30.0]},
        index=pd.Index(["Ningbo", "Wuxi", "Foshan"], name="city"),
    )


def _with_zero() -> pd.DataFrame:
    return pd.DataFrame(
        {"toys": [0.0, 14.0, 6.0], "tea": [9.0, 0.0, 3.0], "ports": [20.0, 5.0, 11.0]},
        index=["East", "West", "North"],
    )


def _integers() -> pd.DataFrame:
    return pd.DataFrame(
        {"farming": [120, 80, 45, 300, 10, 66], "finance": [15, 90, 60, 20, 75, 33]},
        index=[f"County {i}" for i in range(1, 7)],
    )


#: The worked example of 0.2, exactly as the notebook shows it (whole numbers, rows X and Y).
EXAMPLE_TABLE = pd.DataFrame({"p": [10, 30], "q": [30, 30]}, index=["X", "Y"])
EXAMPLE_LQ = pd.DataFrame({"p": [0.625, 1.25], "q": [1.25, 0.8333333333333334]}, index=["X", "Y"])


CHAPTER = Chapter(
    number=0,
    title="What is an industrial cluster?",
    salt="cluster-pathways/00/2026",
    notebook="notebooks/00_clusters.ipynb",
    exercises=[
        Number(
            id="0.1",
            variable="n_zhejiang",
            points=1,
            prompt=(
                "How many of the nine cases are in Zhejiang province? Compute it from the `province` column of "
                "`cases` (a whole number) rather than counting by eye."
            ),
            answer=n_zhejiang,
            integer=True,
            checks=[in_range(0, 9, "There are nine cases, so the count is between 0 and 9.")],
            type_hint="A count is a whole number: compare the province column with 'Zhejiang' and add up the True values.",
            hint="Not yet: compare the `province` column with 'Zhejiang' (exact spelling) and count the matches.",
        ),
        Function(
            id="0.2",
            variable="location_quotient",
            points=3,
            prompt=(
                "Write `location_quotient(table)` that takes a DataFrame of employment with regions as rows and "
                "industries as columns and returns a DataFrame of the same shape holding LQ_ri = (e_ri / e_r) / (E_i / E). "
                "Use pandas operations (`sum(axis=...)`, `div(..., axis=...)`), not loops, and `return` the result. "
                'For example, the table `pd.DataFrame({"p": [10, 30], "q": [30, 30]}, index=["X", "Y"])` gives LQ '
                "0.625 for X in p and 1.25 for X in q. The grader calls your function on other tables, so do not "
                "rely on the names or sizes above."
            ),
            reference_function=metrics.location_quotient,
            examples=[Example(args=(EXAMPLE_TABLE,), expected=EXAMPLE_LQ, label="the 2 × 2 table in the prompt")],
            cases=[
                Case(lambda: (wide(2015),), label="the chapter's 2015 table"),
                Case(lambda: (wide(2020),), label="the chapter's 2020 table"),
                Case(lambda: (_cities(),), label="three cities, four other industries, a named index"),
                Case(lambda: (_with_zero(),), label="regions with no jobs in some industry"),
                Case(lambda: (_integers(),), label="six counties, two industries, integer counts"),
            ],
            type_hint="Define a function with `def location_quotient(table):` and pass the function itself (no parentheses) to check.",
            hint=(
                "Divide each row by its region's total (`table.div(table.sum(axis=1), axis=0)`) and then "
                "each column by that industry's share of all jobs; keep pandas' labels so the index and columns stay."
            ),
            hidden_hint=(
                "Your function is also called on other tables: different regions and industries, different "
                "sizes, whole-number counts, and regions with no jobs in some industry. Avoid anything that "
                "only fits the chapter's table (fixed names, fixed sizes)."
            ),
        ),
        Choice(
            id="0.3",
            variable="most_specialised",
            points=1,
            prompt=(
                "Which region has the highest location quotient in textiles in 2015? Give its name exactly as in "
                'the table (for example "Region A").'
            ),
            options=REGIONS,
            exact=True,  # the notebook asks for the name "exactly as in the table"; check() points out a slip
            answer=most_specialised,
            hint="Compute the LQs for 2015 and look down the textiles column for the largest value (`.idxmax()`).",
        ),
        Number(
            id="0.4",
            variable="hhi_electronics",
            points=2,
            prompt=(
                "Compute the HHI (0–10,000 scale) of electronics employment across the four regions in 2015, "
                "using pandas arithmetic on `table_2015`: percentage shares, squared, summed. With four regions "
                "the answer lies between 2,500 and 10,000. (You may check your result with `ck.metrics.hhi`.)"
            ),
            answer=hhi_electronics,
            total=True,  # a sum of squared shares: a Series of them is told to add them up
            rel=1e-3,
            abs=1.0,
            checks=[
                in_range(
                    2500, 10000,
                    "With four regions the HHI is at least 2,500 (equal shares) and at most 10,000 (all jobs in one "
                    "region). Use percentage shares (0–100) before squaring and adding them up.",
                )
            ],
            partial=[
                Partial(
                    lambda v: abs(v * 10_000 - hhi_electronics()) <= 1.0,
                    0.5,
                    "You used shares as fractions (0–1): the HHI scale of the chapter uses percentages (0–100).",
                )
            ],
            type_hint="The HHI is one number: sum the squared percentage shares into a float.",
            hint="Not yet: take each region's share of electronics employment in percent, square the shares and add them up.",
        ),
        Table(
            id="0.5",
            variable="shift_a",
            points=3,
            prompt=(
                "Build `shift_a`: the classic shift-share decomposition of Region A from 2015 to 2020, as a DataFrame "
                "indexed by industry with the columns `national_share`, `industry_mix` and `competitive` (thousand "
                "jobs; an extra `total_change` column is fine). Compute the growth rates with pandas yourself, and do "
                "not round the result. Then compare with `ck.metrics.shift_share`."
            ),
            answer=shift_a,
            columns=["national_share", "industry_mix", "competitive"],
            row_name="industry",
            rel=1e-3,
            abs=0.01,
            type_hint="Build a DataFrame with one row per industry, e.g. pd.DataFrame({'national_share': ..., ...}).",
            hint=(
                "Check each column against its formula: national_share = e * G, industry_mix = e * (g_i - G), "
                "competitive = e * (g_ri - g_i), with e Region A's 2015 jobs."
            ),
            column_hints={
                "national_share": "national_share = Region A's 2015 jobs × the growth rate of ALL jobs in all regions (G).",
                "industry_mix": "industry_mix = Region A's 2015 jobs × (the industry's national growth rate g_i - G).",
                "competitive": "competitive = Region A's 2015 jobs × (Region A's own growth in the industry g_ri - g_i).",
            },
        ),
        Choice(
            id="0.6",
            variable="reading",
            points=2,
            prompt=(
                "In 2020 Region D's biomedicine has a location quotient well above 2 and grew faster than biomedicine "
                "nationally. Which conclusion does this evidence support? Answer with one letter. "
                "a) Region D has a biomedicine cluster: specialisation and competitive growth are what a cluster is. "
                "b) Region D's park policy caused the growth, since the competitive component measures local policy. "
                "c) Region D is specialised in biomedicine and gained competitively; whether its firms are linked "
                "needs other evidence. "
                "d) Biomedicine must be Region D's largest industry, since its location quotient is above 2."
            ),
            options=["a", "b", "c", "d"],
            answer="c",
            hint="Ask what an LQ and a growth rate can show, and what a cluster needs beyond them.",
        ),
        Text(
            id="0.7",
            variable="park_vs_cluster",
            points=3,
            prompt=(
                "In two to four sentences (20–150 words), explain the difference between an industrial park and an "
                "industrial cluster, and give one piece of evidence that would show a park has become a cluster. "
                'Put your text in triple quotes, """like this""", so that apostrophes do no harm.'
            ),
            model_answer=(
                "An industrial park is a planned, bounded piece of land with infrastructure, services and policies, "
                "set up and managed by a government or developer to attract firms. An industrial cluster is a "
                "geographic concentration of interconnected firms and institutions in related industries, linked "
                "as suppliers, customers, competitors and through shared workers and knowledge; a park can host "
                "unrelated firms without being a cluster. Evidence that a park has become a cluster: a growing share "
                "of its firms' inputs bought from other firms in the park or nearby, or workers and spin-offs moving "
                "between its firms."
            ),
            min_words=20,
            max_words=150,
            rubric=(
                "3 points: (1) says that a park is a planned, bounded area (land, infrastructure, policy, management) "
                "created by a government or developer, and that a cluster is a geographic concentration of "
                "interconnected firms and institutions in related industries (linkages: suppliers, customers, "
                "labour, knowledge; competition and cooperation); AND (2) that one does not imply the other (a park "
                "can host unrelated firms; a cluster can exist without or beyond a park); AND (3) names one piece of "
                "evidence of linkages that would show a park has become a cluster (local purchases between its "
                "firms, shared suppliers or services, labour moving between firms, spin-offs, joint research or "
                "standards). An LQ or employment figure alone is not such evidence. 2 points: two of the three. "
                "1 point: one, or a vague but correct contrast. 0: confuses the two or only restates the words."
            ),
        ),
    ],
)
