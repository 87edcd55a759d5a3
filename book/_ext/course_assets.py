"""Sphinx extension: serve every script the book needs from the book itself.

The pages of Cluster Pathways must load in mainland China and offline, so nothing they
need to render may come from a third-party host. This extension

* downloads pinned npm tarballs (MathJax, RequireJS, the ipywidgets HTML manager) from the
  npm registry once, checks each against its published sha512 integrity, and caches them in
  ``.cache/assets`` (the build needs the registry only the first time);
* copies ``plotly.min.js`` out of the installed ``plotly`` package, so the page and the
  Python package always agree on the plotly.js version;
* adds that folder to ``html_static_path`` and loads plotly.js on every page, before
  RequireJS (plotly.js registers as an AMD module instead of ``window.Plotly`` when
  RequireJS is already on the page);
* points myst-nb's ``nb_ipywidgets_js`` at the local copies.

Run ``python book/_ext/course_assets.py`` to fetch the assets ahead of a build.
"""
from __future__ import annotations

import base64
import fnmatch
import hashlib
import io
import re
import shutil
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "assets"
STATIC = CACHE / "static"
VENDOR = "vendor"


@dataclass(frozen=True)
class NpmAsset:
    """Files taken from one npm tarball, pinned by version and integrity."""

    name: str
    version: str
    integrity: str  # sha512-<base64>, as `npm view NAME@VERSION dist.integrity` prints it
    files: dict[str, str]  # path inside the tarball (file or folder) -> path under vendor/
    licence: str

    @property
    def url(self) -> str:
        base = self.name.split("/")[-1]
        return f"https://registry.npmjs.org/{self.name}/-/{base}-{self.version}.tgz"


ASSETS = [
    NpmAsset(
        "mathjax",
        "3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        {
            "package/es5/tex-svg.js": "mathjax/tex-svg.js",
            "package/es5/input/tex/extensions": "mathjax/input/tex/extensions",
            "package/es5/a11y": "mathjax/a11y",
            "package/es5/ui": "mathjax/ui",
            "package/es5/sre": "mathjax/sre",
            "package/LICENSE": "mathjax/LICENSE",
        },
        "Apache-2.0",
    ),
    NpmAsset(
        # Chinese characters for readers whose system has no CJK font: split by unicode-range,
        # so a page downloads only the few chunks (~40 KB each) holding the characters it uses.
        "@fontsource/noto-sans-sc",
        "5.3.0",
        "sha512-HeqIlGm0+ohOKxZLuHj1qW6r6avHH0OWdKERAcSDI0RQ+MXrteuLKA+M+5eOA8rYy0MFvOR5AT0fQo2rUkye0Q==",
        {
            "package/400.css": "noto-sans-sc/400.css",
            "package/files/*-400-normal.woff2": "noto-sans-sc/files",
            "package/LICENSE": "noto-sans-sc/LICENSE",
        },
        "OFL-1.1",
    ),
    NpmAsset(
        "requirejs",
        "2.3.8",
        "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
        {"package/require.js": "requirejs/require.js", "package/package.json": "requirejs/package.json"},
        "MIT",
    ),
    NpmAsset(
        "@jupyter-widgets/html-manager",
        "1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        {
            "package/dist/embed-amd.js": "html-manager/embed-amd.js",
            "package/package.json": "html-manager/package.json",
            "package/dist/embed.js.LICENSE.txt": "html-manager/THIRD-PARTY-LICENSES.txt",
        },
        "BSD-3-Clause",
    ),
]


class AssetError(RuntimeError):
    """An asset could not be fetched or failed its integrity check."""


def _download(asset: NpmAsset) -> bytes:
    tgz = CACHE / f"{asset.name.replace('/', '__')}-{asset.version}.tgz"
    if tgz.is_file():
        data = tgz.read_bytes()
    else:
        try:
            with urllib.request.urlopen(asset.url, timeout=120) as response:
                data = response.read()
        except OSError as exc:
            raise AssetError(
                f"could not download {asset.name}@{asset.version} from {asset.url} ({exc}). "
                "The book serves this file itself so that it loads offline; the first build "
                "needs the npm registry once, later builds use .cache/assets."
            ) from exc
    algo, _, expected = asset.integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if digest != expected:
        tgz.unlink(missing_ok=True)
        raise AssetError(f"{asset.name}@{asset.version}: integrity mismatch (got {algo}-{digest})")
    CACHE.mkdir(parents=True, exist_ok=True)
    tgz.write_bytes(data)
    return data


