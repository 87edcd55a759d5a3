"""Sphinx extension: serve every script the book needs from the book itself.

The pages of Cluster Pathways must load in mainland China and offline, so nothing they
need to render may come from a third-party host. This extension

* downloads pinned npm tarballs (MathJax, RequireJS, the ipywidgets HTML manager) from the
  npm registry once, checks each against its published sha512 integrity, and caches them in
  ``.cache/assets`` (the build needs the registry only the first time);
* copies ``plotly.min.js`` out of the installed ``plotly`` package, and takes plotly.js's
  prebuilt *cartesian* partial bundle (a third of the size) of the same plotly.js version
  from npm; the build fails if the two versions differ;
* adds that folder to ``html_static_path`` and loads only what a page uses: plotly.js only
  on a page with a figure (the cartesian bundle when it has every trace type the page's
  figures name, the full one otherwise), before RequireJS (plotly.js registers as an AMD
  module instead of ``window.Plotly`` when RequireJS is already on the page); MathJax only
  on a page with maths of its own (Sphinx also loads it on a page whose toctree includes
  one: the home page); not pydata-sphinx-theme's ``fontawesome.js`` (1.5 MB), since its
  stylesheet already draws the same icons from the Font Awesome web fonts;
* points myst-nb's ``nb_ipywidgets_js`` at the local copies;
* writes a gzip copy (``X.gz``) next to every text file of the built site over 1 KB, for a
  static host to serve precompressed (nginx ``gzip_static``; ``make bench`` measures it).

Run ``python book/_ext/course_assets.py`` to fetch the assets ahead of a build.
"""
from __future__ import annotations

import base64
import fnmatch
import gzip
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
            # CommonHTML output: 0.26 MB compressed plus the few fonts a page uses (~0.1 MB),
            # where tex-svg.js carries every glyph's outline inside (0.68 MB). (plotly.js typesets
            # "$...$" figure text only with tex-svg: course figures use none, tests/test_book.py.)
            "package/es5/tex-chtml.js": "mathjax/tex-chtml.js",
            "package/es5/output/chtml/fonts/woff-v2": "mathjax/output/chtml/fonts/woff-v2",
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
        # plotly.js's prebuilt partial bundle with the cartesian trace types (CARTESIAN_TRACES);
        # its version must be the plotly.js that the installed plotly package ships.
        "plotly.js-cartesian-dist-min",
        "4.1.1",
        "sha512-o8GrFeusncwBIxbBynRJpY4pkgVB6caM+JLpwrLYbbsO7dZ8FJ+SVN2Fr+L7kiG/Z6w4P5O0Jus/Qr5EefHVeg==",
        {"package/plotly-cartesian.min.js": "plotly/plotly-cartesian-4.1.1.min.js", "package/LICENSE": "plotly/LICENSE"},
        "MIT",
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


#: For the tests only, never served: axe-core, the accessibility engine the browser test injects
#: into each page (tests/test_browser_a11y.py) to audit it against WCAG 2.1 A and AA.
AXE = NpmAsset(
    "axe-core",
    "4.14.1",
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
    {"package/axe.min.js": "axe.min.js"},
    "MPL-2.0",
)


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
    # The stamp names the files taken too, so that taking another file re-extracts.
    chosen = hashlib.sha256(repr(sorted(asset.files.items())).encode()).hexdigest()[:10]
    stamp = STATIC / VENDOR / f".{asset.name.replace('/', '__')}-{asset.version}-{chosen}"
    if stamp.is_file():
        return
    data = _download(asset)
    # Another version or choice of files: start from empty folders (no stale files served).
    for old in (STATIC / VENDOR).glob(f".{asset.name.replace('/', '__')}-*"):
        old.unlink()
        for top in {dst.split("/")[0] for dst in asset.files.values()}:
            shutil.rmtree(STATIC / VENDOR / top, ignore_errors=True)
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


def file_from(asset: NpmAsset, member: str) -> str:
    """One text file of a pinned, integrity-checked npm tarball (downloaded once, then cached)."""
    with tarfile.open(fileobj=io.BytesIO(_download(asset)), mode="r:gz") as tar:
        extracted = tar.extractfile(member)
        if extracted is None:
            raise AssetError(f"{asset.name}@{asset.version} has no {member}")
        return extracted.read().decode("utf-8")

#: The trace types in the cartesian bundle (its README lists them).
CARTESIAN_TRACES = frozenset({
    "bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "image",
    "pie", "scatter", "scatterternary", "violin",
})
#: The attribute on a course figure naming its trace types (see clusterkit.display.to_book_html).
TRACES_ATTR = "data-ck-traces"
#: Text files of the built site worth serving compressed.
COMPRESSIBLE = (".html", ".js", ".css", ".svg", ".json", ".txt", ".xml", ".map")
MIN_GZIP_SIZE = 1024


def plotly_js_name() -> str:
    import plotly

    return f"{VENDOR}/plotly/plotly-{plotly.__version__}.min.js"


def _cartesian_asset() -> NpmAsset:
    return next(a for a in ASSETS if a.name == "plotly.js-cartesian-dist-min")


def cartesian_js_name() -> str:
    return f"{VENDOR}/plotly/plotly-cartesian-{_cartesian_asset().version}.min.js"


