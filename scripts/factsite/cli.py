"""Command line: `factsite check`, `factsite build`, `factsite render`.

`check` validates the content in about a second. `build` checks, runs the strict
MkDocs build into a temporary folder, checks its links, and only then swaps it in
for site/, so a failed build leaves the last good site exactly as it was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .loopback import serve_folder
from .problems import errors, report
from .render import render_site
from .validate import check

ROOT = Path.cwd()


def _step(message: str) -> float:
    print(f"==> {message}", flush=True)
    return time.perf_counter()


def cmd_check(root: Path, quiet: bool = False) -> int:
    result = check(root)
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
    n_claims = sum(len(p.facts.claims()) + len(p.facts.signs) for p in result.site.pages)
    print(f"OK: {len(result.site.pages)} pages, {n_claims} claims, {len(result.site.sources)} sources, "
          "every claim cited.")
    return 0


def _run(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run(args, cwd=root, env=env, text=True, capture_output=True, check=False)


def cmd_build(root: Path, site_dir: Path, links: bool = True) -> int:
    started = _step("Checking content")
    if cmd_check(root, quiet=True) != 0:
        return 1
    staging = site_dir.with_name(f".{site_dir.name}-new")
    shutil.rmtree(staging, ignore_errors=True)
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
            print(f"    {postbuild.describe(postbuild.run(staging))} in {time.perf_counter() - t:.1f} s")
        except (OSError, RuntimeError, ValueError) as error:
            print(f"{error}\nPost-build step failed: site/ was left as it was.", file=sys.stderr)
            return 1
        _swap(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"Built {site_dir} in {time.perf_counter() - started:.1f} s")
    return 0


def _mkdocs_errors(output: str) -> str:
    """MkDocs' warnings and errors, and our content report, without its progress lines and banners."""
    keep = [line for line in output.splitlines()
            if line.startswith(("WARNING", "ERROR", "content/", "data/", "The content has problems"))]
    return "\n".join(keep) or output


def _swap(new: Path, site_dir: Path) -> None:
    """Replace site_dir with new, keeping the old one until the new one is in place."""
    old = site_dir.with_name(f".{site_dir.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    new.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def cmd_render(root: Path, out: Path) -> int:
    result = check(root)
    if result.site is None or not result.ok:
        print(report(result.problems), file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for name, markdown in render_site(result.site).items():
        (out / name).write_text(markdown, encoding="utf-8")
    print(f"Rendered {len(list(out.glob('*.md')))} pages into {out}")
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
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "check":
            return cmd_check(root)
        if args.command == "build":
            return cmd_build(root, (args.site_dir or root / "site").resolve(), links=not args.no_links)
        return cmd_render(root, args.out)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
