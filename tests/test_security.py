"""Content can never become code: each attack found in the security review, pinned.

Hostile text in every field is built into a site and must stay text (checked in the HTML and in
Chromium, with and without the Content-Security-Policy); a script in a template-free place stops
the build; links out of the project are refused; hostile YAML costs bounded time and memory; two
builds at once leave one whole build. The editor messages for rejected input are pinned as
invalid fixtures (tests/fixtures/invalid), with the rest of the catalogue.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from factsite import cli, postbuild
from factsite.cli import cmd_build
from factsite.load import MAX_FILE_BYTES, load_file
from factsite.loopback import serve_folder
from factsite.validate import check

from .conftest import FIXTURES, copy_project
from .harness import wait_until
from .sites import tree_digest
from .support import WATCH_VIOLATIONS, expected_headers, run_cli

# Tries every way the review found to turn text into markup: raw HTML with a handler, a script,
# a Markdown link to javascript:, an attribute list, and a quote that ends an attribute early.
# Short "sentences", so the reading-grade rules let it through to the renderer.
PAYLOAD = ('<img src=x onerror="window.__pwned=1">. <script>window.__pwned=1</script>. '
           '[x](javascript:window.__pwned=1). {: onclick="window.__pwned=1" }. "} onclick="window.__pwned=1')


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def hostile_project(dest: Path) -> Path:
    """The valid fixture with PAYLOAD in every free-text field that reaches a page."""
    project = copy_project(dest)
    content, data = project / "content", project / "data"
    quoted = PAYLOAD.replace("'", "''")
    _replace(data / "sources.yml", "  publisher: NHS\n  title: Leg cramps\n",
             f"  publisher: '{quoted}'\n  title: '{quoted}'\n")
    _replace(data / "sources.yml", "seen: {what: full-text, at: publisher}",
             f"seen: {{what: full-text, at: publisher, version: '{quoted}'}}")
    _replace(data / "glossary.yml", "  definition: A blood clot in a deep vein, usually in the leg.",
             f"  definition: '{quoted[:190]}'")
    _replace(data / "evidence.yml", "  name: Stretching or rubbing the muscle during a cramp", f"  name: '{quoted}'")
    _replace(content / "causes.yml", "  - heading: Most have no clear cause", f"  - heading: '{quoted}'")
    _replace(content / "when-to-see-a-doctor.yml", "    sign: Cramps keep waking you up.", f"    sign: '{quoted}'")
    _replace(content / "causes.yml", "    summary: First published.", f"    summary: '{quoted}'")
    _replace(content / "index.yml", "    summary: First published.", f"    summary: '{quoted}'")
    publisher = (FIXTURES / "published" / "data" / "publisher.yml").read_text(encoding="utf-8")
    for field in ("funding: Fictional funding, for tests only.", "interests: None (fictional, for tests only).",
                  "handling: Fictional handling, for tests only."):
        publisher = publisher.replace(field, f"{field.split(':')[0]}: '{quoted}'")
    (data / "publisher.yml").write_text(publisher, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    assert check(project).ok, "the payloads are text: the check accepts them, the renderer makes them inert"
    site = project / "site"
    assert cmd_build(project, site, links=False) == 0
    return site


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_hostile_text_is_built_as_text_everywhere(hostile_site: Path) -> None:
    known = postbuild.known_scripts(Path(__file__).resolve().parents[1])
    shown_as_text = 0
    for page in pages(hostile_site):
        html = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup.find_all(True):
            handlers = [a for a in tag.attrs if a.lower().startswith("on")]
            assert not handlers, f"{page}: <{tag.name} {handlers}>"
            for name in ("href", "src", "action"):
                assert not str(tag.get(name, "")).strip().lower().startswith("javascript:"), f"{page}: {tag}"
        assert not soup.select('img[src="x"]'), f"{page}: the injected image is live"
        for script in soup.find_all("script"):
            assert "__pwned" not in script.get_text(), f"{page}: an injected script is live"
        # As text it may sit in a label, a tooltip, a description, or a heading's slug and links to it.
        assert not any("__pwned" in str(v) for tag in soup.find_all(True) for k, v in tag.attrs.items()
                       if k not in ("aria-label", "title", "content", "id") and not str(v).startswith("#")), page
        shown_as_text += soup.get_text().count("window.__pwned=1")
        assert postbuild.live_markup(hostile_site, known) == []
    assert shown_as_text > 10, "the payloads should be visible as text on the pages"


@pytest.mark.browser
@pytest.mark.parametrize("with_policy", [False, True], ids=["no-policy", "policy"])
def test_hostile_text_never_runs_in_chromium(browser: Any, hostile_site: Path, with_policy: bool) -> None:
    """Without the policy, only escaping keeps the payload inert; with it, nothing is even attempted."""
    policy = expected_headers(hostile_site)["Content-Security-Policy"]
    # Service workers blocked: the policy is added by request routing, which never sees what a worker answers.
    context = browser.new_context(viewport={"width": 360, "height": 640}, service_workers="block")
    page = context.new_page()
    dialogs: list[str] = []
    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.add_init_script(WATCH_VIOLATIONS)

    def add_policy(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})

    try:
        with serve_folder(hostile_site) as base:
            if with_policy:
                page.route(f"{base}**", add_policy)
            for path in ["", "causes/", "when-to-see-a-doctor/", "sources/", "glossary/", "about/"]:
                page.goto(base + path, wait_until="networkidle")
                for link in page.locator("sup.cite a").all()[:3]:  # the citation links carry the source's name
                    link.click()
                assert page.evaluate("window.__pwned") is None, path
                assert page.evaluate("window.__violations") == [], path
        assert dialogs == []
    finally:
        context.close()


@pytest.mark.build
def test_a_script_that_no_template_wrote_stops_the_build(project: Path) -> None:
    """Material and MkDocs pass raw HTML in docs/*.md through; the policy must not bless it."""
    site = project / "site"
    assert cmd_build(project, site, links=False) == 0
    before = tree_digest(site)
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + '\n<script>window.__pwned=1</script>\n\n'
                     '<p onclick="window.__pwned=1">x</p>\n\n<a href=" javascript:window.__pwned=1">y</a>\n\n'
                     '<meta http-equiv="refresh" content="0;url=https://example.org/">\n', encoding="utf-8")
    done = run_cli("build", "--no-links", cwd=project)
    assert done.returncode == 1
    assert "about/index.html: an inline script that no template wrote: 'window.__pwned=1'" in done.stderr
    assert "about/index.html: an event handler <p onclick=...>" in done.stderr
    assert "about/index.html: a script address <a href=' javascript:window.__pwned=1'>" in done.stderr
    assert 'about/index.html: <meta http-equiv="refresh">' in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert tree_digest(site) == before


def test_the_policy_hashes_only_the_templates_scripts(built_site: Path) -> None:
    known = postbuild.known_scripts(Path(__file__).resolve().parents[1])
    found = {s for page in pages(built_site) for s in postbuild.inline_scripts(page.read_text(encoding="utf-8"))}
    assert found and all(any(k.pattern.fullmatch(s) for k in known) for s in found)
    # A script the theme writes with the page's base address matches; the same code with other
    # text where the address goes does not.
    scope = next(s for s in found if s.startswith("__md_scope"))
    assert not any(k.pattern.fullmatch(scope.replace('URL("', 'URL("x",alert(1),"', 1)) for k in known)


# --- links out of the project ---------------------------------------------------------------------

def test_a_docs_link_to_the_environment_is_refused_and_never_published(project: Path) -> None:
    (project / "docs" / "environ.md").symlink_to("/proc/self/environ")
    os.environ["FACTSITE_SECRET_FOR_TEST"] = "do-not-publish"
    try:
        done = run_cli("build", "--no-links", cwd=project)
    finally:
        del os.environ["FACTSITE_SECRET_FOR_TEST"]
    assert done.returncode == 1
    assert ("docs/environ.md:1:1: a symbolic link to a place outside the project (replace the link with a copy of "
            "the file, or delete it)") in done.stderr
    assert not (project / "site").exists()
    assert not [p for p in project.rglob("*") if p.is_file() and b"do-not-publish" in p.read_bytes()]


def test_content_and_data_links_outside_are_refused_before_reading(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    (project / "content" / "secret.yml").symlink_to(secret)
    glossary = project / "data" / "glossary.yml"
    glossary.unlink()
    glossary.symlink_to(tmp_path / "missing.yml")
    (project / "content" / "inside.yml").symlink_to(project / "content" / "causes.yml")  # inside: allowed
    result = check(project)
    shown = [str(p) for p in result.problems]
    assert ("content/secret.yml:1:1: a symbolic link to a place outside the project (replace the link with a copy "
            "of the file, or delete it)") in shown
    assert ("data/glossary.yml:1:1: a symbolic link that leads nowhere (replace the link with a copy of the file, "
            "or delete it)") in shown
    assert not any("hunter2" in line or ("inside.yml" in line and "symbolic" in line) for line in shown)
    assert not result.ok


def test_a_file_name_that_is_not_utf8_is_reported_not_a_crash(project: Path) -> None:
    name = os.fsdecode(b"caf\xe9.yml")
    shutil.copy(project / "content" / "causes.yml", project / "content" / name)
    done = run_cli("check", cwd=project)
    assert done.returncode == 1
    assert "content/caf\ufffd.yml:1:1: the file name 'caf\ufffd.yml' cannot be a page address" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


# --- hostile YAML: bounded time and memory ------------------------------------------------------

def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yml"
    big.write_text("a: " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    result = load_file(big, "content/big.yml")
    assert result.document is None
    assert [str(p) for p in result.problems] == [
        "content/big.yml:1:1: the file is larger than 1 MB (split it into several pages; a page this long is too "
        "long to read)"]


HOSTILE_YAML: dict[str, tuple[Callable[[], str], str]] = {
    # 10^9 values from 300 bytes: took 87 s and 3.5 GiB before the limit.
    "alias-bomb": (lambda: "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)),
        "the file expands to more than 100,000 values"),
    # Gave a RecursionError traceback and hung `mkdocs serve`.
    "deep-flow": (lambda: "a: " + "[" * 5000 + "]" * 5000 + "\n", "the data is nested more than 32 levels deep"),
    "deep-block": (lambda: "".join("  " * i + f"k{i}:\n" for i in range(900)) + "  " * 900 + "x: 1\n",
                   "the data is nested more than 32 levels deep"),
    "recursive-alias": (lambda: "a: &a [*a, *a]\n", "a YAML alias refers to the list or mapping it is inside"),
    "near-size-limit": (lambda: "- " + "\n- ".join(["word " * 30] * (MAX_FILE_BYTES // 160)) + "\n",
                        "expected a set of keys and values"),
}


@pytest.mark.parametrize("kind", HOSTILE_YAML)
def test_hostile_yaml_is_refused_within_bounded_time_and_memory(project: Path, kind: str) -> None:
    make, expected = HOSTILE_YAML[kind]
    (project / "content" / "causes.yml").write_text(make(), encoding="utf-8")

    def limit_memory() -> None:  # runs in the child only; 1 GiB of address space is ample for the check
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run([sys.executable, "-m", "factsite", "check"], cwd=project, text=True, capture_output=True,
                          timeout=120, preexec_fn=limit_memory, check=False)
    assert done.returncode == 1
    assert any(line.startswith("content/causes.yml:") and expected in line for line in done.stderr.splitlines()), \
        done.stderr[-500:]
    assert "Traceback" not in done.stdout + done.stderr and "MemoryError" not in done.stderr


# --- builds at the same time, killed builds, full disks ---------------------------------------------

@pytest.mark.build
def test_two_builds_at_once_leave_one_whole_build(project: Path) -> None:
    assert run_cli("build", "--no-links", cwd=project).returncode == 0
    whole = tree_digest(project / "site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    runs = [subprocess.Popen([sys.executable, "-m", "factsite", "build", "--no-links"], cwd=project, env=env,
                             text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outcomes = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outcomes
    assert sum("waiting for another build" in out for out, _ in outcomes) >= 1
    assert tree_digest(project / "site") == whole
    assert not list(project.glob(".site-new*")) and not (project / ".site-old").exists()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.build
@pytest.mark.skipif(not shutil.which("setpriv"), reason="needs util-linux setpriv")
def test_a_build_killed_outright_leaves_no_orphan_and_the_next_build_recovers(project: Path) -> None:
    assert run_cli("build", "--no-links", cwd=project).returncode == 0
    whole = tree_digest(project / "site")
    build = subprocess.Popen([sys.executable, "-m", "factsite", "build", "--no-links"], cwd=project,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: list[int] = []

    def started() -> bool:
        children[:] = _children(build.pid)
        return bool(children) or build.poll() is not None

    wait_until(started, 60, every=0.01)
    assert children, "the build finished before its MkDocs step could be seen"
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert wait_until(lambda: not any(_alive(c) for c in children), 20), "MkDocs ran on after its build was killed"
    assert tree_digest(project / "site") == whole, "a killed build changed the site"
    assert run_cli("build", "--no-links", cwd=project).returncode == 0
    assert not list(project.glob(".site-new*"))
    assert tree_digest(project / "site") == whole


def test_a_full_disk_is_a_message_not_a_traceback(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    def full(root: Path, site_dir: Path, links: bool) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(site_dir / "search"))

    monkeypatch.setattr(cli, "_build", full)
    assert cmd_build(project, project / "site", links=False) == 1
    err = capsys.readouterr().err
    assert "Build failed: No space left on device (" in err and "site/ was left as it was." in err


def test_the_swap_never_leaves_no_site(tmp_path: Path) -> None:
    site, new = tmp_path / "site", tmp_path / ".site-new-1"
    for folder, text in ((site, "old"), (new, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text, encoding="utf-8")
    cli._swap(new, site)
    assert (site / "index.html").read_text(encoding="utf-8") == "new" and not new.exists()
    # A build killed between the two renames of the fallback swap: the next one restores the old site.
    site.rename(tmp_path / ".site-old")
    cli._recover(site)
    assert (site / "index.html").read_text(encoding="utf-8") == "new"


# --- small leaks ---------------------------------------------------------------------------------------

def test_no_page_address_leaks_to_the_sites_that_are_cited(built_site: Path) -> None:
    outbound = 0
    for page in pages(built_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one('meta[name="referrer"][content="no-referrer"]') is not None, page
        for link in soup.select('article a[href^="http"]'):
            assert "noreferrer" in (link.get("rel") or []), f"{page}: {link}"
            outbound += 1
    assert outbound > 50


@pytest.mark.browser
def test_the_404_search_leads_somewhere_without_javascript(browser: Any,
                                                           served_site: Callable[[str], str]) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(served_site("/404.html"))
        page.locator("#not-found-query").fill("cramp at night")
        page.keyboard.press("Enter")
        page.wait_for_url("**/symptom-index/?q=cramp+at+night")
        assert page.locator("h1").inner_text() == "Symptom index"
    finally:
        context.close()


# --- what gets installed ---------------------------------------------------------------------------

def test_every_locked_package_is_pinned_with_a_hash_and_matches_pyproject() -> None:
    import tomllib

    root = Path(__file__).resolve().parents[1]
    entries = (root / "requirements.lock").read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
    locked = {}
    for entry in (e for e in entries if e.strip() and not e.startswith("#")):
        pin, *options = entry.split()
        assert "==" in pin and options and all(o.startswith("--hash=sha256:") for o in options), entry
        name, version = pin.split("==")
        locked[name.lower().replace("_", "-")] = version
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [*project["project"]["dependencies"], *project["project"]["optional-dependencies"]["test"],
                *project["build-system"]["requires"]]
    for requirement in declared:
        name, version = requirement.split("==")
        assert locked.get(name.lower().replace("_", "-")) == version, requirement
