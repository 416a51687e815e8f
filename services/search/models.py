"""The search index: an outbox of pending updates, drained into the configured backend, and the
PostgreSQL backend's index table. Both tables exist in every schema (the app is shared and per
institution): the public copy holds what the municipal committee publishes to all institutions."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class SearchOutbox(models.Model):
    """One pending (re)index of ``kind``/``object_id``, written in the writer's transaction.
    Deleted only after the backend confirmed; a failure keeps it with ``attempts`` and
    ``next_attempt_at`` pushed back (exponential backoff)."""

    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        indexes = [models.Index(fields=["next_attempt_at", "id"], name="search_outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} (attempts {self.attempts})"


class SearchEntry(models.Model):
    """One indexed object (PostgreSQL backend). ``vector`` holds the jieba tokens (title weight
    A, extra such as pinyin A, body D); ``grams`` the distinct characters and character bigrams
    of ``plain`` (the normalised text), which find any exact substring the segmenter split
    differently; ``plain`` confirms such a match with strpos."""

    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    title = models.TextField()
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    doc_type = models.CharField(max_length=30, blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    day = models.DateField(null=True, blank=True)
    org_path = models.CharField(max_length=255, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    plain = models.TextField(blank=True)
    vector = SearchVectorField(null=True)
    grams = SearchVectorField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_kind_object_uniq")]
        indexes = [
            GinIndex(fields=["vector"], name="search_entry_vector_gin"),
            GinIndex(fields=["grams"], name="search_entry_grams_gin"),
            GinIndex(fields=["tags"], name="search_entry_tags_gin"),
            models.Index(fields=["kind", "day"], name="search_entry_kind_day_idx"),
            models.Index(fields=["org_path"], name="search_entry_org_path_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"