def _extract(asset: NpmAsset) -> None:
    stamp = STATIC / VENDOR / f".{asset.name.replace('/', '__')}-{asset.version}"
    if stamp.is_file():
        return
    data = _download(asset)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        for src, dst in asset.files.items():
            if "*" in src:  # a glob: matching files go flat into the folder dst
                chosen = [m for m in members if m.isfile() and fnmatch.fnmatch(m.name, src)]
                prefix = lambda m: m.name.rsplit("/", 1)[0]  # noqa: E731
            else:
                chosen = [m for m in members if m.isfile() and (m.name == src or m.name.startswith(src + "/"))]
                prefix = lambda m: src  # noqa: E731
            if not chosen:
                raise AssetError(f"{asset.name}@{asset.version} has no {src}")
            for member in chosen:
                target = STATIC / VENDOR / dst / member.name[len(prefix(member)):].lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(member)
                assert extracted is not None
                target.write_bytes(extracted.read())
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(asset.url + "\n")


def plotly_js_name() -> str:
    import plotly

    return f"{VENDOR}/plotly/plotly-{plotly.__version__}.min.js"


def _copy_plotly() -> str:
    import plotly

    src = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    name = plotly_js_name()
    target = STATIC / name
    if not target.is_file() or target.stat().st_size != src.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    return name


def _fix_font_css() -> None:
    """Serve only the woff2 files (every browser the book supports reads woff2), and let the one
    weight serve every weight: with only "font-weight: 400", bold Chinese (a table header) showed
    as empty boxes in Chromium."""
    css = STATIC / VENDOR / "noto-sans-sc" / "400.css"
    text = css.read_text()
    fixed = re.sub(r", url\([^)]*\.woff\) format\('woff'\)", "", text).replace(
        "font-weight: 400;", "font-weight: 100 900;"
    )
    if fixed != text:
        css.write_text(fixed)


def prepare() -> Path:
    """Fetch, verify and unpack every asset; return the static folder to serve."""
    for asset in ASSETS:
        _extract(asset)
    _fix_font_css()
    _copy_plotly()
    return STATIC


def _config_inited(app, config) -> None:
    static = prepare()
    config.html_static_path = list(config.html_static_path) + [str(static)]

    # Load the ipywidgets HTML manager (only on pages that embed widget state) from the
    # book; `data-jupyter-widgets-cdn` is where it would look for third-party widget
    # modules, so it also points at the book.
    config.nb_ipywidgets_js = {
        f"{VENDOR}/requirejs/require.js": {},
        f"{VENDOR}/html-manager/embed-amd.js": {"data-jupyter-widgets-cdn": f"_static/{VENDOR}/"},
    }


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    """Remove sphinx-thebe's scripts: the course does not use Thebe (it needs a live Binder
    and loads thebe from unpkg.com), and its config script is added twice by
    jupyter-book 1 + sphinx-book-theme, which logs "Identifier 'THEBE_JS_URL' has already
    been declared" on every page."""
    # Plotly figures are drawn on white; and with no mode configured, pydata-sphinx-theme
    # logs "Got invalid theme mode" on every page.
    context["default_mode"] = "light"
    scripts = context.get("script_files")
    if scripts is None:
        return
    context["script_files"] = [
        js
        for js in scripts
        if "THEBE_JS_URL" not in (getattr(js, "attributes", {}) or {}).get("body", "")
        and "sphinx-thebe" not in str(getattr(js, "filename", js) or "")
    ]
    css = context.get("css_files")
    if css is not None:
        context["css_files"] = [c for c in css if "sphinx-thebe" not in str(getattr(c, "filename", c))]


def setup(app):
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("html-page-context", _drop_thebe, priority=900)
    # Before RequireJS and before any figure on the page: not deferred.
    app.add_js_file(plotly_js_name(), priority=100)
    app.add_css_file(f"{VENDOR}/noto-sans-sc/400.css")
    app.add_css_file("course.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


if __name__ == "__main__":
    print(prepare())
    sys.exit(0)
