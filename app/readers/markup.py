"""HTML fragments (feed entries, rendered Markdown) to plain text, one line per block.

Line breaks inside a paragraph of the source are only wrapping: they become spaces,
so that a passage is the whole paragraph, not its first wrapped line.
"""
from __future__ import annotations

import re

import lxml.html
from markdown_it import MarkdownIt

# Elements after which a line break keeps paragraphs apart.
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr")
# Raw HTML inside Markdown stays text: an article's markup is never trusted.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def html_to_text(fragment: str) -> str:
    """The text of an (untrusted) HTML fragment, one line per block.

    >>> html_to_text("<p>One\\nline.</p><p>Two <b>words</b>.</p>")
    'One line.\\nTwo words.'
    """
    if "<" not in fragment:  # plain text where HTML was expected: its line breaks are meant
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types for broken markup; the raw text is the fallback
        return fragment.strip()
    for element in root.iter():
        if isinstance(element.tag, str):  # not a comment or processing instruction
            element.text = element.text.replace("\n", " ") if element.text else element.text
        element.tail = element.tail.replace("\n", " ") if element.tail else element.tail
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def markdown_to_text(source: str) -> str:
    """The text of a Markdown document: headings, paragraphs and list items as lines,
    emphasis and link markup gone.

    >>> markdown_to_text("# Kursk\\n\\nTroops **crossed** the [border](https://x.example)\\non 6 August 2024.")
    'Kursk\\nTroops crossed the border on 6 August 2024.'
    """
    if _PLAIN.fullmatch(source):
        return _paragraphs(source)
    return html_to_text(_MARKDOWN.render(source))


# Text that CommonMark reads as paragraphs only: no character that can open markup
# (emphasis, links, code, HTML, entities, escapes, headings, quotes, tables) and no
# line that could open a list, a heading underline, a thematic break or a code block.
# Most articles are such text; rendering them costs a third of reading a file.
_PLAIN = re.compile(
    r"(?:(?![ ]{0,3}(?:[-+*=_]|\d{1,9}[.)])|[ ]{4}|[^\n]*[ ]{2}\n)"  # lists, underlines, code, hard breaks
    r"[^\n\\`*_\[\]<>#!&~|\x00\r\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029]*(?:\n|\Z))*"
)


def _paragraphs(source: str) -> str:
    """What rendering and html_to_text make of plain paragraphs: one line each, its
    wrapped lines joined and its spaces collapsed."""
    blocks = (" ".join(block.split()) for block in re.split(r"\n[ ]*\n", source))
    return "\n".join(block for block in blocks if block)
