"""Search over 10,000 Chinese party-work documents: indexing throughput (bulk, through the
backend: jieba segmentation, grams, tsvector/GIN or an Elasticsearch bulk) and the latency of
~200 queries of 1–3 words, each narrowed by a branch secretary's visibility. PostgreSQL always;
Elasticsearch too when ELASTICSEARCH_URL points at a node."""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, timedelta

from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.services import institution_create
from services.search.backends import Query, SearchBackend, Visibility, get_backend, path_prefixes
from services.search.contract import IndexEntry

_PG = ("search_pg_index_docs_per_s", "search_pg_query_p50_ms", "search_pg_query_p95_ms")
_ES = ("search_es_index_docs_per_s", "search_es_query_p50_ms", "search_es_query_p95_ms")
FIGURES = _PG + (_ES if os.environ.get("ELASTICSEARCH_URL") else ())

DOCUMENTS = 10_000
QUERIES = 200
BATCH = 500

SUBJECTS = [
    "各党支部",
    "支部委员会",
    "全体党员",
    "入党积极分子",
    "发展对象",
    "预备党员",
    "党小组",
    "组织委员",
    "宣传委员",
    "纪检委员",
    "二级党组织",
    "党委组织部",
    "毕业生党员",
    "流动党员",
    "离退休党员",
    "教工党支部",
]
ACTIONS = [
    "要认真学习",
    "应当按时完成",
    "须严格落实",
    "要积极参与",
    "要及时报送",
    "应当规范开展",
    "要深入推进",
    "须按规定办理",
    "要持续加强",
    "应当如实记录",
    "要统筹做好",
    "要主动对接",
]
OBJECTS = [
    "三会一课",
    "主题党日活动",
    "组织关系转接",
    "党费收缴",
    "党员档案管理",
    "民主评议党员",
    "谈心谈话",
    "发展党员工作",
    "党员教育培训",
    "组织生活会",
    "党支部换届选举",
    "困难党员帮扶",
    "党员发展计划",
    "政治理论学习",
    "党建工作考核",
    "志愿服务活动",
    "党课",
    "入党申请书",
    "思想汇报",
    "预备党员转正",
]
CONTEXTS = [
    "确保不漏一人",
    "并做好会议记录",
    "于每季度末前完成",
    "结合本单位实际",
    "在全国党员管理信息系统中办理",
    "由支部书记负责",
    "接受党员群众监督",
    "形成长效机制",
    "做到程序规范",
    "按照党章规定执行",
    "注重实际效果",
    "切实减轻基层负担",
]
TITLES = [
    "关于做好{}的通知",
    "{}工作指引",
    "{}实施办法",
    "关于加强{}的意见",
    "{}工作方案",
    "{}情况通报",
    "{}学习资料",
    "关于开展{}的通知",
]


def _document(rng: random.Random, object_id: int, paths: list[str]) -> IndexEntry:
    topic = rng.choice(OBJECTS)
    sentences = []
    for _ in range(rng.randint(6, 20)):
        subject, action, context = rng.choice(SUBJECTS), rng.choice(ACTIONS), rng.choice(CONTEXTS)
        sentences.append(f"{subject}{action}{rng.choice([topic, *rng.sample(OBJECTS, 2)])}，{context}。")
    return IndexEntry(
        kind="document",
        object_id=object_id,
        title=rng.choice(TITLES).format(topic),
        body="".join(sentences),
        url=f"/documents/{object_id}/",
        doc_type=rng.choice(["notice", "study", "minutes"]),
        tags=(topic,),
        day=date(2024, 1, 1) + timedelta(days=rng.randrange(700)),
        org_path="" if rng.random() < 0.2 else rng.choice(paths),
    )


def _queries(rng: random.Random) -> list[str]:
    words = [*OBJECTS, "党员", "支部", "通知", "转接", "档案", "学习", "党费", "会议记录", "考核"]
    return [" ".join(rng.sample(words, rng.choice([1, 1, 2, 3]))) for _ in range(QUERIES)]


def _measure(backend: SearchBackend, schema: str, prefix: str) -> list[Figure]:
    rng = random.Random(2026)
    paths = [f"1.{college}.{branch}." for college in range(2, 12) for branch in range(100, 104)]
    docs = [_document(rng, i + 1, paths) for i in range(DOCUMENTS)]
    started = time.perf_counter()
    for start in range(0, len(docs), BATCH):
        backend.upsert(schema=schema, entries=docs[start : start + BATCH])
    backend.refresh(schema=schema)
    per_s = len(docs) / (time.perf_counter() - started)
    if backend.name == "postgres":
        # What autovacuum does within a minute of a bulk load: planner statistics for the table.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{schema}".search_searchentry')
    own = "1.5.101."
    visibility = Visibility(seen_paths=(own,), within_paths=tuple(path_prefixes(own)), own_member_id=7)
    latencies = []
    for text in _queries(rng):
        began = time.perf_counter()
        backend.search(schema=schema, query=Query(text=text, visibility=visibility, limit=20))
        latencies.append((time.perf_counter() - began) * 1000)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    return [
        (f"search_{prefix}_index_docs_per_s", round(per_s, 1), "docs/s"),
        (f"search_{prefix}_query_p50_ms", round(statistics.median(latencies), 2), "ms"),
        (f"search_{prefix}_query_p95_ms", round(p95, 2), "ms"),
    ]


def run() -> list[Figure]:
    figures: list[Figure] = []
    with cleanup("benchsearch"):
        institution, _ = institution_create(code="benchsearch", name="搜索基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            figures += _measure(get_backend("postgres"), institution.schema_name, "pg")
        if os.environ.get("ELASTICSEARCH_URL"):
            from services.search.backends.elastic import ElasticsearchBackend

            es = ElasticsearchBackend(url=os.environ["ELASTICSEARCH_URL"], prefix="pcbench")
            try:
                figures += _measure(es, institution.schema_name, "es")
            finally:
                es.drop(schema=institution.schema_name)
                es.drop(schema="public")
    return figures
