"""Chinese text for the index: one segmentation for documents and queries, a character-gram
fallback, pinyin for names, and highlighted snippets on the original text.

Segmentation: jieba's search mode (``cut_for_search``) on both sides, so a query is cut exactly
as a document is. Search mode still cuts a phrase differently depending on its neighbours
(组织关系转接 gives 组织/关系/组织关系/转接, but 党组织关系转接 gives 党组/组织/党组织/关系/转接, with no
组织关系 token), which is how a segmentation-only index once lost most documents containing
组织关系转接. The fallback indexes every distinct character and character bigram of the
normalised text: a query term matches when all its bigrams are present and the normalised text
contains the term (strpos), so every document containing the exact query string is found.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jieba
from pypinyin import Style, lazy_pinyin

jieba.setLogLevel(60)  # jieba logs its dictionary load at INFO on every process start

# A "word" for the fallback: letters, digits and CJK; whitespace and punctuation separate.
_RUN = re.compile(r"[\w]+", re.UNICODE)
_WORD = re.compile(r"\w", re.UNICODE)
SNIPPET_CHARS = 120


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to half-width) and lower case: what both the index
    and the query see."""
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """jieba search-mode tokens of ``text`` (normalised), punctuation and spaces dropped."""
    return [tok for tok in jieba.cut_for_search(normalize(text)) if _WORD.search(tok)]


def segmented(text: str) -> str:
    """``tokens`` joined by spaces: what to_tsvector('simple', …) receives."""
    return " ".join(tokens(text))


def grams(text: str) -> list[str]:
    """Distinct characters and character bigrams of each run of word characters (normalised)."""
    found: set[str] = set()
    for run in _RUN.findall(normalize(text)):
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return sorted(found)


def query_terms(query: str) -> list[str]:
    """A query's terms: split on whitespace, normalised; each term must match."""
    return [term for term in normalize(query).split() if _WORD.search(term)][:8]


def term_grams(term: str) -> list[str]:
    """What the gram index must hold for ``term`` to be a substring: its bigrams (its single
    character when it has one), per run of word characters."""
    needed: set[str] = set()
    for run in _RUN.findall(term):
        if len(run) == 1:
            needed.add(run)
        needed.update(run[i : i + 2] for i in range(len(run) - 1))
    return sorted(needed)


def tsquery_literal(lexemes: Iterable[str], *, op: str = "&", prefix_last: bool = False, weight: str = "") -> str:
    """A tsquery in its input syntax, each lexeme quoted (no parser, no normalisation runs on
    it: the lexemes are exactly what the index holds)."""
    quoted = []
    items = list(lexemes)
    for index, lexeme in enumerate(items):
        text = "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
        if prefix_last and index == len(items) - 1:
            text += ":*" + weight
        elif weight:
            text += ":" + weight
        quoted.append(text)
    return f" {op} ".join(quoted)


@lru_cache(maxsize=4096)
def name_pinyin(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name: 张伟 -> ("zhangwei", "zw")."""
    full = "".join(lazy_pinyin(name)).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    return re.sub(r"\W", "", full), re.sub(r"\W", "", initials)


@lru_cache(maxsize=256)
def _needles(query: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """Patterns for the query's whole terms, and for the terms and their longer tokens (longest
    first); built once per query, not once per hit."""
    terms = query_terms(query)
    needles = sorted({*terms, *(tok for term in terms for tok in tokens(term) if len(tok) > 1)}, key=len, reverse=True)
    if not needles:
        return None

    def alternation(words: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)

    return alternation(sorted(terms, key=len, reverse=True)), alternation(needles)


def highlight(text: str, query: str, *, width: int = SNIPPET_CHARS) -> str:
    """An HTML snippet of the ORIGINAL text (never the segmented one) around the first place a
    query term (or, failing that, one of its tokens) occurs, every occurrence in <mark>."""
    if not text:
        return ""
    patterns = _needles(query)
    if patterns is None:
        return html.escape(text[:width])
    whole, pattern = patterns
    # Positions in the normalised text are positions in the original for everything NFKC keeps
    # the same length (CJK, ASCII, full-width forms); search the original to be safe.
    first = whole.search(text) or pattern.search(text)
    start = 0 if first is None else max(0, first.start() - width // 4)
    window = text[start : start + width]
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(window):
        parts.append(html.escape(window[last : match.start()]))
        parts.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(html.escape(window[last:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return prefix + "".join(parts).replace("\n", " ") + suffix
