"""Figure builders: the ones the chapters share here (``ck.figures.timeline``, ...), and
each chapter's own in ``clusterkit.figures.chNN`` (mirroring ``clusterkit.explorers``).

Every builder returns a ``go.Figure`` with a title and axis titles with units; show it with
``clusterkit.show(fig, alt=...)``.
"""
from __future__ import annotations

import importlib

from .shared import LQ_SCALE, bars, key_above, lq_heatmap, shift_share_bars, timeline, to_timestamp

__all__ = ["LQ_SCALE", "bars", "key_above", "lq_heatmap", "shift_share_bars", "timeline", "to_timestamp"]


def __getattr__(name: str):
    # ck.figures.ch01 works without importing every chapter's figures up front.
    if name.startswith("ch") and name[2:].isdigit():
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'clusterkit.figures' has no attribute {name!r}")
