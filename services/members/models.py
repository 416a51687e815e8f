"""The member record (党员档案), core fields. National ID and phone are encrypted at rest and
looked up through a keyed blind index."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from services.crypto import EncryptedTextField
from services.organization.models import OrgUnit


class Member(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class Category(models.TextChoices):
        STUDENT = "student", _("学生")
        FACULTY = "faculty", _("教师")
        STAFF = "staff", _("职工")
        RETIREE = "retiree", _("离退休")

    class Status(models.TextChoices):
        NORMAL = "normal", _("正式党员")
        PROBATIONARY = "probationary", _("预备党员")
        MOBILE = "mobile", _("流动党员")
        ABROAD = "abroad", _("出国（境）")
        RETAINED = "retained", _("毕业保留组织关系")
        LOST_CONTACT = "lost_contact", _("失联")
        TRANSFERRED_OUT = "transferred_out", _("已转出")
        STOPPED = "stopped", _("停止党籍")
        DECEASED = "deceased", _("已故")

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    national_id = EncryptedTextField(_("身份证号"))
    national_id_index = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号"), blank=True)
    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices)
    number = models.CharField(_("学号/工号"), max_length=30, blank=True)
    status = models.CharField(_("党籍状态"), max_length=20, choices=Status.choices, default=Status.NORMAL)
    branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="members", verbose_name=_("所在支部"))
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    confirmed_on = models.DateField(_("转正日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["branch", "status"], name="member_branch_status_idx")]

    def __str__(self) -> str:
        return self.name
