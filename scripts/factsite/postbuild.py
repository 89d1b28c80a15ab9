"""Post-build step: make a built site ready to serve for real.

Runs on the freshly built folder (cmd_build's staging folder, before it replaces site/):

1. Security headers. A Content-Security-Policy that allows only the site's own origin, with the
   sha256 hash of each inline script the templates write (never 'unsafe-inline' for scripts), plus
   Strict-Transport-Security, X-Content-Type-Options, Referrer-Policy, Permissions-Policy and
   X-Frame-Options. They are written twice, with the same names and values:
   `_headers` (the format Netlify and Cloudflare Pages read) and `_nginx-headers.conf` (an nginx
   include, used by deploy/nginx.conf).
2. The theme's stylesheets cut down to the rules this build's pages can use, under new hashed
   names (factsite/theme_css.py).
3. The service worker, `sw.js`: every file the pages can use, by the hash of its content, so the
   site works with no connection after one visit (factsite/offline.py). Written after every other
   change to the built files, and served with `Cache-Control: no-cache` so a new build reaches
   readers at once.
4. Precompressed copies: `FILE.gz` (gzip -9) and `FILE.br` (brotli quality 11) next to every
   text asset, for nginx's gzip_static/brotli_static and for hosts that serve precompressed files.

Before any of these, every page is checked for live markup that no template wrote: an inline script
that is not one of the templates' own, an event-handler attribute, a javascript: address, a
<meta http-equiv>, a frame or an embedded object. Hashing every inline script found would let a
script smuggled in through content run under the policy; instead the build fails and names it.

Everything is deterministic: files are visited in sorted order, gzip headers carry no name and
mtime 0, and the generated text depends only on the built files.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.resources
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import brotli

from . import offline, theme_css

HEADERS_FILE = "_headers"
NGINX_INCLUDE = "_nginx-headers.conf"
OWN_STYLESHEET = "assets/site.css"  # mkdocs.yml extra_css
GENERATED = (HEADERS_FILE, NGINX_INCLUDE)

# Text formats worth compressing. Images and fonts are compressed already; source maps (.map) are
# fetched only by a developer's browser tools and would double the time this step takes.
TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".webmanifest"})

# Material's built assets carry a content hash in their names (bundle.a5f9d56c.min.js): a new
# build gives a new name, so a browser may keep them for a year without asking again.
HASHED_ASSET = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?$")
LONG_CACHE = "public, max-age=31536000, immutable"
# The service worker: browsers ask the server for it again on every visit, so a new build is found.
NO_CACHE = "no-cache"

# Script types a browser runs (the HTML standard's JavaScript MIME types, "module", or no type).
# Other types are data blocks (Material's application/json config, schema.org JSON-LD): never run,
# so script-src does not apply to them.
EXECUTABLE_SCRIPT_TYPES = frozenset({
    "", "module", "application/ecmascript", "application/javascript", "application/x-ecmascript",
    "application/x-javascript", "text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.1",
    "text/javascript1.2", "text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript",
    "text/livescript", "text/x-ecmascript", "text/x-javascript",
})

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
    "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
    "publickey-credentials-get", "screen-wake-lock", "sync-xhr", "usb", "xr-spatial-tracking",
))


# The templates whose inline scripts may run, relative to the theme and to the project. Material's:
# its local-storage helpers (with the page's base address written in) and the script that opens
# a content tab named in the address. The project's: main.html (search index held back, the
# device's dark setting followed) and the 404 page that extends it.
THEME_SCRIPT_TEMPLATES = ("partials/javascripts/base.html", "partials/javascripts/content.html")
PROJECT_SCRIPT_TEMPLATES = ("docs/overrides/main.html", "docs/overrides/404.html")
# What a template's {{ expression }} may become inside a known script: a relative or absolute
# base address. Only those characters, so the script's code stays exactly the template's.
_EXPRESSION_VALUE = r"[\w./~-]*"
# Elements and attributes a page never needs, and that run code or navigate away if injected.
FORBIDDEN_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "base", "applet"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster"})


@dataclass(frozen=True)
class KnownScript:
    template: str  # where it is written, for messages
    pattern: re.Pattern[str]


def _template_scripts(text: str) -> list[str]:
    """The bodies of the inline <script> elements of a Jinja template, without Jinja comments."""
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    return [m.group(1) for m in re.finditer(r"<script>(.*?)</script>", text, re.S)]


def _script_pattern(body: str, template: str) -> re.Pattern[str]:
    if "{%" in body:
        raise RuntimeError(f"{template}: an inline script holds a Jinja statement; the build cannot know its text")
    parts = re.split(r"\{\{.*?\}\}", body, flags=re.S)
    return re.compile(_EXPRESSION_VALUE.join(re.escape(part) for part in parts), re.S)


def known_scripts(project: Path) -> list[KnownScript]:
    """The inline scripts the theme's and the project's templates can write, as exact patterns."""
    theme = Path(str(importlib.resources.files("material") / "templates"))
    sources = [(theme / name, f"theme {name}") for name in THEME_SCRIPT_TEMPLATES]
    sources += [(project / name, name) for name in PROJECT_SCRIPT_TEMPLATES if (project / name).is_file()]
    known = []
    for path, shown in sources:
        bodies = _template_scripts(path.read_text(encoding="utf-8"))
        if not bodies and shown.startswith("theme"):
            raise RuntimeError(f"{shown} has no inline script: the theme changed, check the Content-Security-Policy")
        known += [KnownScript(shown, _script_pattern(body, shown)) for body in bodies]
    return known


@dataclass
class _PageMarkup:
    """What a page holds that runs code: inline scripts, and markup no template should write."""

    scripts: list[str] = field(default_factory=list)
    suspicious: list[str] = field(default_factory=list)


class _InlineScripts(HTMLParser):
    """Collects the text of every inline script the browser would run, exactly as written, and any
    other markup that would run code or leave the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.suspicious: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self._inspect(tag, attributes)
        if tag != "script":
            return
        runs = attributes.get("type", "").strip().lower() in EXECUTABLE_SCRIPT_TYPES
        self._current = [] if runs and "src" not in attributes else None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inspect(tag, {name: value or "" for name, value in attrs})

    def _inspect(self, tag: str, attributes: dict[str, str]) -> None:
        if tag in FORBIDDEN_ELEMENTS:
            self.suspicious.append(f"a <{tag}> element")
        if tag == "meta" and "http-equiv" in attributes:
            self.suspicious.append(f'<meta http-equiv="{attributes["http-equiv"]}">')
        for name, value in attributes.items():
            if name.startswith("on"):
                self.suspicious.append(f"an event handler <{tag} {name}=...>")
            # Browsers ignore whitespace and control characters inside a scheme.
            scheme = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "vbscript:")):
                self.suspicious.append(f"a script address <{tag} {name}={value[:40]!r}>")

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def page_markup(html: str) -> _PageMarkup:
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return _PageMarkup(parser.scripts, parser.suspicious)


