"""PostgreSQL full-text search over jieba-segmented text (the default backend).

One table per schema (``search_searchentry``, see models.py). Queries name the schema
explicitly (``"inst_x".search_searchentry`` and ``"public".search_searchentry`` in one
statement), so what a query reads never depends on the connection's search path.

A query term matches an entry when all its jieba tokens are in ``vector``, OR when all its
character bigrams are in ``grams`` and ``plain`` contains the term (the fallback for phrases
the segmenter cut differently; both halves use a GIN index). Rank: ts_rank_cd over the OR of
every token (title weight A, body D, length-normalised) plus a bonus when the title contains
every query token, and the same bonus when the text contains each query term as written (an
exact phrase outranks its words scattered, as match_phrase does on Elasticsearch).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DatabaseError, connection

from .. import text
from ..contract import IndexEntry
from . import MEMBER_KIND, BackendUnavailable, Hit, Query, Results, SearchBackend, Visibility

TABLE = "search_searchentry"
# tsvector is limited to 1 MB and 16383 positions: the segmented vector covers the start of a
# very long text, the gram index and the strpos check cover all of it up to MAX_PLAIN_CHARS.
MAX_VECTOR_CHARS = 200_000
MAX_PLAIN_CHARS = 2_000_000
UPSERT_CHUNK = 200
_COLUMNS = "kind, object_id, title, body, url, doc_type, tags, day, org_path, extra, plain, vector, grams, updated_at"
_ROW = (
    "(%s, %s, %s, %s, %s, %s, %s::varchar[], %s, %s, %s::jsonb, %s, "
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'A')"
    " || setweight(to_tsvector('simple', %s), 'D'), array_to_tsvector(%s::text[]), now())"
)


def table(schema: str) -> str:
    return f"{connection.ops.quote_name(schema)}.{TABLE}"


def plain_text(entry: IndexEntry) -> str:
    """Normalised title (first line), extra text, body: what strpos confirms a term in."""
    title = text.normalize(entry.title).replace("\n", " ")
    extra = " ".join(entry.extra.values())
    return f"{title}\n{text.normalize(extra)}\n{text.normalize(entry.body[:MAX_PLAIN_CHARS])}"


def _row_params(entry: IndexEntry) -> list[Any]:
    plain = plain_text(entry)
    return [
        entry.kind,
        entry.object_id,
        entry.title,
        entry.body,
        entry.url,
        entry.doc_type,
        list(entry.tags),
        entry.day,
        entry.org_path,
        json.dumps(entry.extra, ensure_ascii=False),
        plain,
        text.segmented(entry.title),
        " ".join(text.normalize(value) for value in entry.extra.values()),
        text.segmented(entry.body[:MAX_VECTOR_CHARS]),
        text.grams(plain),
    ]


def visibility_sql(visibility: Visibility, alias: str = "e") -> tuple[str, list[Any]]:
    """The visibility rule (backends/__init__.py) as one WHERE condition."""
    if visibility.everything:
        return "TRUE", []
    seen = [f"{path}%" for path in visibility.seen_paths]
    member = f"{alias}.org_path LIKE ANY(%s::text[])"
    member_params: list[Any] = [seen]
    if visibility.own_member_id is not None:
        member = f"({member} OR {alias}.object_id = %s)"
        member_params.append(visibility.own_member_id)
    other = f"({alias}.org_path = '' OR {alias}.org_path LIKE ANY(%s::text[]) OR {alias}.org_path = ANY(%s::text[]))"
    sql = f"(({alias}.kind = %s AND {member}) OR ({alias}.kind <> %s AND {other}))"
    return sql, [MEMBER_KIND, *member_params, MEMBER_KIND, seen, list(visibility.within_paths)]


def match_sql(query: Query, alias: str = "e") -> tuple[str, list[Any], str]:
    """The match condition (every term), its params, and the tsquery literal used to rank."""
    terms = text.query_terms(query.text)
    conditions: list[str] = []
    params: list[Any] = []
    rank_tokens: list[str] = []
    for index, term in enumerate(terms):
        tokens = text.tokens(term)
        last = query.prefix and index == len(terms) - 1
        rank_tokens += tokens
        parts = []
        if tokens:
            parts.append(f"{alias}.vector @@ %s::tsquery")
            params.append(text.tsquery_literal(tokens, prefix_last=last))
        parts.append(f"({alias}.grams @@ %s::tsquery AND strpos({alias}.plain, %s) > 0)")
        params += [text.tsquery_literal(text.term_grams(term)), term]
        conditions.append("(" + " OR ".join(parts) + ")")
    rank = text.tsquery_literal(dict.fromkeys(rank_tokens), op="|") if rank_tokens else ""
    return " AND ".join(conditions), params, rank


class PostgresBackend(SearchBackend):
    name = "postgres"

    def ping(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_tsvector('simple', 'ok')")
        except DatabaseError as exc:
            raise BackendUnavailable(str(exc)) from exc

    def upsert(self, *, schema: str, entries: Sequence[IndexEntry]) -> None:
        try:
            with connection.cursor() as cursor:
                for start in range(0, len(entries), UPSERT_CHUNK):
                    chunk = entries[start : start + UPSERT_CHUNK]
                    # One row per (kind, object_id) per statement: ON CONFLICT cannot touch a row twice.
                    unique = list({(e.kind, e.object_id): e for e in chunk}.values())
                    params: list[Any] = []
                    for entry in unique:
                        params += _row_params(entry)
                    cursor.execute(
                        f"INSERT INTO {table(schema)} ({_COLUMNS}) VALUES {', '.join([_ROW] * len(unique))} "
                        "ON CONFLICT (kind, object_id) DO UPDATE SET "
                        + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS.split(", ")[2:]),
                        params,
                    )
        except DatabaseError as exc:
            raise BackendUnavailable(str(exc)) from exc

    def delete(self, *, schema: str, keys: Iterable[tuple[str, int]]) -> None:
        by_kind: dict[str, list[int]] = {}
        for kind, object_id in keys:
            by_kind.setdefault(kind, []).append(object_id)
        try:
            with connection.cursor() as cursor:
                for kind, ids in by_kind.items():
                    cursor.execute(
                        f"DELETE FROM {table(schema)} WHERE kind = %s AND object_id = ANY(%s::bigint[])", [kind, ids]
                    )
        except DatabaseError as exc:
            raise BackendUnavailable(str(exc)) from exc

    def object_ids(self, *, schema: str, kind: str) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT object_id FROM {table(schema)} WHERE kind = %s", [kind])
            return {row[0] for row in cursor.fetchall()}

    def drop(self, *, schema: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table(schema)}")

    def _part(
        self, schema: str, source: str, query: Query, match: str, match_params: list[Any], rank: str
    ) -> tuple[str, list[Any]]:
        visible, visible_params = visibility_sql(query.visibility)
        where = [match, visible]
        params: list[Any] = [*match_params, *visible_params]
        if query.kinds:
            where.append("e.kind = ANY(%s::text[])")
            params.append(list(query.kinds))
        if query.doc_type:
            where.append("e.doc_type = %s")
            params.append(query.doc_type)
        if query.tag:
            where.append("e.tags @> ARRAY[%s]::varchar[]")
            params.append(query.tag)
        if query.day_from:
            where.append("e.day >= %s")
            params.append(query.day_from)
        if query.day_to:
            where.append("e.day <= %s")
            params.append(query.day_to)
        if query.org_path:
            where.append("e.org_path LIKE %s")
            params.append(query.org_path.replace("%", r"\%").replace("_", r"\_") + "%")
        # The title (or a name's pinyin: weight A) holds every query token: the strongest signal
        # (a notice titled 党员档案管理办法 for the query 党员档案); as strong, the text holds each
        # term as written, not only its words scattered (the only document with 廉洁教育 comes
        # before those with 廉洁 and 教育 apart, even one with 教育 in its title); then cover
        # density of the tokens.
        terms = text.query_terms(query.text)
        title_tokens = [tok for term in terms for tok in text.tokens(term)]
        score = "0"
        score_params: list[Any] = []
        if title_tokens:
            score = "(CASE WHEN e.vector @@ %s::tsquery THEN 1.0 ELSE 0 END)"
            score_params.append(text.tsquery_literal(title_tokens, weight="A"))
        # A term of one token is in every text it matches: only terms of several tokens can be
        # there scattered. Their tokens in sequence (<->) on the vector, which is inline and read
        # for the rank anyway (strpos on ``plain`` would fetch and decompress each text).
        phrases = [tokens for term in terms if len(tokens := text.tokens(term)) > 1]
        if phrases:
            exact = " + ".join(["(CASE WHEN e.vector @@ %s::tsquery THEN 1.0 ELSE 0 END)"] * len(phrases))
            score += f" + ({exact}) / {len(terms)}"
            score_params += [text.tsquery_literal(tokens, op="<->") for tokens in phrases]
        if rank:
            score += " + ts_rank_cd(e.vector, %s::tsquery, 1)"
            score_params.append(rank)
        conditions = " AND ".join(where)
        sql = f"SELECT '{source}' AS src, e.id, {score} AS score, e.day FROM {table(schema)} e WHERE {conditions}"
        return sql, [*score_params, *params]

    def search(self, *, schema: str, query: Query) -> Results:
        match, match_params, rank = match_sql(query)
        if not match:
            return Results(hits=[], total=0)
        parts = [self._part(schema, "i", query, match, match_params, rank)]
        if schema != "public":
            parts.append(self._part("public", "p", query, match, match_params, rank))
        union = " UNION ALL ".join(sql for sql, _ in parts)
        params = [p for _, part_params in parts for p in part_params]
        columns = "e.kind, e.object_id, e.title, e.body, e.url, e.doc_type, e.tags, e.day, e.org_path, e.extra"
        head = f"SELECT h.src, h.score, h.total, h.position, {columns} FROM hits h"
        fetch = [f"{head} JOIN {table(schema)} e ON h.src = 'i' AND e.id = h.id"]
        if schema != "public":
            fetch.append(f"{head} JOIN {table('public')} e ON h.src = 'p' AND e.id = h.id")
        sql = (
            f"WITH hits AS (SELECT src, id, score, count(*) OVER () AS total, "
            "row_number() OVER (ORDER BY score DESC, day DESC NULLS LAST, src, id) AS position "
            f"FROM ({union}) u ORDER BY position LIMIT %s OFFSET %s) " + " UNION ALL ".join(fetch)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, query.limit, query.offset])
            rows = cursor.fetchall()
        rows.sort(key=lambda row: row[3])
        hits = [
            Hit(
                kind=kind,
                object_id=object_id,
                title=title,
                url=url,
                snippet=text.highlight(body or "", query.text),
                doc_type=doc_type,
                tags=tuple(tags or ()),
                day=day,
                org_path=org_path,
                score=float(score),
                public=src == "p",
                extra=json.loads(extra) if isinstance(extra, str) else dict(extra or {}),
            )
            for (
                src,
                score,
                _total,
                _position,
                kind,
                object_id,
                title,
                body,
                url,
                doc_type,
                tags,
                day,
                org_path,
                extra,
            ) in rows
        ]
        total = rows[0][2] if rows else self._count(sql_union=union, params=params, query=query)
        return Results(hits=hits, total=int(total))

    def _count(self, *, sql_union: str, params: list[Any], query: Query) -> int:
        # An offset past the end has no row to carry the window count.
        if query.offset == 0:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql_union}) u", params)
            return int(cursor.fetchone()[0])
