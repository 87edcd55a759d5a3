"""Answers as plain data: what leaves a kernel, and what public checks and the grader compare.

``to_plain(value)`` turns a Python value into a small JSON-able dict with a ``type`` tag:

==========  ================================================================
type        fields
==========  ================================================================
ellipsis    (the ``...`` placeholder: not attempted)
missing     (set by the grader when the variable does not exist)
none        —
bool        ``value``
int         ``value``
float       ``value`` (a number, or "nan", "inf", "-inf")
str         ``value``
list        ``items`` (plain values)
dict        ``items`` (list of [key, value] pairs, both plain)
frame       ``index``, ``columns`` (labels as text), ``data`` (rows of cells),
            ``index_name``
series      ``index``, ``data``, ``name``
array       ``shape``, ``data`` (flat list of cells)
function    ``name``, ``module``, ``stub`` (its body is only ``...``/``pass``),
            ``uses`` (names its code calls or reads, its own helpers' included)
other       ``class`` (anything else: not a usable answer)
too-large   ``class`` (bigger than the limits below)
==========  ================================================================

Cells of tables and arrays are numbers (non-finite ones as "nan"/"inf"/"-inf"), text,
booleans or None. Subclasses are reduced to their base type's value (a ``float`` subclass
whose ``__eq__`` always says True becomes a plain float): nothing of the student's objects
survives but data.

This file is also sent as *source* into the grader's kernel (it imports only the standard
library at the top, and numpy/pandas lazily), so keep it self-contained.
"""
from __future__ import annotations

import math
import sys
from typing import Any

MAX_CELLS = 200_000
MAX_ITEMS = 10_000
MAX_STR = 100_000
MAX_DEPTH = 6


def _num(x: Any) -> Any:
    """A cell as plain data."""
    if x is None:
        return None
    if isinstance(x, bool):
        return bool(x)
    if isinstance(x, int):
        return int.__int__(x)
    if isinstance(x, float):
        f = float.__float__(x)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return f
    if isinstance(x, str):
        return str.__str__(x)[:MAX_STR]
    np = sys.modules.get("numpy")
    if np is not None and isinstance(x, np.generic):
        try:
            return _num(x.item())
        except Exception:
            return str(x)[:200]
    if x.__class__.__name__ in ("NAType", "NaTType"):
        return "nan"
    try:
        if isinstance(x, complex):
            return str(x)
    except Exception:
        pass
    if hasattr(x, "isoformat"):
        try:
            return str(x.isoformat())
        except Exception:
            pass
    return str(type(x).__name__)


def _label(x: Any) -> str:
    if isinstance(x, tuple):
        return " / ".join(_label(v) for v in x)
    v = _num(x)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _is_stub(fn: Any) -> bool:
    """Whether a function's body does nothing (``...``, ``pass``, a docstring)."""
    import dis

    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    for ins in dis.get_instructions(code):
        if ins.opname in ("RESUME", "NOP", "CACHE", "RETURN_VALUE"):
            continue
        if ins.opname in ("LOAD_CONST", "RETURN_CONST") and ins.argval is None:
            continue
        return False
    return True


#: Opcodes whose argument is the name of an attribute, a module or something imported.
_NAME_OPS = ("LOAD_ATTR", "LOAD_METHOD", "IMPORT_NAME", "IMPORT_FROM", "LOAD_SUPER_ATTR")
_GLOBAL_OPS = ("LOAD_GLOBAL", "LOAD_NAME")
MAX_USES = 500


def _uses(fn: Any) -> list[str]:
    """The names a function uses: attributes and imports in its code (nested functions and
    lambdas included), the globals it reads, and — for a global that is another function of the
    notebook (a helper) — that function's names too; a global bound to an outside function
    (``from m import run as r``) adds the function's own name (``run``). Reads code and
    dictionaries only: nothing of the student's is called."""
    import builtins
    import dis
    import types

    found: set[str] = set()
    done: set[int] = set()
    todo = [fn]
    while todo and len(found) < MAX_USES:
        f = todo.pop()
        if id(f) in done or type(f) is not types.FunctionType:
            continue
        done.add(id(f))
        glob = f.__globals__ if type(f.__globals__) is dict else {}
        outer = [c.cell_contents for c in (f.__closure__ or ()) if _filled(c)]
        codes = [f.__code__]
        while codes:
            code = codes.pop()
            codes.extend(c for c in code.co_consts if type(c) is types.CodeType)
            for ins in dis.get_instructions(code):
                name = ins.argval if isinstance(ins.argval, str) else None
                if name is None:
                    continue
                if ins.opname in _NAME_OPS:
                    found.add(name)
                elif ins.opname in _GLOBAL_OPS:
                    obj = dict.get(glob, name, dict.get(vars(builtins), name))
                    if type(obj) is types.FunctionType and obj.__globals__ is f.__globals__:
                        todo.append(obj)  # a helper written in the notebook: what it uses counts, not its name
                    else:
                        found.add(name)
                        outer.append(obj)
        for obj in outer:  # functions reached through a global or a closure: their real names
            if type(obj) is types.FunctionType and obj.__globals__ is f.__globals__:
                todo.append(obj)
            elif type(obj) in (types.FunctionType, types.BuiltinFunctionType):
                found.add(str(obj.__name__))
    return sorted(found)[:MAX_USES]


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents
        return True
    except ValueError:
        return False


