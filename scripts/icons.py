"""Draw the home-screen icons (docs/assets/icons/*.png) from docs/assets/icons/icon.svg, with Chromium.

    .venv/bin/python scripts/icons.py

The icons are committed, so a build never draws them and two builds stay byte-identical; run this
only after changing icon.svg. The web app manifest (factsite/offline.py) lists them: "any" icons
with rounded corners, and a "maskable" one that fills the square and keeps the figure inside the
middle 80%, the part a phone never crops.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "icons"
CHROMIUM = "/usr/bin/chromium"
# (file, size in pixels, the figure's share of the square, corner radius as a share of the square)
OUTPUTS = [
    ("icon-192.png", 192, 0.62, 0.18),
    ("icon-512.png", 512, 0.62, 0.18),
    ("apple-touch-icon.png", 180, 0.62, 0.0),  # iOS rounds the corners itself
    ("maskable-512.png", 512, 0.50, 0.0),
    ("favicon-32.png", 32, 0.78, 0.18),
]


def drawing(size: int, figure: float, radius: float) -> str:
    """icon.svg's figure on its background, at one size, as an HTML page to screenshot."""
    svg = (ICONS / "icon.svg").read_text(encoding="utf-8")
    background = re.search(r'<rect[^>]*fill="(#[0-9a-f]{6})"', svg)
    path = re.search(r'<path[^>]*d="([^"]+)"', svg)
    if not background or not path:
        raise SystemExit("icon.svg needs a <rect fill=...> background and one <path d=...> figure")
    # The figure's own box in icon.svg's 24-unit square runs from x 6 to 19 and y 0.2 to 22: centre it.
    dx, dy = 12 - figure * 12.5, 12 - figure * 11.1
    return (f'<html><body style="margin:0;background:transparent">'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="{size}" height="{size}">'
            f'<rect width="24" height="24" rx="{24 * radius}" fill="{background.group(1)}"/>'
            f'<path fill="#fff" transform="translate({dx:.2f} {dy:.2f}) scale({figure})" d="{path.group(1)}"/>'
            f"</svg></body></html>")


def main() -> int:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, size, figure, radius in OUTPUTS:
            page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
            page.set_content(drawing(size, figure, radius))
            (ICONS / name).write_bytes(page.screenshot(omit_background=True))
            page.close()
            print(f"{name}: {size}x{size}, {(ICONS / name).stat().st_size:,} B")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
