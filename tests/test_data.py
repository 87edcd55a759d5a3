"""Datasets against their datasheets, the loader's errors, illustrative generators, bibliography."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clusterkit import data

ROOT = Path(__file__).resolve().parents[1]
NAMES = data.names()


def test_there_are_datasets_for_every_chapter_built():
    chapters = {n[:2] for n in NAMES}
    assert {"00", "01", "02", "03"} <= chapters


@pytest.mark.parametrize("name", NAMES)
def test_dataset_matches_its_datasheet(name):
    assert data.problems(name) == []


@pytest.mark.parametrize("name", NAMES)
def test_load_types_columns_as_the_datasheet_says(name):
    sheet = data.datasheet(name)
    frame = data.load(name, include_low=True)
    expected = {"integer": "Int64", "float": "float64", "string": "string", "date": "string",
                "category": "category", "boolean": "boolean"}
    for col in sheet.columns:
        assert str(frame[col.name].dtype) == expected[col.type], col.name
    assert len(frame) == len(pd.read_csv(data.path(name)))
    assert "low" not in set(data.load(name)["confidence"])


def _bib_keys() -> dict[str, int]:
    keys: dict[str, int] = {}
    for bib in (ROOT / "book" / "bib").glob("*.bib"):
        for key in re.findall(r"^@\w+\{([^,\s]+),", bib.read_text(encoding="utf-8"), flags=re.M):
            keys[key] = keys.get(key, 0) + 1
    return keys


def test_bibliography_keys_are_unique():
    dupes = {k: n for k, n in _bib_keys().items() if n > 1}
    assert dupes == {}


@pytest.mark.parametrize("name", NAMES)
def test_datasheet_bib_keys_exist(name):
    keys = _bib_keys()
    missing = [s["bib"] for s in data.datasheet(name).sources.values() if s.get("bib") and s["bib"] not in keys]
    assert missing == []


GENERATORS = sorted((ROOT / "tools" / "illustrative").glob("*.py"))


@pytest.mark.parametrize("script", GENERATORS, ids=[p.stem for p in GENERATORS])
def test_illustrative_generator_reproduces_its_csv(script, tmp_path):
    sheets = [n for n in NAMES if data.datasheet(n).generator == f"tools/illustrative/{script.name}"]
    assert sheets, f"no datasheet names {script.name} as its generator"
    out = tmp_path / "out.csv"
    subprocess.run([sys.executable, str(script), "--out", str(out)], check=True, capture_output=True, timeout=120)
    assert out.read_bytes() == data.path(sheets[0]).read_bytes()


@pytest.mark.parametrize("name", [n for n in NAMES if data.datasheet(n).illustrative])
def test_illustrative_datasets_say_so(name):
    sheet = data.datasheet(name)
    assert "illustrative" in sheet.title.lower()
    assert (ROOT / sheet.generator).is_file()


# -- bad input gets a clear message -------------------------------------------------------
@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """Point the loader at an empty folder of datasets."""
    monkeypatch.setattr(data, "_root", lambda: tmp_path)
    data.datasheet.cache_clear()
    yield tmp_path
    data.datasheet.cache_clear()


SHEET = """title: t
description: d
licence: CC0
vintage: "2026"
sources: {s: {title: a source, url: "https://example.org"}}
columns:
  - {name: x, type: integer, unit: count, description: x}
  - {name: source, type: string, description: s}
  - {name: confidence, type: category, categories: [high, medium, low], description: c}
"""


def test_unknown_dataset_lists_the_known_ones(scratch):
    (scratch / "ok.csv").write_text("x,source,confidence\n1,s,high\n")
    (scratch / "ok.yml").write_text(SHEET)
    with pytest.raises(data.DatasetError, match=r"no dataset named 'nope' \(known: ok\)"):
        data.load("nope")


@pytest.mark.parametrize(
    "csv, message",
    [
        ("x,source,confidence\n1,s,high,extra\n", "could not be parsed"),
        ("x,confidence\n1,high\n", "differ from datasheet"),
        ("x,source,confidence\none,s,high\n", "not numbers"),
        ("x,source,confidence\n1,elsewhere,high\n", "missing from the datasheet"),
        ("x,source,confidence\n1,s,sure\n", "values outside"),
        ("x,source,confidence\n,s,high\n", "empty cells"),
    ],
)
def test_broken_csv_gives_a_clear_error(scratch, csv, message):
    (scratch / "bad.csv").write_text(csv)
    (scratch / "bad.yml").write_text(SHEET)
    with pytest.raises(data.DatasetError, match=message):
        data.load("bad")


def test_broken_datasheet_gives_a_clear_error(scratch):
    (scratch / "bad.csv").write_text("x,source,confidence\n1,s,high\n")
    (scratch / "bad.yml").write_text("title: [unclosed\n")
    with pytest.raises(data.DatasetError, match="not valid YAML"):
        data.load("bad")
    (scratch / "bad.yml").write_text("title: only a title\n")
    data.datasheet.cache_clear()
    with pytest.raises(data.DatasetError, match="lacks description"):
        data.load("bad")


def test_datasets_ship_inside_the_package(tmp_path):
    """Built wheel holds every CSV and datasheet, so data.load works after a pip install (Colab)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    import zipfile

    wheel = next(tmp_path.glob("clusterkit-*.whl"))
    inside = set(zipfile.ZipFile(wheel).namelist())
    for name in NAMES:
        assert f"clusterkit/datasets/{name}.csv" in inside
        assert f"clusterkit/datasets/{name}.yml" in inside
