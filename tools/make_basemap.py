"""Write datasets/00_coastline.csv: the land outline of eastern China and its neighbours.

The map of the nine cases (Chapter 0) is drawn from this file, so the book needs no map
tiles or shapes from another host. Source: Natural Earth 1:50m land polygons (public
domain), as the TopoJSON of the npm package world-atlas@2.0.2 (ISC licence). The script
downloads that package once from the npm registry (checked against its sha512), decodes
the TopoJSON, clips the polygons to the map window, simplifies them (Ramer–Douglas–Peucker,
0.03°), and writes one row per vertex. Land only: the map draws no political boundaries.

    python tools/make_basemap.py [--out datasets/00_coastline.csv]
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import tarfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_assets import NpmAsset, _download  # noqa: E402

WORLD_ATLAS = NpmAsset(
    "world-atlas",
    "2.0.2",
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
    {"package/land-50m.json": "land-50m.json"},
    "ISC",
)
WINDOW = (105.0, 126.0, 17.0, 43.0)  # lon min, lon max, lat min, lat max
TOLERANCE = 0.03  # degrees


def decode_topojson(topo: dict) -> list[np.ndarray]:
    """Rings (arrays of lon, lat) of every polygon in the TopoJSON's first object."""
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=float), axis=0)  # delta-encoded, quantized
        arcs.append(a * scale + translate)

    def ring(indices: list[int]) -> np.ndarray:
        parts = []
        for k in indices:
            pts = arcs[k] if k >= 0 else arcs[~k][::-1]
            parts.append(pts if not parts else pts[1:])
        return np.vstack(parts)

    obj = next(iter(topo["objects"].values()))
    geoms = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
    rings = []
    for g in geoms:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        for poly in polys:
            rings.extend(ring(r) for r in poly)
    return rings


def clip(ring: np.ndarray, window: tuple[float, float, float, float]) -> np.ndarray:
    """Sutherland–Hodgman clipping of a closed ring to a lon/lat rectangle."""
    x0, x1, y0, y1 = window
    edges = [(0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)]
    pts = list(map(tuple, ring))
    for axis, bound, keep_above in edges:
        if not pts:
            break
        inside = (lambda p: p[axis] >= bound) if keep_above else (lambda p: p[axis] <= bound)
        out = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(_cross(prev, cur, axis, bound))
                out.append(cur)
            elif inside(prev):
                out.append(_cross(prev, cur, axis, bound))
        pts = out
    return np.asarray(pts)


def _cross(p, q, axis, bound):
    t = (bound - p[axis]) / (q[axis] - p[axis])
    return tuple(p[k] + t * (q[k] - p[k]) for k in range(2))


def simplify(points: np.ndarray, tol: float) -> np.ndarray:
    """Ramer–Douglas–Peucker line simplification."""
    if len(points) < 3:
        return points
    start, end = points[0], points[-1]
    d = end - start
    norm = np.hypot(*d)
    if norm == 0:
        dist = np.hypot(*(points - start).T)
    else:
        dist = np.abs(d[0] * (points[:, 1] - start[1]) - d[1] * (points[:, 0] - start[0])) / norm
    k = int(np.argmax(dist))
    if dist[k] <= tol:
        return np.vstack([start, end])
    left = simplify(points[: k + 1], tol)
    right = simplify(points[k:], tol)
    return np.vstack([left[:-1], right])


def main(out: Path) -> int:
    data = _download(WORLD_ATLAS)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        topo = json.load(tar.extractfile("package/land-50m.json"))
    lines = ["ring,vertex,lon,lat,source,confidence"]
    n_ring = 0
    for r in decode_topojson(topo):
        c = clip(r, WINDOW)
        if len(c) < 4:
            continue
        s = simplify(np.vstack([c, c[:1]]), TOLERANCE)
        if len(s) < 4:
            continue
        n_ring += 1
        for v, (lon, lat) in enumerate(s):
            lines.append(f"{n_ring},{v},{lon:.3f},{lat:.3f},natural_earth,high")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out} ({n_ring} rings, {len(lines) - 1} vertices)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "datasets" / "00_coastline.csv")
    sys.exit(main(parser.parse_args().out))
