"""Source summaries hold HTML (``<br>`` from the RIPH editor, sometimes more); FHIR markdown
should not: the HL7 validator warns on HTML tags inside ``markdown``, and a client that renders
markdown with HTML enabled would run what the source holds.

nh3 (ammonia) first drops every tag but a few harmless ones (``<script>``/``<style>`` with their
content, attributes always), then those few become markdown: paragraphs and ``<br>`` a blank
line, list items ``-``, bold ``**``, italics ``*``. The raw source stays in the narrative (RES-11).
"""

from __future__ import annotations

import html
import re
from typing import Final

import nh3

_KEPT: Final = {"p", "br", "div", "ul", "ol", "li", "b", "strong", "i", "em"}
_BREAK: Final = re.compile(r"\s*<br\s*/?>\s*")
_BLOCK: Final = re.compile(r"\s*</?(?:p|div|ul|ol)>\s*")
_ITEM: Final = re.compile(r"\s*<li>\s*")
_STRONG: Final = re.compile(r"</?(?:b|strong)>")
_EMPHASIS: Final = re.compile(r"</?(?:i|em)>")
_BLANK_LINES: Final = re.compile(r"\n\s*\n(?:\s*\n)+")


def html_to_markdown(text: str) -> str:
    """``a<br>b`` → two paragraphs (the editor separates paragraphs with ``<br>``)."""
    if "<" not in text:
        return text
    out = nh3.clean(text, tags=_KEPT, attributes={}, link_rel=None).replace("</li>", "")
    out = _BREAK.sub("\n\n", out)
    out = _ITEM.sub("\n- ", out)
    out = _BLOCK.sub("\n\n", out)
    out = _STRONG.sub("**", out)
    out = _EMPHASIS.sub("*", out)
    return _BLANK_LINES.sub("\n\n", html.unescape(out)).strip()
