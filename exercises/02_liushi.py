"""Chapter 2 — Internal collaborative innovation (Liushi). Graded exercises (instructor side).

The notebook ``notebooks/02_liushi.ipynb`` holds, for each exercise, a cell
``<variable> = ...`` and a ``check("<id>", <variable>)`` call. The student side reads only
the public spec generated from this file (``clusterkit exercises build`` →
``clusterkit/grading/public/02.json``); reference answers, hidden cases and the rubric
stay here. Format: ``clusterkit/grading/spec.py``.
"""
from __future__ import annotations

import math

import numpy as np

from clusterkit import data
from clusterkit.grading.spec import Case, Chapter, Choice, Example, Function, Number, Partial, Text, in_range
from clusterkit.models import licensing


def _figures():
    return data.load("02_liushi_figures")


def _value(entity: str, metric: str, year: int) -> float:
    f = _figures()
    row = f[(f.entity == entity) & (f.metric == metric) & (f.year == year)]
    if len(row) != 1:
        raise LookupError(f"expected one row for {entity} / {metric} / {year}, found {len(row)}")
    return float(row["value"].iloc[0])


# --- 2.1 reading: the whole electrical industry from a segment and its share


def td_segment() -> float:
    return _value("Yueqing (transmission & distribution)", "T&D industry output", 2020)


def _td_share() -> float:
    """The T&D segment's share of Yueqing's electrical-industry output, 2020 (percent)."""
    return _value("Yueqing (transmission & distribution)", "T&D share of electrical-industry output", 2020)


def electrical_total() -> float:
    """Yueqing's electrical-industry output 2020 implied by the T&D segment and its share (100m yuan)."""
    return td_segment() / (_td_share() / 100)


def _unit_slip(v: float) -> bool:
    """The right amount in yuan, 10k yuan, m yuan or bn yuan instead of 100m yuan."""
    return any(abs(v - electrical_total() * k) <= 1e-3 * electrical_total() * k for k in (1e8, 1e4, 100, 0.1))


# --- 2.2 pandas: compound annual growth of Chint Group revenue, same basis


def chint_cagr() -> float:
    f = _figures()
    rev = f[(f.entity == "Chint Group") & (f.metric == "revenue")].set_index("year")["value"]
    years = rev.index.max() - rev.index.min()
    return 100 * ((rev.loc[rev.index.max()] / rev.loc[rev.index.min()]) ** (1 / years) - 1)


def _chint_simple_average() -> float:
    f = _figures()
    rev = f[(f.entity == "Chint Group") & (f.metric == "revenue")].set_index("year")["value"]
    years = rev.index.max() - rev.index.min()
    return 100 * (rev.loc[rev.index.max()] / rev.loc[rev.index.min()] - 1) / years


def _chint_cagr_years(n: int) -> float:
    return 100 * ((155 / 24.4) ** (1 / n) - 1) if n else math.nan


# --- 2.3 model run


def hhi_tau75() -> float:
    return float(licensing.consolidate(licensing.load_firms(), 75).hhi[-1])


# --- 2.4: reference function


def gravity_choice(sizes, distances):
    """Index of the group head with the strongest pull: size / max(distance, 0.1)²."""
    s = np.asarray(sizes, dtype=float)
    d = np.maximum(np.asarray(distances, dtype=float), 0.1)
    return int(np.argmax(s / d**2))


