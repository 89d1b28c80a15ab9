"""Drawings: read docs/assets/figures/<id>.svg, refuse anything that is not a plain line drawing,
and return it as one line of SVG to place inside a page.

The drawings are inlined, not linked, so they take the page's text colour in light mode, dark
mode and print. That puts them inside the page's HTML, so they are held to the same rule as
the text: nothing in them can run, load or style anything. Only drawing elements and
presentation attributes are allowed; colours are `currentColor` or `none`, and the one
highlight is the class `fig-accent`, coloured by the site's stylesheet. Where a colour itself
is the message (the colour of pee), a few named colour classes fill a shape with that colour.
"""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path
from xml.parsers import expat

FOLDER = Path("docs") / "assets" / "figures"
MAX_GZIP = 3 * 1024  # bytes, gzip -9: a drawing must not weigh down the first view of a page

SVG_NS = "http://www.w3.org/2000/svg"
ELEMENTS = frozenset({"svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "text", "tspan"})
ATTRIBUTES = frozenset({
    "viewBox", "d", "cx", "cy", "r", "rx", "ry", "x", "y", "x1", "y1", "x2", "y2", "dx", "dy", "points", "width",
    "height", "transform", "class", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-opacity", "stroke-dasharray", "fill-opacity", "opacity", "font-size", "font-weight", "text-anchor",
    "dominant-baseline", "fill-rule", "font-family",
})
COLOURS = frozenset({"none", "currentcolor"})
CLASSES = frozenset({"fig-accent", "fig-pale-yellow", "fig-dark-yellow", "fig-brown"})


Finding = tuple[int, int, str, str]  # line, column, what is wrong, how to fix it
SHAPES = "draw with plain SVG shapes only; the comment at the top of data/figures.yml lists them"


def check_svg(data: bytes) -> list[Finding]:
    """What is wrong with a drawing, each with its line and column; empty when it is fine."""
    problems: list[Finding] = []
    size = len(gzip.compress(data, 9, mtime=0))
    if size > MAX_GZIP:
        problems.append((1, 1, f"the drawing is {size:,} bytes compressed, more than {MAX_GZIP:,}",
                         "simplify it: fewer points, coordinates rounded to one decimal"))
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_doctype(*_: object) -> None:
        # A DOCTYPE can declare entities that expand a few bytes into gigabytes: never read one.
        raise ValueError("the drawing declares a DOCTYPE")

    def start(tag: str, attributes: dict[str, str]) -> None:
        where = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        namespace, _, name = tag.rpartition(" ")
        if first[0]:
            first[0] = False
            if tag != f"{SVG_NS} svg":
                problems.append((*where, "the file's outermost element is not <svg> in the SVG namespace",
                                 'start the file with <svg xmlns="http://www.w3.org/2000/svg" viewBox="...">'))
                raise StopIteration
            if "viewBox" not in attributes:
                problems.append((*where, "the <svg> element has no viewBox", 'add viewBox="0 0 WIDTH HEIGHT"'))
            if {"width", "height"} & set(attributes):
                problems.append((*where, "the <svg> element sets width or height",
                                 "remove them: the page's stylesheet sizes every drawing"))
        if namespace != SVG_NS or name not in ELEMENTS:
            problems.append((*where, f"<{name}> is not a drawing element", SHAPES))
            return
        for attribute, value in attributes.items():
            if attribute not in ATTRIBUTES:
                problems.append((*where, f"<{name} {attribute}=...> is not allowed", SHAPES))
            elif attribute in ("fill", "stroke") and value.lower() not in COLOURS:
                problems.append((*where, f"<{name} {attribute}=\"{value}\"> sets its own colour",
                                 'use currentColor or none, so it follows light and dark mode; class="fig-accent" '
                                 "for the highlight"))
            elif attribute == "class" and not set(value.split()) <= CLASSES:
                problems.append((*where, f"<{name} class=\"{value}\"> uses a class the stylesheet does not define",
                                 'use class="fig-accent" for the highlight, fig-pale-yellow, fig-dark-yellow or '
                                 "fig-brown where a colour is the message, or no class"))

    first = [True]  # the next element is the outermost one
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except StopIteration:
        pass
    except expat.ExpatError as error:
        reason = expat.errors.messages[error.code]
        problems.append((error.lineno, error.offset + 1, f"the drawing is not well-formed SVG ({reason})",
                         "save it again from the drawing program as plain SVG"))
    except ValueError as error:
        problems.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, str(error),
                         "delete the <!DOCTYPE ...> line"))
    return problems


def inline_svg(data: bytes, alt: str) -> str:
    """The drawing as one line of markup, named by its alt text for screen readers."""
    text = data.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>|<!--.*?-->", "", text, flags=re.S)
    text = " ".join(text.split())  # one line: Markdown treats a blank line inside HTML as its end
    label = html.escape(alt, quote=True)
    return re.sub(r"^<svg\b", f'<svg class="fig__svg" role="img" aria-label="{label}"', text.strip(), count=1)
