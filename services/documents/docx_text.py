"""The text of a Word document's body (word/document.xml), streamed.

python-docx builds the whole XML tree in memory (about ten times the XML's size); a crafted
part can be hundreds of megabytes. Here expat reads the part in small chunks and only the text
is kept, so memory stays bounded by ``limit`` whatever the part holds: reading stops as soon as
``limit`` characters are collected. Paragraphs end a line; table cells are separated by tabs,
rows end a line. A document type declaration (never present in a real DOCX, and the way in for
entity tricks) makes the part unreadable.
"""

from __future__ import annotations

from typing import IO
from xml.parsers import expat

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CHUNK = 64 * 1024


class _Enough(Exception):
    """``limit`` characters collected: stop reading."""


class _Collector:
    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit
        self.in_text = 0  # inside <w:t> (or <w:delText>, never collected)
        self.in_cell = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.limit:
            raise _Enough

    def start(self, name: str, _attributes: dict[str, str]) -> None:
        if name == f"{W} t":
            self.in_text += 1
        elif name == f"{W} tab":
            self.add("\t")
        elif name in (f"{W} br", f"{W} cr"):
            self.add("\n")
        elif name == f"{W} tc":
            self.in_cell += 1

    def end(self, name: str) -> None:
        if name == f"{W} t":
            self.in_text -= 1
        elif name == f"{W} p":
            self.add(" " if self.in_cell else "\n")
        elif name == f"{W} tc":
            self.in_cell -= 1
            self.add("\t")
        elif name == f"{W} tr":
            self.add("\n")

    def text(self, data: str) -> None:
        if self.in_text:
            self.add(data)


def _refuse_doctype(*_args: object) -> None:
    raise expat.ExpatError("a document type declaration is not allowed")


def docx_text(part: IO[bytes], *, limit: int) -> str:
    """The body text of ``part`` (an open word/document.xml), at most ``limit`` characters.
    Raises ``xml.parsers.expat.ExpatError`` for a damaged part."""
    collector = _Collector(limit)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.text
    parser.buffer_text = True
    try:
        while chunk := part.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Enough:
        pass
    return "".join(collector.parts)[:limit]
