"""Command line: `factsite check`, `factsite build`, `factsite render`, `factsite schemas`.

`check` validates the content in about a second. `build` checks, runs the strict
MkDocs build into a temporary folder, checks its links, and only then swaps it in
for site/, so a failed build leaves the last good site exactly as it was.

Builds of the same site/ take turns (a lock file beside it), so two at once still
leave one whole build; each reports its own outcome.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import editor_schema
from .loopback import serve_folder
from .problems import errors, report
from .render import render_site
from .validate import check

ROOT = Path.cwd()


def _step(message: str) -> float:
    print(f"==> {message}", flush=True)
    return time.perf_counter()


def cmd_check(root: Path, quiet: bool = False) -> int:
    result = check(root, site_url=os.environ.get("SITE_URL"))
    if not quiet:
        for path, grade in sorted(result.grades.items()):
            line = f"{path}: reading grade {grade:.1f}"
            if path in result.hardest:
                hard = result.hardest[path]
                line += f"; hardest sentence {hard.grade:.1f} at line {hard.where.line}: {hard.text[:70]!r}"
            print(line)
    if result.problems or not result.ok:
        print(report(result.problems), file=sys.stderr if errors(result.problems) else sys.stdout)
    if not result.ok:
        print("Check failed: nothing was built. Fix the problems above and run it again.", file=sys.stderr)
        return 1
    assert result.site is not None
    n_claims = sum(len(p.facts.cited()) for p in result.site.pages)
    print(f"OK: {len(result.site.pages)} pages, {n_claims} claims, {len(result.site.sources)} sources, "
          "every claim cited.")
    return 0


# If this process is killed outright (kill -9), its mkdocs and linkchecker children get SIGTERM
# instead of running on as orphans. setpriv (util-linux) sets that up without a preexec_fn,
# which is unsafe here: the link check's HTTP server runs in a thread.
_DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "TERM"] if shutil.which("setpriv") else []


def _run(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run([*_DIE_WITH_PARENT, *args], cwd=root, env=env, text=True, capture_output=True, check=False)


@contextmanager
def _one_build_at_a_time(site_dir: Path) -> Iterator[None]:
    """Hold the lock of `site_dir` for the whole build; wait (and say so) if another build has it.

    The kernel drops the lock when its holder dies, even by kill -9, so a lock is never stale;
    whatever a dead build left behind is cleared once the lock is held.
    """
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with (site_dir.parent / f".{site_dir.name}.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"    waiting for another build of {site_dir.name}/ to finish", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _recover(site_dir)
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _recover(site_dir: Path) -> None:
    """Clear what a build killed midway left: staging folders, and an old site not yet restored."""
    old = site_dir.with_name(f".{site_dir.name}-old")
    if old.is_dir() and not site_dir.exists():
        old.rename(site_dir)  # killed between the two renames of a swap without RENAME_EXCHANGE
    for leftover in site_dir.parent.glob(f".{site_dir.name}-new*"):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def cmd_build(root: Path, site_dir: Path, links: bool = True) -> int:
    started = _step("Checking content")
    if cmd_check(root, quiet=True) != 0:
        return 1
    if "SITE_URL" not in os.environ:
        print("    SITE_URL is not set: canonical addresses and the sitemap point at 127.0.0.1, right for a "
              "preview only. For the real site: SITE_URL=https://your.domain/ make build", flush=True)
    try:
        with _one_build_at_a_time(site_dir):
            if _build(root, site_dir, links) != 0:
                return 1
    except OSError as error:  # a full disk, a folder without write permission
        print(f"Build failed: {error.strerror} ({error.filename or site_dir}). "
              f"{site_dir.name}/ was left as it was.", file=sys.stderr)
        return 1
    print(f"Built {site_dir} in {time.perf_counter() - started:.1f} s")
    return 0


def _build(root: Path, site_dir: Path, links: bool) -> int:
    # A folder of its own: with the lock, no other build can write into it or swap it in half-made.
    staging = site_dir.with_name(f".{site_dir.name}-new-{os.getpid()}")
    try:
        t = _step(f"Building with MkDocs (strict) into {staging.name}/")
        built = _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)], root)
        if built.returncode != 0:
            print(_mkdocs_errors(built.stdout + built.stderr), file=sys.stderr)
            print("Build failed: site/ was left as it was.", file=sys.stderr)
            return 1
        print(f"    built in {time.perf_counter() - t:.1f} s")
        if links:
            t = _step("Checking internal links with linkchecker")
            with serve_folder(staging) as url:
                linked = _run([sys.executable, "-m", "linkcheck", "--no-status", "--no-warnings", url], root)
            if linked.returncode != 0:
                print(linked.stdout + linked.stderr, file=sys.stderr)
                print("Link check failed: site/ was left as it was.", file=sys.stderr)
                return 1
            print(f"    links OK in {time.perf_counter() - t:.1f} s")
        from . import postbuild

        t = _step("Writing security headers and precompressed files")
        try:
            print(f"    {postbuild.describe(postbuild.run(staging, root))} in {time.perf_counter() - t:.1f} s")
        except (OSError, RuntimeError, ValueError) as error:
            print(f"{error}\nPost-build step failed: site/ was left as it was.", file=sys.stderr)
            return 1
        _swap(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return 0


def _mkdocs_errors(output: str) -> str:
    """MkDocs' warnings and errors, and our content report, without its progress lines and banners."""
    keep = [line for line in output.splitlines()
            if line.startswith(("WARNING", "ERROR", "content/", "data/", "The content has problems"))]
    return "\n".join(keep) or output


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where it is not available."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # an old kernel, or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap(new: Path, site_dir: Path) -> None:
    """Replace site_dir with new. With RENAME_EXCHANGE there is no moment without a site; otherwise
    the old one is renamed aside first, and a build killed between the two renames restores it."""
    if site_dir.is_dir() and _exchange(new, site_dir):
        shutil.rmtree(new, ignore_errors=True)  # it now holds the old site
        return
    old = site_dir.with_name(f".{site_dir.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    new.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def cmd_render(root: Path, out: Path) -> int:
    result = check(root, site_url=os.environ.get("SITE_URL"))
    if result.site is None or not result.ok:
        print(report(result.problems), file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for name, markdown in render_site(result.site).items():
        (out / name).write_text(markdown, encoding="utf-8")
    print(f"Rendered {len(list(out.glob('*.md')))} pages into {out}")
    return 0


def cmd_schemas(root: Path) -> int:
    """Rewrite schemas/*.json and .vscode/settings.json from the models and the project's ids."""
    result = check(root)
    if result.site is None or not result.ok:
        print(report(result.problems), file=sys.stderr)
        print("The schemas list the project's ids, so the project must pass the check first.", file=sys.stderr)
        return 1
    folder = root / editor_schema.FOLDER
    folder.mkdir(exist_ok=True)
    for name, text in editor_schema.schemas(result.site).items():
        (folder / name).write_text(text, encoding="utf-8")
    (root / ".vscode").mkdir(exist_ok=True)
    (root / ".vscode" / "settings.json").write_text(editor_schema.vscode_settings(), encoding="utf-8")
    print(f"Wrote {len(editor_schema.FILES)} schemas into {editor_schema.FOLDER}/ and .vscode/settings.json")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="factsite", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate content/ and data/; list every problem")
    build = sub.add_parser("build", help="check, build site/ with MkDocs, check links")
    build.add_argument("--site-dir", type=Path, default=None, help="output folder (default: site/)")
    build.add_argument("--no-links", action="store_true", help="skip the link check")
    render = sub.add_parser("render", help="write the generated Markdown pages to a folder")
    render.add_argument("out", type=Path)
    sub.add_parser("schemas", help="write the editors' JSON Schemas (schemas/) and .vscode/settings.json")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "check":
            return cmd_check(root)
        if args.command == "build":
            return cmd_build(root, (args.site_dir or root / "site").resolve(), links=not args.no_links)
        if args.command == "schemas":
            return cmd_schemas(root)
        return cmd_render(root, args.out)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
