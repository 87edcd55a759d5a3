"""The explorer of each chapter: ``clusterkit.explorers.chNN.explorer()`` returns an
:class:`clusterkit.explore.Explorer` declared over that chapter's model."""
from __future__ import annotations

import importlib


def __getattr__(name: str):
    # ck.explorers.ch00 works without importing every chapter's explorer up front.
    if name.startswith("ch") and name[2:].isdigit():
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'clusterkit.explorers' has no attribute {name!r}")
