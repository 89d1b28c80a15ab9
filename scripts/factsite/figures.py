"""Drawings: read docs/assets/figures/<id>.svg, refuse anything that is not a plain line drawing,
and return it as one line of SVG to place inside a page.

The drawings are inlined, not linked, so they take the page's text colour in light mode, dark
mode and print. That puts them inside the page's HTML, so they are held to the same rule as
the text: nothing in them can run, load or style anything. Only drawing elements and
presentation attributes are allowed; colours are `currentColor` or `none`, and the one
highlight is the class `fig-accent`, coloured by the site's stylesheet.
"""

from __future__ import annotations

import gzip
import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

FOLDER = Path("docs") / "assets" / "figures"
MAX_GZIP = 3 * 1024  # bytes, gzip -9: a drawing must not weigh down the first view of a page

_SVG = "{http://www.w3.org/2000/svg}"
ELEMENTS = frozenset({"svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "text", "tspan"})
ATTRIBUTES = frozenset({
    "viewBox", "d", "cx", "cy", "r", "rx", "ry", "x", "y", "x1", "y1", "x2", "y2", "dx", "dy", "points", "width",
    "height", "transform", "class", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-opacity", "stroke-dasharray", "fill-opacity", "opacity", "font-size", "font-weight", "text-anchor",
    "dominant-baseline", "fill-rule",
})
COLOURS = frozenset({"none", "currentcolor"})
CLASSES = frozenset({"fig-accent"})


def check_svg(data: bytes) -> list[str]:
    """What is wrong with a drawing, in an editor's words (empty when it is fine)."""
    problems = []
    size = len(gzip.compress(data, 9, mtime=0))
    if size > MAX_GZIP:
        problems.append(f"the drawing is {size:,} bytes compressed, more than {MAX_GZIP:,}")
    text = data.decode("utf-8", "replace")
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        return [*problems, "the drawing declares a DOCTYPE or ENTITY"]
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return [*problems, f"the drawing is not well-formed SVG ({error})"]
    if root.tag != f"{_SVG}svg":
        return [*problems, "the file's outermost element is not <svg> in the SVG namespace"]
    if "viewBox" not in root.attrib:
        problems.append("the <svg> element has no viewBox")
    if {"width", "height"} & set(root.attrib):
        problems.append("the <svg> element sets width or height (the page's stylesheet sizes it)")
    for element in root.iter():
        name = element.tag.removeprefix(_SVG)
        if name not in ELEMENTS:
            problems.append(f"<{name}> is not a drawing element")
            continue
        for attribute, value in element.attrib.items():
            if attribute not in ATTRIBUTES:
                problems.append(f"<{name} {attribute}=...> is not allowed")
            elif attribute in ("fill", "stroke") and value.lower() not in COLOURS:
                problems.append(f"<{name} {attribute}=\"{value}\"> sets a colour (use currentColor, none, "
                                "or class=\"fig-accent\")")
            elif attribute == "class" and not set(value.split()) <= CLASSES:
                problems.append(f"<{name} class=\"{value}\"> uses a class the stylesheet does not define")
    return problems


def inline_svg(data: bytes, alt: str) -> str:
    """The drawing as one line of markup, named by its alt text for screen readers."""
    text = data.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>|<!--.*?-->", "", text, flags=re.S)
    text = " ".join(text.split())  # one line: Markdown treats a blank line inside HTML as its end
    label = html.escape(alt, quote=True)
    return re.sub(r"^<svg\b", f'<svg class="fig__svg" role="img" aria-label="{label}"', text.strip(), count=1)