def inline_scripts(html: str) -> list[str]:
    return page_markup(html).scripts


def csp_hash(script: str) -> str:
    """The CSP source expression for an inline script: 'sha256-<base64 of the UTF-8 text's digest>'."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _scan(site: Path) -> dict[str, _PageMarkup]:
    """Every page of the site, parsed once: {its path in the site: what it holds that runs code}."""
    return {page.relative_to(site).as_posix(): page_markup(page.read_text(encoding="utf-8"))
            for page in sorted(site.rglob("*.html"))}


def _hashes(pages: dict[str, _PageMarkup]) -> list[str]:
    return sorted({csp_hash(script) for markup in pages.values() for script in markup.scripts})


def inline_script_hashes(site: Path) -> list[str]:
    """Sorted hashes of every inline script on every page (pages differ: the theme writes each page's depth)."""
    return _hashes(_scan(site))


def _unwritten(pages: dict[str, _PageMarkup], known: list[KnownScript]) -> list[str]:
    found = []
    for shown, markup in pages.items():
        for script in markup.scripts:
            if not any(k.pattern.fullmatch(script) for k in known):
                found.append(f"{shown}: an inline script that no template wrote: {script.strip()[:60]!r}")
        found += [f"{shown}: {what}" for what in markup.suspicious]
    return found


def live_markup(site: Path, known: list[KnownScript]) -> list[str]:
    """Every script or piece of live markup on any page that no template wrote: one line each."""
    return _unwritten(_scan(site), known)


def content_security_policy(script_hashes: list[str]) -> str:
    """Only the site's own origin, with one relaxation the theme needs (checked in Chromium):

    img-src data: the icons of the phone navigation drawer (menu, back arrow, chevrons) are
    data: SVG URLs in Material's stylesheet; without it Chromium blocks them. A data: image cannot
    run script or reach another host.

    Styles need no 'unsafe-inline': the built pages have no style attribute and no <style>
    element, and the theme's script sets styles (tooltip and sidebar positions) through the
    CSSOM, which CSP does not restrict. The tests load pages, the drawer, tooltips, the palette
    switch and the search under this policy and fail on any violation.
    """
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", *script_hashes]),
        ("style-src", ["'self'"]),
        ("img-src", ["'self'", "data:"]),
        ("font-src", ["'self'"]),
        ("connect-src", ["'self'"]),
        ("worker-src", ["'self'"]),
        ("manifest-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("frame-ancestors", ["'none'"]),
    ]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives)


