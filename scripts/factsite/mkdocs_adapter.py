"""The thin MkDocs adapter: the same check and render as `make check`, fed to MkDocs.

mkdocs.yml loads it through scripts/mkdocs_hooks.py. It lives in the package so that its
state (the last good pages) survives `mkdocs serve` reloading the hooks on every rebuild.

`mkdocs build` stops with the editor's report when the content has errors. Under
`mkdocs serve` a mistake prints the same report and the last good pages stay
served, so an editor can fix the file and the site recovers on the next save.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import export, offline, search_index
from .problems import errors, report
from .render import atom_feed, labels, medical_web_page, nav, publisher_section, render_site
from .validate import check

_state: dict[str, Any] = {"command": "build", "pages": None, "nav": None, "site": None}
# Where docs/about.md takes the sections generated from data/publisher.yml.
MARKERS = {"<!-- publisher -->": "publisher", "<!-- report-channel -->": "reports",
           "<!-- review-status -->": "review-status", "<!-- tools -->": "tools"}


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    result = check(root, site_url=config.site_url)
    for problem in result.problems:
        if problem.severity == "warning":
            # Printed, not logged: a logged warning would fail a strict build, and an
            # overdue review should prompt the editors, not take the site down.
            print(f"factsite: {problem}", file=sys.stderr)
    if result.site is None or errors(result.problems):
        text = "The content has problems:\n" + report(result.problems)
        if _state["command"] == "serve" and _state["pages"] is not None:
            print(text + "\nStill serving the last good version. Fix the file and save.", file=sys.stderr)
        else:
            raise PluginError(text)
    else:
        _state["pages"], _state["nav"], _state["site"] = render_site(result.site), nav(result.site), result.site
    config.nav = _state["nav"]
    publisher = _state["site"].publisher
    # For the theme's footer and the JSON-LD; None makes the footer show the preview notice.
    config.extra["publisher"] = {"name": publisher.name, "kind": publisher.kind} if publisher else None
    # For docs/overrides/offline.html. Like the 404 page, it can be shown at any address, so its links
    # start from the site's root path (MkDocs' rule for error pages), not from where it is.
    config.extra["offline"] = {**offline.offline_page_facts(_state["site"], labels()),
                               "root": urlsplit(config.site_url or "/").path}
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for name, markdown in _state["pages"].items():
        if files.get_file_from_path(name) is not None:
            raise PluginError(f"docs/{name} clashes with a page generated from content/: rename or remove it")
        files.append(File.generated(config, name, content=markdown))
    site = _state["site"]
    files.append(File.generated(config, "feed.xml", content=atom_feed(site, config.site_url or "/", config.site_name)))
    # Open data for anyone who republishes the facts with their citations.
    files.append(File.generated(config, f"{export.FOLDER}/content.json", content=export.content_json(site)))
    files.append(File.generated(config, f"{export.FOLDER}/schema.json", content=export.schema_json()))
    # So a phone can put the guide on its home screen (the service worker is written after the build).
    files.append(File.generated(config, offline.MANIFEST, content=offline.manifest(
        config.site_name, config.site_description or "", config.theme["language"])))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri == "about.md":
        for marker, part in MARKERS.items():
            if marker not in markdown:
                raise PluginError(f"docs/about.md has lost its {marker} line, where the {part} section goes")
            markdown = markdown.replace(marker, publisher_section(_state["site"], part))
    return markdown


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    # A topic page's JSON-LD, for docs/overrides/main.html to print as it is.
    if page.meta.get("reviewed"):
        page.meta["json_ld"] = medical_web_page(page.meta, page.canonical_url, config.site_name, config.site_url,
                                                config.theme["language"], config.extra.get("publisher"))
    return context


def on_post_build(config: MkDocsConfig) -> None:
    # After the search plugin (hooks run after plugins): its index, rewritten for our engine.
    search_index.rewrite(Path(config.site_dir), _state["site"])
