"""Guide diagrams: a Markdown image alone in its paragraph becomes a captioned figure.

    ![full text alternative](figures/kidney-filter.svg "Short caption")

renders as <figure class="guide-figure" id="figure-kidney-filter"> holding a lazy-loaded <img>
of static/img/guides/kidney-filter.svg (its size read from the SVG's viewBox) and a <figcaption>.
Only the portal's own diagrams are drawn: any other image in a guide is dropped here, and the
sanitiser (education/rendering.py) refuses every other image address. The words live in the alt
text and the caption, never inside the SVG, so they can be translated.
"""

import re
import xml.etree.ElementTree as etree
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

FIGURE_DIR = "img/guides"
NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*"
MARKDOWN_SRC_RE = re.compile(rf"figures/({NAME})\.svg")
VIEWBOX_RE = re.compile(r'viewBox="\s*0[ ,]+0[ ,]+([\d.]+)[ ,]+([\d.]+)\s*"')


class FigureError(ValueError):
    """A guide figure that cannot be drawn; the message names it."""


def figure_url(name: str) -> str:
    """The static URL of a diagram, unhashed so it stays right in the stored guide HTML."""
    return f"/{settings.STATIC_URL.strip('/')}/{FIGURE_DIR}/{name}.svg"


def is_figure_src(src: str) -> bool:
    return re.fullmatch(re.escape(figure_url("")[:-4]) + NAME + r"\.svg", src) is not None


def figure_file(name: str) -> Path | None:
    found = finders.find(f"{FIGURE_DIR}/{name}.svg")
    return Path(found) if found else None


@cache
def figure_size(name: str) -> tuple[str, str]:
    """(width, height) from the diagram's viewBox, so the page keeps its place while it loads."""
    path = figure_file(name)
    if path is None:
        raise FigureError(f"No diagram static/{FIGURE_DIR}/{name}.svg")
    match = VIEWBOX_RE.search(path.read_text(encoding="utf-8"))
    if match is None:
        raise FigureError(f"{name}.svg has no viewBox starting at 0 0")
    return match.group(1), match.group(2)


def figure_element(name: str, alt: str, caption: str) -> etree.Element:
    if not alt.strip() or not caption.strip():
        raise FigureError(f"Figure {name!r} needs a text alternative and a caption")
    width, height = figure_size(name)
    figure = etree.Element("figure", {"class": "guide-figure", "id": f"figure-{name}"})
    etree.SubElement(
        figure,
        "img",
        {
            "src": figure_url(name),
            "alt": alt.strip(),
            "width": width,
            "height": height,
            "loading": "lazy",
            "decoding": "async",
        },
    )
    etree.SubElement(figure, "figcaption").text = caption.strip()
    return figure


def lone_figure_name(paragraph: etree.Element) -> str | None:
    """The diagram's name when this paragraph is one figure image and nothing else."""
    if paragraph.tag != "p" or len(paragraph) != 1 or (paragraph.text or "").strip():
        return None
    image = paragraph[0]
    if image.tag != "img" or (image.tail or "").strip():
        return None
    match = MARKDOWN_SRC_RE.fullmatch(image.get("src", ""))
    return match.group(1) if match else None


class FigureProcessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        shown = set()
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                name = lone_figure_name(child)
                if name:
                    if name in shown:  # its id, the diary's link target, must be unique
                        raise FigureError(f"Figure {name!r} is shown twice")
                    shown.add(name)
                    image = child[0]
                    figure = figure_element(name, image.get("alt", ""), image.get("title", ""))
                    figure.tail = child.tail
                    parent[index] = figure
                elif child.tag == "img" and child.get("loading") is None:
                    drop_keeping_tail(parent, child)


def drop_keeping_tail(parent: etree.Element, child: etree.Element) -> None:
    """Remove an image that is not one of ours, keeping the text after it."""
    tail = child.tail or ""
    index = list(parent).index(child)
    if index:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(child)


class FigureExtension(Extension):
    def extendMarkdown(self, md):
        # After the inline patterns (priority 20) have made the <img> elements.
        md.treeprocessors.register(FigureProcessor(md), "guide_figures", 5)
