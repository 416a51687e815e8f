"""Smoke test for the local Elasticsearch node (deploy/elasticsearch/start-local.sh).

Usage: .venv/bin/python deploy/elasticsearch/smoke.py [URL]   (default $ELASTICSEARCH_URL or
http://127.0.0.1:9200). With the project's own client: ping, info, create an index, index two
documents, search with a tenant filter and a highlight, delete the index. Exits 1 on any failure.
"""

from __future__ import annotations

import os
import sys

from elasticsearch import Elasticsearch


def main() -> int:
    url = (sys.argv[1] if len(sys.argv) > 1 else "") or os.environ.get("ELASTICSEARCH_URL") or "http://127.0.0.1:9200"
    es = Elasticsearch(url, request_timeout=30)
    assert es.ping(), f"{url} did not answer ping()"
    version = es.info()["version"]["number"]
    index = "partycloud-smoke"
    es.options(ignore_status=404).indices.delete(index=index)
    es.indices.create(
        index=index,
        settings={"number_of_shards": 1, "number_of_replicas": 0},
        mappings={"properties": {"title": {"type": "text"}, "body": {"type": "text"}, "tenant": {"type": "keyword"}}},
    )
    try:
        for doc_id, tenant in (("1", "alpha"), ("2", "beta")):
            document = {"title": "党员大会通知", "body": "本周五召开支部党员大会。", "tenant": tenant}
            es.index(index=index, id=doc_id, document=document)
        es.indices.refresh(index=index)
        result = es.search(
            index=index,
            query={"bool": {"must": {"match": {"body": "党员大会"}}, "filter": {"term": {"tenant": "alpha"}}}},
            highlight={"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "fields": {"body": {}}},
        )
        hits = result["hits"]["hits"]
        assert [hit["_id"] for hit in hits] == ["1"], hits
        snippet = hits[0]["highlight"]["body"][0]
        assert "<mark>" in snippet, snippet
    finally:
        es.indices.delete(index=index)
    print(f"ok: Elasticsearch {version} at {url}; highlight: {snippet}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