CHAPTER = Chapter(
    number=2,
    title="Internal collaborative innovation: the Liushi low-voltage cluster",
    salt="cluster-pathways/02/2026",
    notebook="notebooks/02_liushi.ipynb",
    exercises=[
        Number(
            id="2.1",
            variable="electrical_output_2020",
            points=1,
            prompt=(
                "In 2020 Yueqing's transmission-and-distribution (T&D) segment had an output of more than 400 "
                "(100m yuan), about one quarter of the output of Yueqing's whole electrical industry. Using the two "
                "rows of `figures`, what output of the whole electrical industry do they imply? Give it in 100m yuan (亿元, "
                "10**8 yuan), the unit of the rows: no conversion needed."
            ),
            answer=electrical_total,
            rel=1e-3,
            abs=1.0,
            checks=[
                in_range(None, 10_000, "Far too large for an answer in 100m yuan (亿元): is it in yuan or in 10k yuan? "
                         "Did you convert? Keep the unit of the segment's row, 100m yuan."),
                in_range(400, None, "The whole industry is bigger than one segment of it: more than 400 (100m yuan). "
                         "Divide the segment by its share written as a fraction (25 % is 0.25)."),
            ],
            partial=[
                Partial(lambda v: abs(v - td_segment()) <= 1.0, 0.0,
                        "That is the T&D segment alone; the question asks for the whole electrical industry it is a quarter of."),
                Partial(lambda v: _unit_slip(v), 0.5,
                        "Right amount, wrong unit: the answer is asked in 100m yuan (亿元), the unit of the segment's row."),
                Partial(lambda v: abs(v - td_segment() / _td_share()) <= 0.1, 0.5,
                        "You divided by the share in percent (25) instead of as a fraction (0.25)."),
            ],
            type_hint="Give one number (a float), in 100m yuan.",
            hint="Not yet: if the segment is a quarter of the whole, the whole is the segment divided by the share (as a fraction).",
        ),
        Number(
            id="2.2",
            variable="chint_growth",
            points=2,
            prompt=(
                "Compute the compound annual growth rate of Chint Group's whole-group revenue from 2010 to 2023, in "
                "percent per year, to at least one decimal (e.g. 12.3), with pandas from the `figures` table (select the "
                "two 'revenue' rows of 'Chint Group')."
            ),
            answer=chint_cagr,
            rel=1e-3,
            abs=0.05,
            checks=[
                in_range(None, 100, "More than 100 % a year? That looks like the total growth over the whole period "
                         "((end / start - 1) * 100). A yearly rate takes the n-th root: ((end / start) ** (1 / n) - 1) * 100."),
                in_range(1, None, "Below 1? That looks like a fraction (0.05 means 5 %): give the rate in percent (multiply by 100), "
                         "to at least one decimal."),
            ],
            partial=[
                Partial(lambda v: abs(v - _chint_simple_average()) <= 0.2, 0.25,
                        "That is a simple average (total growth divided by years); compound growth uses the n-th root: (end / start) ** (1 / n) - 1."),
                Partial(lambda v: abs(v - chint_cagr() / 100) <= 0.0005, 0.5,
                        "Right rate, wrong unit: give it in percent (multiply the fraction by 100)."),
                Partial(lambda v: min(abs(v - _chint_cagr_years(12)), abs(v - _chint_cagr_years(14))) <= 0.05, 0.5,
                        "Count the years between 2010 and 2023 again: growth happens over 2023 - 2010 years."),
            ],
            type_hint="Give one number: the growth rate in percent per year (a float).",
            hint="Not yet: select Chint Group's two revenue rows, then ((end / start) ** (1 / years) - 1) * 100, with years = 2023 - 2010.",
        ),
        Number(
            id="2.3",
            variable="hhi_75",
            points=2,
            prompt=(
                "Run the licensing model on the illustrative town with a licence threshold of 75 "
                "(`licensing.consolidate(licensing.load_firms(), 75)`, other parameters at their defaults) and report "
                "the HHI of the independent units after the last year."
            ),
            answer=hhi_tau75,
            rel=1e-3,
            abs=1.0,
            checks=[in_range(0, 10_000, "An HHI lies between 0 and 10,000.")],
            type_hint="Give one number (a float): the last value of the result's `hhi` array.",
            hint="Not yet: call consolidate with stringency 75 and the defaults, and take `.hhi[-1]` (the last year).",
        ),
        Function(
            id="2.4",
            variable="gravity_choice",
            points=3,
            prompt=(
                "Write `gravity_choice(sizes, distances)`: a workshop caught without a licence joins the group whose pull "
                "size / distance² is largest. `sizes` lists the groups' outputs and `distances` the workshop's distance to "
                "each group's head, in km; distances below 0.1 km count as 0.1 km. Return the position (0, 1, ...) of the "
                "group it joins. Worked examples with sizes [100, 10]: at distances [1.0, 2.0] → 0; at [2.5, 0.5] → 1 "
                "(pulls 100 / 2.5**2 = 16 and 10 / 0.5**2 = 40), although the first group is the bigger one; at [1.0, 0.5] "
                "→ 0 (pulls 100 and 40), although the second head is nearer."
            ),
            reference_function=gravity_choice,
            examples=[
                Example(args=([100, 10], [1.0, 2.0]), expected=0,
                        label="sizes [100, 10] at [1.0, 2.0] km (the big group is nearer and wins)"),
                Example(args=([100, 10], [2.5, 0.5]), expected=1,
                        label="sizes [100, 10] at [2.5, 0.5] km (pulls 16 and 40: the pull falls with the SQUARE of "
                              "distance, so the small, near group wins)"),
                Example(args=([100, 10], [1.0, 0.5]), expected=0,
                        label="sizes [100, 10] at [1.0, 0.5] km (pulls 100 and 40: the nearest head is not always the "
                              "strongest pull)"),
            ],
            cases=[
                Case(([40.0, 90.0, 15.0], [1.2, 1.9, 0.6]), label="three groups, the nearest wins"),
                Case(([40.0, 90.0, 15.0], [1.2, 1.5, 0.9]), label="three groups, the biggest wins"),
                Case(([60.0, 10.0, 300.0], [0.8, 0.5, 3.0]), label="three groups, neither the nearest nor the biggest"),
                Case(([10.0, 500.0], [0.0, 0.15]), label="a workshop at a head's own site (distance 0 counts as 0.1)"),
                Case(([7, 3, 12, 5, 30], [0.8, 0.3, 1.1, 2.0, 2.2]), label="five groups, whole-number sizes"),
                Case(([250.0], [3.0]), label="only one group"),
                Case(([5.0, 5.0, 80.0], [0.05, 0.4, 1.0]), label="a head closer than 0.1 km"),
            ],
            type_hint="Define a function with `def gravity_choice(sizes, distances):` and pass the function itself to check.",
            hint=(
                "Not yet: the pull is size / distance**2 — it falls with the SQUARE of distance, so neither the nearest "
                "nor the biggest group always wins. Count distances below 0.1 km as 0.1 km (max(distance, 0.1)) and return "
                "the position of the largest pull (numpy's argmax)."
            ),
            hidden_hint=(
                "Your function is also called with other numbers of groups (one to five), whole-number sizes, and "
                "distances of 0 or below 0.1 km, which must count as 0.1 km. The pull is size / distance**2 (squared). "
                "Return a position (an int), not a size or a pull."
            ),
        ),
        Choice(
            id="2.5",
            variable="ties_where",
            points=2,
            prompt=(
                "In the chapter's figure of ten random draws, licensing at a threshold of 60 speeds the spread of the "
                "better practice at a collaboration radius of 0.4 km (fewer months until half the workshops adopt than "
                "without licensing) but hardly changes it at 1 km. Which mechanism explains the difference? "
                "a) At 1 km no workshop is absorbed, so no group ties form. "
                "b) At 1 km local ties already link the whole town in a few steps, so group ties have no gaps to bridge; "
                "at 0.4 km the town is only just connected, and group ties are shortcuts between villages. "
                "c) At 1 km each tie passes the practice on more slowly. "
                "d) At 1 km licensing makes more workshops exit."
            ),
            options=["a", "b", "c", "d"],
            answer="b",
            hint=(
                "Not yet: consolidation (who is absorbed, who exits) does not depend on the radius, and every tie passes "
                "the practice at the same monthly rate. Ask what a long tie adds to a network that is already connected."
            ),
        ),
        Choice(
            id="2.6",
            variable="liushi_reading",
            points=2,
            prompt=(
                "Which statement about Liushi is best supported by the sources gathered for this chapter? "
                "a) The 1990 crackdown created the Chint and Delixi groups, as licence holders traded their licences for "
                "mergers. "
                "b) Chint and Delixi became companies in 1991 and groups in 1994, after the crackdown; no gathered source "
                "describes a licence-for-merger bargain. "
                "c) Statistics show that Liushi makes 60 % of China's low-voltage electrical products. "
                "d) Chint grew from about 50 m yuan of sales in 1993 to 155 bn yuan in 2023, so the cluster grew about "
                "30 % a year."
            ),
            options=["a", "b", "c", "d"],
            answer="b",
            hint="Go back to the fact-check boxes: which statement keeps to dated, sourced rows and the same basis?",
        ),
        Text(
            id="2.7",
            variable="standard_when",
            points=3,
            prompt=(
                "In 3–5 sentences (40–200 words): when does a quality standard imposed from outside help a cluster of "
                "small producers, and when does it harm it? Use what the model showed. Put your text in triple quotes, "
                '"""like this""", so that apostrophes do no harm.'
            ),
            model_answer=(
                "A standard helps when buyers cannot judge quality, so copying and cheating drag the whole cluster into a "
                "market for lemons: a licence that certifies a minimum quality lets good producers be paid for quality. "
                "It helps most when the standard is within reach of many workshops, so that licensed firms can absorb "
                "them into groups, upgrade them and tie them into a collaboration network that spreads better practice "
                "fast (in the model, thresholds of 60–70 at a radius of 0.4 km speed the spread in every random draw). "
                "It can do nothing or harm when it is mild enough to remove workshops before groups bridge the gaps (a "
                "threshold of 50 usually slows the spread), and it harms when it is so strict that most workshops exit "
                "instead of being absorbed (the model's threshold of 90: highest average quality, but few firms, a very "
                "high HHI and a network that falls apart), when the few groups left gain market power, or when "
                "incumbents capture the licensing to keep rivals out."
            ),
            min_words=40,
            max_words=200,
            rubric=(
                "3 points: (1) names the mechanism by which a standard helps — hidden quality / lemons / collective "
                "reputation, and a licence as certification; (2) says that absorption into groups plus group ties can "
                "upgrade workshops and speed diffusion, citing the model (e.g. moderate thresholds absorb many, group ties "
                "bridge gaps in the network — credit a statement that this depends on the threshold and the network); (3) names at least one failure: over-strict standard (mass exit, network splits, "
                "τ = 90), concentration / monopoly (high HHI), or regulatory capture. 2 points: two of the three. "
                "1 point: one, or correct but vague. 0: restates the question or is wrong about the mechanism."
            ),
        ),
    ],
)