def plotly_js_version() -> str:
    """The plotly.js version the installed plotly package ships (from its bundle's header)."""
    import plotly

    head = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")[:200]
    found = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", head)
    if not found:
        raise AssetError("cannot read the plotly.js version from the plotly package's plotly.min.js")
    return found.group(1)


def _check_plotly_versions() -> None:
    expected = plotly_js_version()
    pinned = _cartesian_asset().version
    if pinned != expected:
        raise AssetError(
            f"the plotly package ships plotly.js {expected} but course_assets pins the cartesian bundle "
            f"at {pinned}: pin plotly.js-cartesian-dist-min@{expected} (its integrity: "
            f"`npm view plotly.js-cartesian-dist-min@{expected} dist.integrity`)"
        )


def plotly_bundle_for(html_body: str) -> str | None:
    """Which plotly.js a page's body needs: none without a figure; the cartesian bundle if
    every figure names its trace types and they are all in it; else the full bundle."""
    n_figures = html_body.count('class="plotly-graph-div"')
    if not n_figures:
        return None
    named = re.findall(TRACES_ATTR + r'="([^"]*)"', html_body)
    traces = {t for attr in named for t in attr.split()}
    if len(named) >= n_figures and traces <= CARTESIAN_TRACES:
        return cartesian_js_name()
    return plotly_js_name()


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
    _check_plotly_versions()
    return STATIC


def _gunzip(path: Path) -> bytes | None:
    try:
        return gzip.decompress(path.read_bytes())
    except (OSError, EOFError):
        return None


def precompress(outdir: Path) -> int:
    """Write ``X.gz`` (gzip level 9) next to every text file of the site over
    ``MIN_GZIP_SIZE`` that has none or one of other content, and delete orphaned copies; returns how
    many were written. Files are byte-identical from build to build (no timestamp inside)."""
    written = 0
    for path in outdir.rglob("*"):
        if path.suffix == ".gz" and path.is_file():
            original = path.with_suffix("")
            if original.suffix in COMPRESSIBLE and not original.is_file():
                path.unlink()
            continue
        if path.suffix not in COMPRESSIBLE or not path.is_file() or path.stat().st_size < MIN_GZIP_SIZE:
            continue
        target = path.with_name(path.name + ".gz")
        data = path.read_bytes()
        # compared by content, not by time: Sphinx copies static files keeping their old mtimes
        if target.is_file() and _gunzip(target) == data:
            continue
        target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        written += 1
    return written


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


def _add_plotly(app, pagename, templatename, context, doctree) -> None:
    """Load plotly.js on a page with a figure, and only the bundle it needs."""
    bundle = plotly_bundle_for(context.get("body", "") or "")
    if bundle is not None:
        # Before RequireJS and before any figure on the page: not deferred.
        app.builder.add_js_file(bundle, priority=100)


def _has_own_math(doctree) -> bool:
    from docutils import nodes

    return doctree is not None and any(doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))))


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    """Drop the scripts a page does not use.

    * sphinx-thebe's: the course does not use Thebe (it needs a live Binder and loads thebe
      from unpkg.com), and its config script is added twice by jupyter-book 1 +
      sphinx-book-theme, which logs "Identifier 'THEBE_JS_URL' has already been declared"
      on every page;
    * MathJax on a page without maths of its own: Sphinx counts the maths of the pages a
      page's toctree includes, so the home page loaded MathJax (2 MB) for nothing.
    """
    # Plotly figures are drawn on white; and with no mode configured, pydata-sphinx-theme
    # logs "Got invalid theme mode" on every page.
    context["default_mode"] = "light"
    scripts = context.get("script_files")
    if scripts is None:
        return
    no_math = not _has_own_math(doctree)

    def keep(js) -> bool:
        name = str(getattr(js, "filename", js) or "")
        body = (getattr(js, "attributes", {}) or {}).get("body", "")
        if "THEBE_JS_URL" in body or "sphinx-thebe" in name:
            return False
        # Sphinx files a local script under _static/.
        if no_math and (name.endswith(app.config.mathjax_path) or body.startswith("window.MathJax")):
            return False
        return True

    context["script_files"] = [js for js in scripts if keep(js)]
    css = context.get("css_files")
    if css is not None:
        context["css_files"] = [c for c in css if "sphinx-thebe" not in str(getattr(c, "filename", c))]


#: pydata-sphinx-theme's template (not ``script_files``) loads fontawesome.js on every page.
FONTAWESOME_JS = re.compile(r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js(?:\?[^"]*)?"></script>\n?')


def drop_fontawesome_js(outdir: Path) -> None:
    """Remove pydata-sphinx-theme's ``fontawesome.js`` (1.5 MB; it swaps every icon for an SVG)
    from the built pages: the theme's stylesheet draws the same icons from the Font Awesome
    web fonts it serves."""
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = FONTAWESOME_JS.sub("", text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        drop_fontawesome_js(Path(app.outdir))
        precompress(Path(app.outdir))


def setup(app):
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("html-page-context", _add_plotly, priority=800)
    # After Sphinx's MathJax (500) has added its scripts.
    app.connect("html-page-context", _page_assets, priority=900)
    # after the theme's own build-finished handlers (pydata-sphinx-theme rewrites pygments.css there)
    app.connect("build-finished", _build_finished, priority=900)
    app.add_css_file(f"{VENDOR}/noto-sans-sc/400.css")
    app.add_css_file("course.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


if __name__ == "__main__":
    print(prepare())
    sys.exit(0)
