"""The organization tree: committee -> second-level committee / general branch -> branch ->
party group. ``path`` is a materialized path ("1.4.17.") so a subtree is one indexed prefix
query, which is how scoped permissions narrow every list."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
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
    # A dissolved or merged unit is closed, not deleted: its history stays readable.
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)

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


class Position(models.Model):
    """A party position a member holds in an org unit (支部书记, 组织委员, …), with dates.
    Positions drive permissions: see services/organization/scope.py."""

    class Kind(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
        ORGANIZATION = "organization", _("组织委员")
        PROPAGANDA = "propaganda", _("宣传委员")
        DISCIPLINE = "discipline", _("纪检委员")
        GROUP_LEADER = "group_leader", _("党小组组长")

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="positions")
    kind = models.CharField(_("职务"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("免职日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("党内职务")
        verbose_name_plural = _("党内职务")
        ordering = ["unit__path", "kind", "-started_on"]
        indexes = [models.Index(fields=["member", "ended_on"], name="position_member_active_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"


class AdminGrant(models.Model):
    """An administrative role held over an org unit's subtree by a staff account (组织部, 院系
    党委办公室), independent of party positions."""

    class Role(models.TextChoices):
        INSTITUTION_ADMIN = "institution_admin", _("学校管理员")
        UNIT_ADMIN = "unit_admin", _("院系管理员")

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="admin_grants")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="admin_grants")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    # The days the grant is in force, both included: from ``starts_on`` until ``ends_on`` (none:
    # until revoked). Scope (scope.py) reads only grants in force today and not revoked.
    starts_on = models.DateField(_("生效日期"), default=timezone.localdate)
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    granted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("授权人")
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("管理授权")
        verbose_name_plural = _("管理授权")
        indexes = [models.Index(fields=["user", "revoked_at"], name="admingrant_user_active_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.unit}"


class Term(models.Model):
    """A committee's term (换届): branch committees 3 years, second-level committees 5 by default."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="terms")
    started_on = models.DateField(_("本届开始"))
    ends_on = models.DateField(_("届满日期"))

    class Meta:
        verbose_name = _("届期")
        verbose_name_plural = _("届期")
        ordering = ["unit", "-started_on"]

    def __str__(self) -> str:
        return f"{self.unit} {self.started_on}–{self.ends_on}"


class OrgUnitChange(models.Model):
    """History of the tree: creations, renames, moves, merges and closures of units."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    actor_username = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=20)  # created, renamed, moved, merged, closed
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind}"
