"""The "member" search provider: name, full pinyin and pinyin initials, visible within the
caller's scope (the entry's org_path is the member's branch path; see services/search).

The national ID and the phone number are never indexed: an entry holds the name, the branch
name, the status and the pinyin only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.urls import reverse

from services.search.contract import IndexEntry, search_provider
from services.search.text import name_pinyin

from .models import Member


def _all_ids() -> Iterable[int]:
    return Member.objects.values_list("pk", flat=True)


def _ids_under(path_prefix: str) -> Iterable[int]:
    return Member.objects.filter(branch__path__startswith=path_prefix).values_list("pk", flat=True)


@search_provider("member", all_ids=_all_ids, ids_under=_ids_under)
def member_entries(ids: Iterable[int]) -> Iterator[IndexEntry]:
    members = (
        Member.objects.filter(pk__in=list(ids))
        .select_related("branch")
        .only("pk", "name", "status", "number", "joined_on", "branch__name", "branch__path")
    )
    for member in members:
        full, initials = name_pinyin(member.name)
        yield IndexEntry(
            kind="member",
            object_id=member.pk,
            title=member.name,
            body=f"{member.branch.name} · {member.get_status_display()}",
            url=reverse("members:detail", kwargs={"pk": member.pk}),
            doc_type="member",
            day=member.joined_on,
            org_path=member.branch.path,
            extra={"pinyin": full, "initials": initials},
        )