def security_headers(script_hashes: list[str]) -> list[tuple[str, str]]:
    """The headers every response carries, in a fixed order."""
    return [
        ("Content-Security-Policy", content_security_policy(script_hashes)),
        # A year; browsers ignore it over plain http. Add includeSubDomains; preload only if every
        # host under the domain serves https.
        ("Strict-Transport-Security", "max-age=31536000"),
        ("X-Content-Type-Options", "nosniff"),
        # A health site: no page address (which says what a reader looked up) goes to other sites.
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        # For browsers that predate CSP frame-ancestors.
        ("X-Frame-Options", "DENY"),
        # No window another site opens (or that opens this one) can reach into a page, and no other
        # site can load the pages or files as resources: closes cross-origin leaks such as Spectre.
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ]


def hashed_assets(site: Path) -> list[str]:
    """URL paths of the files whose names carry a content hash."""
    return sorted("/" + p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and HASHED_ASSET.search(p.name))


def headers_file(headers: list[tuple[str, str]], long_cached: list[str]) -> str:
    """`_headers` for Netlify and Cloudflare Pages.

    Both join the values of a header set by several matching rules, so Cache-Control is set only
    on the exact paths of hashed assets; every other file keeps the host's default, which makes
    browsers revalidate (max-age=0, must-revalidate).
    """
    lines = ["# Generated by factsite.postbuild at build time; do not edit.", "/*"]
    lines += [f"  {name}: {value}" for name, value in headers]
    for path in long_cached:
        lines += [path, f"  Cache-Control: {LONG_CACHE}"]
    lines += [f"/{offline.WORKER}", f"  Cache-Control: {NO_CACHE}"]
    return "\n".join(lines) + "\n"


def nginx_include(headers: list[tuple[str, str]]) -> str:
    """The same headers as nginx add_header directives; `always` puts them on error pages too."""
    lines = ["# Generated by factsite.postbuild at build time; do not edit. Included by deploy/nginx.conf."]
    for name, value in headers:
        if any(c in value for c in '"\\$\n'):
            raise ValueError(f"{name}: value cannot be written as an nginx string: {value!r}")
        lines.append(f'add_header {name} "{value}" always;')
    return "\n".join(lines) + "\n"


def text_assets(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES
                  and p.name not in GENERATED)


