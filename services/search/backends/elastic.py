"""Elasticsearch backend (the official ``elasticsearch`` 8.x client). Each schema has an alias
``<SEARCH_ES_INDEX_PREFIX>-<schema>`` over one versioned concrete index; every read and write
names the alias, and ``manage.py reindex --rebuild`` swaps it to a freshly built index without
taking search down (elastic_indices.py: layout, rebuild, migration of the old one-index layout).
An institution's queries read its own alias and the public one in the same request.

A stock node has no Chinese analyzer, so text arrives pre-segmented by jieba (search mode, the
same as queries) into fields under the built-in "whitespace" analyzer. The fallback for phrases
the segmenter cut differently is ``plain`` under the built-in "standard" analyzer (one token per
CJK character, words for Latin and digits): ``match_phrase`` there finds the exact string. No
plugin and no analysis-common module is needed. Visibility is a filter clause of the query.

A cluster (docs/search.md): ``ELASTICSEARCH_URL`` lists every node, comma-separated; the client
spreads requests over them, and on a connection error (a node died) marks that node dead for a
while and sends the same request to the next one, so a search or a bulk write (idempotent: every
document has its id) survives one node going away. Sniffing stays off: the configured list is
the authority (nodes publish the addresses they bind, which the app may not reach behind a load
balancer or in containers). Indices get ``SEARCH_ES_REPLICAS`` replicas; a search that some
shards could not answer comes back ``partial``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from .. import text
from ..contract import IndexEntry
from . import MEMBER_KIND, BackendUnavailable, Hit, Query, Results, SearchBackend, Visibility, elastic_indices
from .postgres import MAX_PLAIN_CHARS, MAX_VECTOR_CHARS

# Only built-in analyzers: a stock node may lack the analysis-common module (no ngram, no
# custom whitespace tokenizer). "whitespace" keeps jieba's tokens whole; "standard" indexes CJK
# text one character per position, so match_phrase on it is an exact-substring match.
SETTINGS: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}


def index_settings(replicas: int) -> dict[str, Any]:
    """SETTINGS with ``replicas`` copies of each shard (SEARCH_ES_REPLICAS: 0 on one node)."""
    return {**SETTINGS, "number_of_replicas": replicas}


def hosts_of(url: str) -> list[str]:
    """ "http://a:9200, http://b:9200" -> both; one URL -> one node."""
    return [part.strip() for part in url.split(",") if part.strip()]


# One client per process and node list: its connection pool remembers which node failed (and
# skips it for a while) from one request to the next. Keyed by the process id too: a client
# created before a fork (gunicorn, Celery) must not share its sockets with the children.
_CLIENTS: dict[tuple[int, tuple[str, ...]], Any] = {}


def client_for(hosts: list[str]) -> Any:
    from elasticsearch import Elasticsearch

    key = (os.getpid(), tuple(hosts))
    if key not in _CLIENTS:
        _CLIENTS[key] = Elasticsearch(
            hosts,
            request_timeout=10,
            # A connection error (refused, reset: a node died) moves the request to the next
            # node; each node gets a chance. A timeout is not retried: the node may still be
            # working on it, and a busy cluster should not get the same work twice.
            max_retries=max(1, len(hosts)),
            retry_on_timeout=False,
            sniff_on_start=False,
            sniff_on_node_failure=False,
        )
    return _CLIENTS[key]


MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "kind": {"type": "keyword"},
        "object_id": {"type": "long"},
        "title": {"type": "text", "index": False},
        "body": {"type": "text", "index": False},
        "url": {"type": "keyword", "index": False},
        "doc_type": {"type": "keyword"},
        "tags": {"type": "keyword"},
        "day": {"type": "date"},
        "org_path": {"type": "keyword"},
        "extra": {"type": "object", "enabled": False},
        "title_seg": {"type": "text", "analyzer": "whitespace"},
        "extra_seg": {"type": "text", "analyzer": "whitespace"},
        "body_seg": {"type": "text", "analyzer": "whitespace"},
        "title_plain": {"type": "text", "analyzer": "standard"},
        "plain": {"type": "text", "analyzer": "standard"},
    },
}


def _none() -> dict[str, Any]:
    return {"match_none": {}}


def _any(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    if not clauses:
        return _none()
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def visibility_filter(visibility: Visibility) -> dict[str, Any] | None:
    """The visibility rule (backends/__init__.py) as a filter clause; None sees everything."""
    if visibility.everything:
        return None
    seen: list[dict[str, Any]] = [{"prefix": {"org_path": path}} for path in visibility.seen_paths]
    member_any: list[dict[str, Any]] = list(seen)
    if visibility.own_member_id is not None:
        member_any.append({"term": {"object_id": visibility.own_member_id}})
    other_any: list[dict[str, Any]] = [{"term": {"org_path": ""}}, *seen]
    if visibility.within_paths:
        other_any.append({"terms": {"org_path": list(visibility.within_paths)}})
    return _any(
        [
            {"bool": {"filter": [{"term": {"kind": MEMBER_KIND}}, _any(member_any)]}},
            {"bool": {"must_not": [{"term": {"kind": MEMBER_KIND}}], "filter": [_any(other_any)]}},
        ]
    )


def _behind(alias: str, index: str) -> bool:
    """``index`` is the alias's concrete index: a generation, or the old layout's same name.
    Schema names have no "-", so another schema's alias never starts with ``alias-``."""
    return index == alias or index.startswith(f"{alias}-")


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, *, url: str, prefix: str = "partycloud", replicas: int = 0) -> None:
        if not hosts_of(url):
            raise BackendUnavailable("ELASTICSEARCH_URL is not set")
        self.prefix = prefix
        self.url = url
        self.replicas = replicas
        self.client = client_for(hosts_of(url))
        # alias name -> True when it is an alias, False for an old-layout concrete index
        self._ready: dict[str, bool] = {}

    def index_name(self, schema: str) -> str:
        """The alias every read and write names (an old-layout concrete index has this name too)."""
        return f"{self.prefix}-{schema}".lower()

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from elasticsearch import ApiError, TransportError
        from elasticsearch.helpers import BulkIndexError

        try:
            return fn(*args, **kwargs)
        except (TransportError, ApiError, BulkIndexError) as exc:
            raise BackendUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def ensure_index(self, schema: str) -> str:
        """The alias of ``schema``, created with generation 1 on first use (race-safe)."""
        name = self.index_name(schema)
        if name not in self._ready:
            self._ready[name] = elastic_indices.create_alias_if_missing(self, name)
        return name

    def begin_rebuild(self, *, schema: str, discard_leftovers: bool = False) -> elastic_indices.Rebuild:
        """Block writes to the current index and create the next generation to fill
        (elastic_indices.py explains the steps and why no update is lost)."""
        return elastic_indices.begin_rebuild(self, schema, discard_leftovers=discard_leftovers)

    def layout(self, *, schema: str) -> elastic_indices.Layout:
        return elastic_indices.layout(self, self.index_name(schema))

    def write_entries(self, index: str, entries: Sequence[IndexEntry], *, require_alias: bool = False) -> None:
        from elasticsearch.helpers import bulk

        if not entries:
            return
        actions = (
            {"_op_type": "index", "_index": index, "_id": f"{e.kind}:{e.object_id}", "_source": self.document(e)}
            for e in entries
        )
        # require_alias: a write never auto-creates a concrete index (dynamic mapping) under the
        # alias's name, e.g. after a drop.
        self._call(bulk, self.client, actions, chunk_size=500, raise_on_error=True, require_alias=require_alias)

    @staticmethod
    def document(entry: IndexEntry) -> dict[str, Any]:
        extra_text = " ".join(text.normalize(value) for value in entry.extra.values())
        return {
            "kind": entry.kind,
            "object_id": entry.object_id,
            "title": entry.title,
            "body": entry.body,
            "url": entry.url,
            "doc_type": entry.doc_type,
            "tags": list(entry.tags),
            "day": entry.day.isoformat() if entry.day else None,
            "org_path": entry.org_path,
            "extra": dict(entry.extra),
            "title_seg": text.segmented(entry.title),
            "extra_seg": extra_text,
            "body_seg": text.segmented(entry.body[:MAX_VECTOR_CHARS]),
            "title_plain": text.normalize(entry.title),
            "plain": f"{text.normalize(entry.title)}\n{extra_text}\n{text.normalize(entry.body[:MAX_PLAIN_CHARS])}",
        }

    def upsert(self, *, schema: str, entries: Sequence[IndexEntry]) -> None:
        if not entries:
            return
        name = self.ensure_index(schema)
        # A rebuild's write block makes this raise (403): the outbox keeps the rows for later.
        self.write_entries(name, entries, require_alias=self._ready[name])

    def delete(self, *, schema: str, keys: Iterable[tuple[str, int]]) -> None:
        from elasticsearch.helpers import bulk

        keys = list(keys)
        if not keys:
            return
        name = self.ensure_index(schema)
        actions = ({"_op_type": "delete", "_index": name, "_id": f"{kind}:{object_id}"} for kind, object_id in keys)
        _, errors = self._call(
            bulk, self.client, actions, raise_on_error=False, raise_on_exception=True, require_alias=self._ready[name]
        )
        # A delete of a missing document answers 404: that is the desired state already. Any
        # other answer (a rebuild's write block: 403) is a failure the outbox must retry.
        failed = [item for item in errors if next(iter(item.values())).get("status") != 404]
        if failed:
            raise BackendUnavailable(f"delete refused: {failed[0]}")

    def object_ids(self, *, schema: str, kind: str) -> set[int]:
        from elasticsearch.helpers import scan

        name = self.ensure_index(schema)
        found = self._call(
            lambda: [
                hit["_id"]
                for hit in scan(self.client, index=name, query={"query": {"term": {"kind": kind}}}, _source=False)
            ]
        )
        return {int(doc_id.split(":", 1)[1]) for doc_id in found}

    def drop(self, *, schema: str) -> None:
        """The alias, every generation behind it and an old-layout index of that name."""
        name = self.index_name(schema)
        elastic_indices.drop_all(self, name)
        self._ready.pop(name, None)

    def ping(self) -> None:
        if not self.client.options(request_timeout=2).ping():
            raise BackendUnavailable(f"Elasticsearch at {self.url} did not answer")

    def refresh(self, *, schema: str) -> None:
        self._call(self.client.indices.refresh, index=self.ensure_index(schema))

    def build_query(self, query: Query) -> dict[str, Any] | None:
        terms = text.query_terms(query.text)
        if not terms:
            return None
        must: list[dict[str, Any]] = []
        should: list[dict[str, Any]] = []
        for index, term in enumerate(terms):
            tokens = text.tokens(term)
            last = query.prefix and index == len(terms) - 1
            options: list[dict[str, Any]] = [{"match_phrase": {"plain": {"query": term}}}]
            if tokens:
                options.append(
                    {
                        "multi_match": {
                            "query": " ".join(tokens),
                            "fields": ["title_seg^3", "extra_seg^3", "body_seg"],
                            "type": "bool_prefix" if last else "cross_fields",
                            "operator": "and",
                            "analyzer": "whitespace",
                        }
                    }
                )
                should.append(
                    {
                        "multi_match": {
                            "query": " ".join(tokens),
                            "fields": ["title_seg^3", "extra_seg^3", "body_seg"],
                            "analyzer": "whitespace",
                        }
                    }
                )
            should.append({"match_phrase": {"title_plain": {"query": term, "boost": 10}}})
            must.append(_any(options))
        filters: list[dict[str, Any]] = []
        visible = visibility_filter(query.visibility)
        if visible is not None:
            filters.append(visible)
        if query.kinds:
            filters.append({"terms": {"kind": list(query.kinds)}})
        if query.doc_type:
            filters.append({"term": {"doc_type": query.doc_type}})
        if query.tag:
            filters.append({"term": {"tags": query.tag}})
        if query.day_from or query.day_to:
            bounds: dict[str, str] = {}
            if query.day_from:
                bounds["gte"] = query.day_from.isoformat()
            if query.day_to:
                bounds["lte"] = query.day_to.isoformat()
            filters.append({"range": {"day": bounds}})
        if query.org_path:
            filters.append({"prefix": {"org_path": query.org_path}})
        return {"bool": {"must": must, "should": should, "filter": filters}}

    def search(self, *, schema: str, query: Query) -> Results:
        body = self.build_query(query)
        if body is None:
            return Results(hits=[], total=0)
        indices = [self.ensure_index(schema)]
        if schema != "public":
            indices.append(self.ensure_index("public"))
        response = self._call(
            self.client.search,
            index=",".join(indices),
            query=body,
            size=query.limit,
            from_=query.offset,
            track_total_hits=True,
            sort=[{"_score": "desc"}, {"day": {"order": "desc", "missing": "_last"}}, {"object_id": "asc"}],
            source_excludes=["title_seg", "extra_seg", "body_seg", "title_plain", "plain"],
            ignore_unavailable=True,
        )
        public_alias = self.index_name("public")
        hits = []
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            hits.append(
                Hit(
                    kind=source["kind"],
                    object_id=int(source["object_id"]),
                    title=source["title"],
                    url=source["url"],
                    snippet=text.highlight(source.get("body") or "", query.text),
                    doc_type=source.get("doc_type", ""),
                    tags=tuple(source.get("tags") or ()),
                    day=date.fromisoformat(source["day"]) if source.get("day") else None,
                    org_path=source.get("org_path", ""),
                    score=float(hit.get("_score") or 0.0),
                    public=schema != "public" and _behind(public_alias, hit["_index"]),
                    extra=dict(source.get("extra") or {}),
                )
            )
        shards = response.get("_shards") or {}
        partial = bool(shards.get("failed")) or bool(response.get("timed_out"))
        return Results(hits=hits, total=int(response["hits"]["total"]["value"]), partial=partial)
