"""Source summaries hold a little HTML (``<br>`` from the RIPH editor); FHIR markdown does not.

The HL7 validator warns on HTML tags inside ``markdown`` (the presentation layer escapes them,
so a reader would see ``<br>`` literally). Only real HTML tag names are rewritten, so text such
as ``âge <18 ans`` or ``a<b`` is left as written (entities were decoded when the record was read).
"""

from __future__ import annotations

import re
from typing import Final

_BREAK: Final = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)
_BLOCK: Final = re.compile(r"\s*</?(?:p|div|ul|ol|h[1-6])(?:\s[^<>]*)?>\s*", re.IGNORECASE)
_ITEM: Final = re.compile(r"\s*<li(?:\s[^<>]*)?>\s*", re.IGNORECASE)
_STRONG: Final = re.compile(r"</?(?:b|strong)(?:\s[^<>]*)?>", re.IGNORECASE)
_EMPHASIS: Final = re.compile(r"</?(?:i|em)(?:\s[^<>]*)?>", re.IGNORECASE)
_INLINE: Final = re.compile(
    r"</?(?:span|font|u|sup|sub|a|small|big|center|/li)(?:\s[^<>]*)?>|</li>", re.IGNORECASE
)
_BLANK_LINES: Final = re.compile(r"\n{3,}")


def html_to_markdown(text: str) -> str:
    """``a<br>b`` → two paragraphs (the editor separates paragraphs with ``<br>``)."""
    if "<" not in text:
        return text
    out = _BREAK.sub("\n\n", text)
    out = _ITEM.sub("\n- ", out)
    out = _BLOCK.sub("\n\n", out)
    out = _STRONG.sub("**", out)
    out = _EMPHASIS.sub("*", out)
    out = _INLINE.sub("", out)
    return _BLANK_LINES.sub("\n\n", out).strip()