def gzip_bytes(data: bytes) -> bytes:
    """gzip -9 with no file name and mtime 0: the same input always gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def brotli_bytes(data: bytes) -> bytes:
    result: bytes = brotli.compress(data, mode=brotli.MODE_TEXT, quality=11)
    return result


@dataclass(frozen=True)
class Summary:
    script_hashes: int
    compressed: int
    raw_bytes: int
    gzip_bytes: int
    brotli_bytes: int
    theme_css_before: int = 0  # bytes of the theme's stylesheets as shipped
    theme_css_after: int = 0  # and as this build's pages need them
    offline_files: int = 0  # files the service worker keeps


def _compress_one(path: Path) -> tuple[int, int, int]:
    data = path.read_bytes()
    gz, br = gzip_bytes(data), brotli_bytes(data)
    path.with_name(path.name + ".gz").write_bytes(gz)
    path.with_name(path.name + ".br").write_bytes(br)
    return len(data), len(gz), len(br)


def precompress(site: Path) -> tuple[int, int, int, int]:
    """Write FILE.gz and FILE.br next to each text asset. Returns (files, raw, gzip, brotli) byte totals.

    Files are independent and zlib and brotli release the GIL, so a thread per core shortens the
    step without changing a byte of its output.
    """
    assets = text_assets(site)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        sizes = list(pool.map(_compress_one, assets))
    return (len(assets), sum(raw for raw, _, _ in sizes), sum(gz for _, gz, _ in sizes),
            sum(br for _, _, br in sizes))


class LiveMarkup(RuntimeError):
    """Pages hold scripts or markup that no template wrote: the site must not be published."""


def run(site: Path, project: Path) -> Summary:
    """The whole post-build step on a folder built from `project` (whose templates it trusts)."""
    pages = _scan(site)  # parsed once, for both the check and the hashes
    found = _unwritten(pages, known_scripts(project))
    if found:
        raise LiveMarkup("The built pages hold markup that no template wrote, so nothing was published:\n  "
                         + "\n  ".join(found) + "\nContent is text: remove the HTML from the content, "
                         "or, for a new script in a template, list the template in factsite/postbuild.py.")
    hashes = _hashes(pages)
    if not hashes:
        raise RuntimeError(f"{site}: no inline script found; the theme changed, check the Content-Security-Policy")
    trimmed = theme_css.trim_theme_stylesheets(site)  # renames files: before the headers list them
    theme_css.drop_comments(site / OWN_STYLESHEET)
    kept = offline.write_service_worker(site)  # hashes every file: after every other change to them
    headers = security_headers(hashes)
    (site / HEADERS_FILE).write_text(headers_file(headers, hashed_assets(site)), encoding="utf-8")
    (site / NGINX_INCLUDE).write_text(nginx_include(headers), encoding="utf-8")
    files, raw, gz, br = precompress(site)
    return Summary(len(hashes), files, raw, gz, br, sum(t.before for t in trimmed), sum(t.after for t in trimmed),
                   kept)


def describe(summary: Summary) -> str:
    trimmed = (f"theme stylesheets {summary.theme_css_before:,} B -> {summary.theme_css_after:,} B; "
               if summary.theme_css_before else "")
    return (f"{summary.script_hashes} inline-script hashes in the CSP; {trimmed}service worker keeps "
            f"{summary.offline_files} files; {summary.compressed} text files "
            f"precompressed: {summary.raw_bytes:,} B -> gzip {summary.gzip_bytes:,} B, "
            f"brotli {summary.brotli_bytes:,} B")


def main(argv: list[str] | None = None) -> int:
    """`python -m factsite.postbuild SITE_DIR [PROJECT_DIR]`, for a folder built some other way."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2) or not Path(args[0]).is_dir():
        print("usage: python -m factsite.postbuild SITE_DIR [PROJECT_DIR (default: the current folder)]",
              file=sys.stderr)
        return 2
    try:
        print(describe(run(Path(args[0]), Path(args[1] if len(args) == 2 else "."))))
    except (OSError, RuntimeError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
