"""clusterkit — the Python package of the Cluster Pathways course.

    import clusterkit as ck
    ck.data.load("00_cases")          # a dataset, with its datasheet in ck.data.datasheet(...)
    ck.metrics.location_quotient(...) # measures of clustering
    ck.show(fig, alt="...")           # a figure in the course style

Importing the package makes the course's plotly template the default.
"""
from __future__ import annotations

from . import style
from .display import glue, show

__version__ = "0.1.0"

style.apply()
from .display import register_renderer as _register_renderer  # noqa: E402

_register_renderer()

__all__ = ["check", "data", "explore", "figures", "glue", "maps", "metrics", "show", "style", "__version__"]


def __getattr__(name: str):
    # Submodules load on first use, so `import clusterkit` stays fast.
    import importlib

    if name in ("data", "metrics", "explore", "explorers", "figures", "maps", "models", "grading"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("check", "check_all"):
        from .grading import student

        return getattr(student, name)
    if name == "selfcheck":  # ungraded in-page questions: ck.selfcheck.choice(...), .number(...)
        return importlib.import_module(".selfcheck", __name__)
    raise AttributeError(f"module 'clusterkit' has no attribute {name!r}")
