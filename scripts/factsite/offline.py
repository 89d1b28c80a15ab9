"""Reading with no connection: the service worker, the web app manifest and the offline page's facts.

After one visit, a reader's browser keeps every file of the build its pages can use, so the whole
guide opens, searches and shows the warning signs with no network, and a repeat visit fetches
almost nothing. Three parts, all derived from the build, never listed by hand:

- `sw.js` at the site's root (written by the post-build step): the hand-written worker in
  templates/sw.js with this build's file list and version filled in. The version is a hash of the
  files' contents, so the same files always give the same worker, and a new build a new one.
- `manifest.webmanifest` (added to the build by the MkDocs adapter): name, colours and the icons in
  docs/assets/icons/, so a phone can put the guide on its home screen.
- the offline page (docs/overrides/offline.html, built like the 404 page): what the worker shows
  for an address it never saved. Its facts come from here: the emergency warning signs of
  content/when-to-see-a-doctor.yml and the tiers' wording from templates/_labels.md.j2.

Everything uses addresses relative to the site's root, so the site works under a sub-path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any

from .model import WARNING_PAGE, Site

WORKER = "sw.js"
WORKER_TEMPLATE = Path(__file__).parent / "templates" / "sw.js"
MANIFEST = "manifest.webmanifest"
OFFLINE_PAGE = "offline.html"
THEME_COLOR = "#00536b"  # the header's colour; main.html gives browsers the same in <meta name="theme-color">
HASH_LENGTH = 16  # hex digits of sha256 kept per file: enough to tell two versions of a file apart

ICONS = [
    {"src": "assets/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "assets/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
    {"src": "assets/icons/maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
]

# What the worker does not keep, each for a reason; everything else the build wrote, it keeps (the
# sitemap too: the theme's script reads it on every page).
SKIPPED_SUFFIXES = {
    ".gz": "a compressed copy for the server; browsers get the file itself",
    ".br": "a compressed copy for the server; browsers get the file itself",
    ".map": "read only by developers' tools",
    ".txt": "licence texts, read by people who look for them, not by pages",
}
SKIPPED_FILES = {
    WORKER: "the worker itself; the browser keeps it",
    "404.html": "served by the server for a missing address; offline, the offline page answers",
    "_headers": "for the host, not for browsers",
    "_nginx-headers.conf": "for the host, not for browsers",
    "feed.xml": "for feed readers, which do not go through the worker",
}
SKIPPED_FOLDERS = {
    "api": "open data for people who republish the facts, not read by pages",
}


def kept(path: str) -> bool:
    """Whether the worker keeps a built file (its path relative to the site's root)."""
    parts = PurePosixPath(path)
    return (parts.suffix not in SKIPPED_SUFFIXES and path not in SKIPPED_FILES
            and parts.parts[0] not in SKIPPED_FOLDERS)


def address(path: str) -> str:
    """The address pages use for a built file, relative to the site's root: a folder's index.html is the folder."""
    if path == "index.html":
        return "./"
    if path.endswith("/index.html"):
        return "./" + path.removesuffix("index.html")
    return "./" + path


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def precache_list(site: Path) -> dict[str, str]:
    """{address: hash of its content} of every file the worker keeps, in a fixed order."""
    files = sorted(p for p in site.rglob("*") if p.is_file())
    return {address(rel): file_hash(p.read_bytes()) for p in files if kept(rel := p.relative_to(site).as_posix())}


def build_version(files: dict[str, str]) -> str:
    """A hash of every kept file's address and content: equal for equal builds, new for any change."""
    listing = "".join(f"{path} {digest}\n" for path, digest in sorted(files.items()))
    return file_hash(listing.encode("utf-8"))


def service_worker(files: dict[str, str]) -> str:
    """templates/sw.js with this build's version and file list filled in."""
    template = WORKER_TEMPLATE.read_text(encoding="utf-8")
    lines = {
        'const VERSION = ""; // filled in by the build':
            f"const VERSION = {json.dumps(build_version(files))}; // filled in by the build",
        "const FILES = {}; // filled in by the build":
            "const FILES = { // filled in by the build\n"
            + "".join(f"  {json.dumps(path)}: {json.dumps(digest)},\n" for path, digest in files.items()) + "};",
    }
    for placeholder, value in lines.items():
        if template.count(placeholder) != 1:
            raise RuntimeError(f"{WORKER_TEMPLATE.name} has lost its line {placeholder!r}")
        template = template.replace(placeholder, value)
    return template


def write_service_worker(site: Path) -> int:
    """Write sw.js for the built site; returns how many files it keeps.

    Run after every other change to the built files (their hashes are in it), before compressing.
    """
    files = precache_list(site)
    (site / WORKER).write_text(service_worker(files), encoding="utf-8")
    return len(files)


def manifest(site_name: str, description: str, language: str) -> str:
    """The web app manifest. Its addresses are relative to its own, which is the site's root."""
    data: dict[str, Any] = {
        "name": site_name,
        "short_name": site_name.removesuffix(" Guide"),
        "description": description,
        "lang": language,
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": ICONS,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def offline_page_facts(site: Site, labels: dict[str, Any]) -> dict[str, Any]:
    """What the offline page shows, for its template: the emergency tier's heading, its signs
    (id and text, each linked to its full entry), and the urgent tier's heading and night-time note.

    `labels` are the tiers' wording (templates/_labels.md.j2), so every page says it the same way.
    """
    page = site.page(WARNING_PAGE)
    signs = page.facts.signs if page else []
    return {
        "page": f"{WARNING_PAGE}/",
        "emergency": {"heading": labels["TIER_HEADING"]["emergency"],
                      "signs": [{"id": s.id, "sign": s.sign} for s in signs if s.tier == "emergency"]},
        "urgent": {"heading": labels["TIER_HEADING"]["urgent"], "note": labels["TIER_NOTE"].get("urgent", "")},
    }
