"""The organization tree: committee -> second-level committee / general branch -> branch ->
party group. ``path`` is a materialized path ("1.4.17.") so a subtree is one indexed prefix
query, which is how scoped permissions narrow every list."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        SECOND_LEVEL = "second_level", _("院系党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")
        PARTY_GROUP = "party_group", _("党小组")

    class BranchKind(models.TextChoices):
        NONE = "", _("—")
        TEACHER = "teacher", _("教工支部")
        UNDERGRADUATE = "undergraduate", _("本科生支部")
        GRADUATE = "graduate", _("研究生支部")
        RETIREE = "retiree", _("离退休支部")
        JOINT = "joint", _("联合支部")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    branch_kind = models.CharField(_("支部类型"), max_length=20, choices=BranchKind.choices, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="orgunit_path_prefix_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(".") - 1
