"""Rewrite requirements.lock with a sha256 hash for every file pip may install.

    .venv/bin/python scripts/lock.py            # after changing a version in requirements.lock

`make` installs with `pip install --require-hashes`, so a file whose bytes differ from the one
locked here (a tampered mirror, a re-uploaded release) stops the install. A hash belongs to one
file, and a package with compiled code has one file per platform, so the lock holds the hashes
of the Linux x86_64 and aarch64 wheels for CPython 3.11 (and of the one file of a pure-Python
package). Versions come from the lock itself: edit a version there, then run this script.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"
PYTHON = "3.11.7"  # pymdown-extensions needs >= 3.11.5; pip's --python-version reads it exactly
PLATFORMS = {
    "x86_64": ["manylinux_2_28_x86_64", "manylinux_2_24_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
               "manylinux1_x86_64"],
    "aarch64": ["manylinux_2_28_aarch64", "manylinux_2_24_aarch64", "manylinux_2_17_aarch64",
                "manylinux2014_aarch64"],
}
HEADER = """\
# Every package the project installs, at one exact version, with the sha256 of each file pip may
# use (Linux x86_64 and aarch64, CPython 3.11). Installed with pip --require-hashes by `make`.
# To change a version: edit it here, then run `.venv/bin/python scripts/lock.py` to refresh the hashes.
"""


def pins(text: str) -> list[str]:
    """The `name==version` lines of a lock file, hashes and comments dropped."""
    found = re.findall(r"^([A-Za-z0-9_.\-]+==[^\s\\]+)", text, re.M)
    return sorted(set(found), key=str.lower)


def download(requirements: Path, into: Path, platforms: list[str]) -> None:
    args = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
            "--python-version", PYTHON, "--implementation", "cp", "-r", str(requirements), "-d", str(into)]
    for platform in [*platforms, "any"]:
        args += ["--platform", platform]
    subprocess.run(args, check=True)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> int:
    wanted = pins(LOCK.read_text(encoding="utf-8"))
    hashes: dict[str, set[str]] = {normalise(p.split("==")[0]): set() for p in wanted}
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "pins.txt"
        requirements.write_text("\n".join(wanted) + "\n", encoding="utf-8")
        for arch, platforms in PLATFORMS.items():
            into = Path(tmp) / arch
            download(requirements, into, platforms)
            for wheel in into.iterdir():
                name = normalise(wheel.name.split("-")[0])
                hashes[name].add(hashlib.sha256(wheel.read_bytes()).hexdigest())
    missing = [name for name, found in hashes.items() if not found]
    if missing:
        print(f"no file found for: {', '.join(missing)}", file=sys.stderr)
        return 1
    lines = [HEADER.rstrip("\n")]
    for pin in wanted:
        digests = sorted(hashes[normalise(pin.split("==")[0])])
        lines.append(" \\\n".join([pin, *(f"    --hash=sha256:{d}" for d in digests)]))
    LOCK.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{LOCK.name}: {len(wanted)} packages, {sum(len(h) for h in hashes.values())} hashes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
