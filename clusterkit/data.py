"""Datasets and their datasheets.

Every dataset is a CSV file in ``datasets/`` (shipped in the package as
``clusterkit.datasets``) with a datasheet beside it, ``NAME.yml``: title, description,
sources, licence, vintage, units and type of every column, and how confident we are.
Rows carry ``source`` (a key of the datasheet's ``sources``) and ``confidence``
(``high``, ``medium``, ``low`` or ``illustrative``).

    >>> from clusterkit import data
    >>> data.names()[:1]
    ['00_cases']
    >>> cases = data.load("00_cases")

``load`` leaves out ``low``-confidence rows unless asked (``include_low=True``): the course
shows them only inside a fact-check box, labelled as doubtful.
"""
from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

# The course's tables carry notes and events in words: pandas shows every text cell in full (its
# default cuts a cell at 50 characters, "...", mid-word). The book's CSS wraps long cells.
pd.set_option("display.max_colwidth", None)

CONFIDENCE_LEVELS = ("high", "medium", "low", "illustrative")
COLUMN_TYPES = ("integer", "float", "string", "category", "date", "boolean")
REQUIRED_KEYS = ("title", "description", "sources", "licence", "vintage", "columns")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class DatasetError(ValueError):
    """A dataset is missing, unreadable, or disagrees with its datasheet."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    unit: str | None = None
    categories: tuple[str, ...] | None = None
    nullable: bool = False


@dataclass(frozen=True)
class Datasheet:
    """What a dataset is, where it comes from, and what its columns mean."""

    name: str
    title: str
    description: str
    sources: dict[str, dict[str, Any]]
    licence: str
    vintage: str
    columns: tuple[Column, ...]
    illustrative: bool = False
    generator: str | None = None
    notes: str | None = None
    chapter: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def units(self) -> dict[str, str | None]:
        return {c.name: c.unit for c in self.columns}


def _root():
    return resources.files("clusterkit.datasets")


def names() -> list[str]:
    """Names of all datasets, in chapter order."""
    return sorted(p.name[:-4] for p in _root().iterdir() if p.name.endswith(".csv"))


def _file(name: str, suffix: str):
    path = _root() / f"{name}{suffix}"
    if not path.is_file():
        known = ", ".join(names()) or "none"
        raise DatasetError(f"no dataset named {name!r} (known: {known})")
    return path


@functools.lru_cache(maxsize=None)
def datasheet(name: str) -> Datasheet:
    """The datasheet of dataset ``name``."""
    path = _file(name, ".yml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DatasetError(f"{name}.yml is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise DatasetError(f"{name}.yml must be a mapping of datasheet fields")
    missing = [k for k in REQUIRED_KEYS if not raw.get(k)]
    if missing:
        raise DatasetError(f"{name}.yml lacks {', '.join(missing)}")
    cols = []
    for i, c in enumerate(raw["columns"]):
        if not isinstance(c, dict) or "name" not in c or "type" not in c or "description" not in c:
            raise DatasetError(f"{name}.yml: column {i} needs name, type and description")
        if c["type"] not in COLUMN_TYPES:
            raise DatasetError(f"{name}.yml: column {c['name']} has unknown type {c['type']!r}")
        cats = c.get("categories")
        cols.append(
            Column(
                name=str(c["name"]),
                type=c["type"],
                description=str(c["description"]),
                unit=c.get("unit"),
                categories=tuple(str(x) for x in cats) if cats else None,
                nullable=bool(c.get("nullable", False)),
            )
        )
    known = {f.name for f in Datasheet.__dataclass_fields__.values()}
    return Datasheet(
        name=name,
        title=str(raw["title"]),
        description=str(raw["description"]).strip(),
        sources={str(k): dict(v) for k, v in raw["sources"].items()},
        licence=str(raw["licence"]),
        vintage=str(raw["vintage"]),
        columns=tuple(cols),
        illustrative=bool(raw.get("illustrative", False)),
        generator=raw.get("generator"),
        notes=raw.get("notes"),
        chapter=raw.get("chapter"),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def _read_csv(name: str) -> pd.DataFrame:
    try:
        text = _file(name, ".csv").read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{name}.csv is not UTF-8 text: {exc}") from None
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if not header:
        raise DatasetError(f"{name}.csv is empty")
    for line, row in enumerate(rows, start=2):
        if row and len(row) != len(header):
            raise DatasetError(
                f"{name}.csv could not be parsed: line {line} has {len(row)} fields, the header has {len(header)}"
            )
    try:
        # Everything as text first: types are the datasheet's business, checked below.
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(f"{name}.csv could not be parsed: {exc}") from None


def _convert(frame: pd.DataFrame, sheet: Datasheet) -> pd.DataFrame:
    out = {}
    for col in sheet.columns:
        s = frame[col.name]
        if col.type == "integer":
            out[col.name] = pd.to_numeric(s, errors="raise").astype("Int64")
        elif col.type == "float":
            out[col.name] = pd.to_numeric(s, errors="raise").astype("float64")
        elif col.type == "boolean":
            out[col.name] = s.map({"true": True, "false": False, "True": True, "False": False}).astype("boolean")
        elif col.type == "category":
            cats = list(col.categories) if col.categories else sorted(s.dropna().unique())
            out[col.name] = pd.Categorical(s, categories=cats)
        else:  # string, date (ISO text: YYYY, YYYY-MM or YYYY-MM-DD)
            out[col.name] = s.astype("string")
    return pd.DataFrame(out, index=frame.index)


def problems(name: str) -> list[str]:
    """Everything wrong with a dataset against its datasheet (empty when all is well)."""
    try:
        sheet = datasheet(name)
        frame = _read_csv(name)
    except DatasetError as exc:
        return [str(exc)]
    found: list[str] = []
    declared = [c.name for c in sheet.columns]
    if list(frame.columns) != declared:
        found.append(f"{name}: CSV columns {list(frame.columns)} differ from datasheet {declared}")
        return found
    for col in ("source", "confidence"):
        if col not in declared:
            found.append(f"{name}: every dataset needs a {col!r} column")
    if found:
        return found
    for col in sheet.columns:
        s = frame[col.name]
        empty = s.isna()
        if empty.any() and not col.nullable:
            found.append(f"{name}.{col.name}: {int(empty.sum())} empty cells (not nullable)")
        vals = s[~empty]
        if col.type in ("integer", "float"):
            bad = pd.to_numeric(vals, errors="coerce").isna()
            if bad.any():
                found.append(f"{name}.{col.name}: not numbers: {list(vals[bad][:3])}")
            elif col.type == "integer" and not (pd.to_numeric(vals) % 1 == 0).all():
                found.append(f"{name}.{col.name}: not whole numbers")
            if col.unit is None:
                found.append(f"{name}.{col.name}: a numeric column needs a unit")
        elif col.type == "date":
            bad = ~vals.str.match(_DATE)
            if bad.any():
                found.append(f"{name}.{col.name}: not ISO dates (YYYY[-MM[-DD]]): {list(vals[bad][:3])}")
        elif col.type == "boolean":
            bad = ~vals.isin(["true", "false", "True", "False"])
            if bad.any():
                found.append(f"{name}.{col.name}: not true/false: {list(vals[bad][:3])}")
        elif col.type == "category" and col.categories:
            bad = ~vals.isin(col.categories)
            if bad.any():
                found.append(f"{name}.{col.name}: values outside {list(col.categories)}: {sorted(set(vals[bad]))[:3]}")
    cited = {k.strip() for v in frame["source"].dropna() for k in str(v).split(";")}
    unknown = sorted(cited - set(sheet.sources))
    if unknown:
        found.append(f"{name}: rows cite sources missing from the datasheet: {unknown}")
    levels = set(frame["confidence"].dropna())
    if not levels <= set(CONFIDENCE_LEVELS):
        found.append(f"{name}: confidence must be one of {CONFIDENCE_LEVELS}, got {sorted(levels)}")
    if sheet.illustrative:
        if levels != {"illustrative"}:
            found.append(f"{name}: an illustrative dataset's rows must all have confidence 'illustrative'")
        if "illustrative" not in sheet.title.lower():
            found.append(f"{name}: an illustrative dataset says so in its title")
        if not sheet.generator:
            found.append(f"{name}: an illustrative dataset names the seeded script that generates it")
    elif "illustrative" in levels:
        found.append(f"{name}: only datasets marked illustrative may have illustrative rows")
    for key, src in sheet.sources.items():
        if not src.get("title"):
            found.append(f"{name}: source {key!r} needs a title")
        if not (src.get("url") or src.get("bib") or sheet.illustrative):
            found.append(f"{name}: source {key!r} needs a url or a bib key")
    return found


def load(name: str, include_low: bool = False) -> pd.DataFrame:
    """Dataset ``name`` as a DataFrame, typed by its datasheet.

    Rows with ``low`` confidence are left out unless ``include_low=True``.
    """
    sheet = datasheet(name)
    frame = _read_csv(name)
    found = problems(name)
    if found:
        raise DatasetError("; ".join(found))
    out = _convert(frame, sheet)
    if not include_low:
        out = out[out["confidence"] != "low"].reset_index(drop=True)
    out.attrs["datasheet"] = sheet.name
    out.attrs["title"] = sheet.title
    return out


def path(name: str) -> Path:
    """Where the CSV of dataset ``name`` is on disk (to read it with other tools)."""
    return Path(str(_file(name, ".csv")))


def cite(name: str) -> str:
    """A one-line credit for a dataset: title, sources and licence."""
    sheet = datasheet(name)
    srcs = "; ".join(s.get("title", k) for k, s in sheet.sources.items())
    flag = " — illustrative (made-up) data" if sheet.illustrative else ""
    return f"Data: {sheet.title}{flag}. Sources: {srcs}. Licence: {sheet.licence}."
