"""The roster import's option "为导入的党员开通账号": after the commit, every member of the file on
the roll without an account gets one (new, updated and unchanged rows alike), the job says how
many; without the option, none. The API's confirm takes the same flag."""

from __future__ import annotations

from django.test import Client

from services.accounts.models import User
from services.accounts.services import api_token_create
from services.members import imports, tasks
from services.members.models import ImportJob, Member
from tenants.models import Institution
from tests.conftest import host_of, in_schema
from tests.members.test_import import World, import_file, row, run_validation, start, world, xlsx

__all__ = ["world"]  # the fixture, used below


def _confirm_with_accounts(inst: Institution, job: ImportJob, user: User) -> ImportJob:
    with in_schema(inst):
        assert imports.import_confirm(
            job=job, acting_user=user, schema_name=inst.schema_name, language="zh-hans", create_accounts=True
        )
    tasks.commit_import.run(inst.schema_name, str(job.pk))
    with in_schema(inst):
        return ImportJob.objects.get(pk=job.pk)


def test_accounts_for_the_imported_members_who_have_none(inst_a: Institution, world: World) -> None:
    first = [row(姓名="赵一", **{"学号/工号": "S1"}), row(姓名="钱二", **{"学号/工号": "S2"})]
    done = import_file(inst_a, world.admin, xlsx(first))
    assert done.status == ImportJob.Status.DONE and not done.create_accounts and done.accounts_created == 0
    with in_schema(inst_a):
        assert not Member.objects.filter(name__in=["赵一", "钱二"], user__isnull=False).exists()
        job = start(inst_a, world.admin, xlsx([*first, row(姓名="孙三", **{"学号/工号": "S3"})]))
    job = run_validation(inst_a, job)
    assert job.status == ImportJob.Status.PREVIEW and job.unchanged_count == 2 and job.created_count == 1
    job = _confirm_with_accounts(inst_a, job, world.admin)
    assert job.status == ImportJob.Status.DONE and job.accounts_created == 3 and not job.failure
    with in_schema(inst_a):
        imported = Member.objects.filter(name__in=["赵一", "钱二", "孙三"])
        usernames = set(imported.values_list("user__username", flat=True))
        assert usernames == {"S1", "S2", "S3"}
        assert not User.objects.get(username="S3").has_usable_password()


def test_the_api_confirm_takes_the_flag(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([row(姓名="李四", **{"学号/工号": "S9"})]))
        _, raw = api_token_create(user=world.admin, name="t")
    job = run_validation(inst_a, job)
    api = Client(HTTP_HOST=host_of(inst_a), HTTP_AUTHORIZATION=f"Bearer {raw}")
    answer = api.post(
        f"/api/members/imports/{job.pk}/confirm/", {"create_accounts": True}, content_type="application/json"
    )
    assert answer.status_code == 202 and answer.json()["create_accounts"] is True
    tasks.commit_import.run(inst_a.schema_name, str(job.pk))
    body = api.get(f"/api/members/imports/{job.pk}/").json()
    assert body["status"] == "done" and body["accounts_created"] == 1