def to_plain(value: Any, depth: int = 0) -> dict:
    """``value`` as a JSON-able dict (see the module docstring)."""
    if value is Ellipsis:
        return {"type": "ellipsis"}
    if value is None:
        return {"type": "none"}
    cls = type(value)
    mod = cls.__module__ or ""
    if isinstance(value, bool) or (mod.startswith("numpy") and cls.__name__ in ("bool", "bool_")):
        return {"type": "bool", "value": bool(value)}
    if isinstance(value, int):
        return {"type": "int", "value": int.__int__(value)}
    if isinstance(value, float):
        return {"type": "float", "value": _num(value)}
    if isinstance(value, str):
        return {"type": "str", "value": str.__str__(value)[:MAX_STR]}
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if np is not None and isinstance(value, np.generic):
        return to_plain(value.item(), depth)
    if depth >= MAX_DEPTH:
        return {"type": "too-large", "class": cls.__name__}
    if pd is not None and isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        if isinstance(value, pd.DataFrame):
            if value.size > MAX_CELLS:
                return {"type": "too-large", "class": "DataFrame"}
            rows = pd.DataFrame.to_numpy(value, dtype=object).tolist()
            return {
                "type": "frame",
                "index": [_label(i) for i in value.index],
                "columns": [_label(c) for c in value.columns],
                "data": [[_num(c) for c in row] for row in rows],
                "index_name": None if value.index.name is None else _label(value.index.name),
            }
        if isinstance(value, pd.Series):
            if value.size > MAX_CELLS:
                return {"type": "too-large", "class": "Series"}
            return {
                "type": "series",
                "index": [_label(i) for i in value.index],
                "data": [_num(c) for c in pd.Series.to_numpy(value, dtype=object).tolist()],
                "name": None if value.name is None else _label(value.name),
            }
        if isinstance(value, pd.Index):
            return to_plain(list(value), depth + 1)
    if np is not None and isinstance(value, np.ndarray):
        if value.size > MAX_CELLS:
            return {"type": "too-large", "class": "ndarray"}
        flat = np.ndarray.tolist(np.asarray(value).ravel())
        return {"type": "array", "shape": [int(s) for s in value.shape], "data": [_num(c) for c in flat]}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        if len(items) > MAX_ITEMS:
            return {"type": "too-large", "class": cls.__name__}
        if isinstance(value, (set, frozenset)):
            items = sorted(items, key=repr)
        return {"type": "list", "items": [to_plain(v, depth + 1) for v in items]}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            return {"type": "too-large", "class": "dict"}
        return {"type": "dict", "items": [[to_plain(k, depth + 1), to_plain(v, depth + 1)] for k, v in dict.items(value)]}
    if callable(value) and hasattr(value, "__code__"):
        try:
            uses = _uses(value)
        except Exception:  # noqa: BLE001 - an odd function: nothing to report
            uses = []
        return {
            "type": "function",
            "name": str(getattr(value, "__name__", "?")),
            "module": str(getattr(value, "__module__", "") or ""),
            "stub": _is_stub(value),
            "uses": uses,
        }
    return {"type": "other", "class": f"{mod}.{cls.__name__}" if mod not in ("builtins", "") else cls.__name__}


def _cell(v: Any) -> Any:
    if v == "nan":
        return float("nan")
    if v == "inf":
        return float("inf")
    if v == "-inf":
        return float("-inf")
    return v


def from_plain(plain: dict) -> Any:
    """The Python value (pandas for tables) that a plain dict describes."""
    t = plain.get("type")
    if t in ("none", "ellipsis", "missing"):
        return None if t != "ellipsis" else Ellipsis
    if t in ("bool", "int", "str"):
        return plain["value"]
    if t == "float":
        return float(_cell(plain["value"]))
    if t == "list":
        return [from_plain(v) for v in plain["items"]]
    if t == "dict":
        return {_hashable(from_plain(k)): from_plain(v) for k, v in plain["items"]}
    if t == "frame":
        import pandas as pd

        frame = pd.DataFrame(
            [[_cell(c) for c in row] for row in plain["data"]],
            index=pd.Index(plain["index"], name=plain.get("index_name")),
            columns=list(plain["columns"]),
        )
        return frame.infer_objects()
    if t == "series":
        import pandas as pd

        return pd.Series([_cell(c) for c in plain["data"]], index=plain["index"], name=plain.get("name")).infer_objects()
    if t == "array":
        import numpy as np

        return np.array([_cell(c) for c in plain["data"]]).reshape(plain["shape"])
    raise ValueError(f"cannot rebuild a value of type {t!r}")


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def describe(plain: dict) -> str:
    """What kind of value this is, in words a student understands (with its size)."""
    t = plain.get("type")
    if t == "series":
        n = len(plain.get("data", []))
        return "an empty pandas Series" if n == 0 else f"a pandas Series of {n} value" + ("" if n == 1 else "s")
    if t == "list":
        n = len(plain.get("items", []))
        return "an empty list" if n == 0 else f"a list of {n} item" + ("" if n == 1 else "s")
    if t == "array":
        shape = plain.get("shape", [])
        if len(shape) == 1:
            return f"a NumPy array of {shape[0]} value" + ("" if shape[0] == 1 else "s")
        return "a NumPy array of shape (" + ", ".join(str(s) for s in shape) + ")"
    if t == "frame":
        r, c = len(plain.get("index", [])), len(plain.get("columns", []))
        return f"a pandas DataFrame ({r} row{'' if r == 1 else 's'} × {c} column{'' if c == 1 else 's'})"
    return {
        "ellipsis": "the placeholder ...",
        "missing": "nothing (the variable is not defined)",
        "none": "None",
        "bool": "True/False (a bool)",
        "int": "a whole number (int)",
        "float": "a number (float)",
        "str": "text (a str)",
        "dict": "a dict",
        "function": "a function",
        "too-large": f"a very large {plain.get('class', 'object')}",
    }.get(t, f"an object of type {plain.get('class', t)}")
