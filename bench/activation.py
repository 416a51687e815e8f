"""Self-activation under a crowd (issue 11): 20 clients at once, each activating members one after
another through a real server (gunicorn, as `make run` serves): step 1 (number, name, the ID's last
six: the lookup, the account made, the code issued and its message queued) and step 2 (the code,
read from the log of the Celery worker that delivers the message after the request, as `make run`
does, as the person reads the SMS; the delivery is not timed). The figure is the 95th percentile
of those requests' latency. Each client comes from its own address (X-Forwarded-For behind one
trusted proxy, as in production), so the per-address limits hold as they would for 20 phones. The
clients are bench/phones.py's (plain http.client, spread over three processes), so their own CPU
and their wait for one GIL are not counted as the server's latency."""

from __future__ import annotations

import functools
import re
import statistics
import threading
import time
from datetime import date
from pathlib import Path

from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from bench.phones import Phone, in_processes
from bench.real_server import serving
from console.services import institution_create
from services.crypto import blind_index
from services.members.fake_ids import fake_national_id
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from tenants.db import connection

FIGURES = ("accounts_activate_p95_ms",)
CLIENTS = 20
ROUNDS = 5  # activations per client: 10 attempts a minute, under the per-address limit
HOST = "bact.localhost"


def _members(count: int) -> list[tuple[str, str, str]]:
    """Members on the roll with a phone each: (number, name, last six of the ID)."""
    import random

    rng = random.Random(11)
    committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
    college = org_unit_create(name="学院", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
    branch = org_unit_create(
        name="支部", kind=OrgUnit.Kind.BRANCH, parent=college, branch_kind=OrgUnit.BranchKind.UNDERGRADUATE
    )
    people, rows, taken = [], [], set()
    for i in range(count):
        number = fake_national_id(rng, date(2004, 1 + i % 12, 1 + i % 28), male=i % 2 == 0)
        while number in taken:
            number = fake_national_id(rng, date(2004, 1 + i % 12, 1 + i % 28), male=i % 2 == 0)
        taken.add(number)
        rows.append(
            Member(
                name=f"学生{i:03d}",
                gender="male" if int(number[16]) % 2 else "female",
                birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                national_id=number,
                national_id_index=blind_index(number),
                phone=f"1380000{i:04d}",
                category=Member.Category.STUDENT,
                number=f"B{i:07d}",
                branch=branch,
            )
        )
        people.append((f"B{i:07d}", f"学生{i:03d}", number[-6:]))
    Member.objects.bulk_create(rows)
    return people


SMS = re.compile(r"SMS .*?to (\d{3}\*{4}\d{4}): .*?验证码为 ?(\d{6})")


class SmsInbox:
    """The codes the Celery worker has logged, as the phones would receive them. One reader follows
    the log from where it stopped, for all clients: twenty clients each re-reading the whole,
    growing log ten times a second spent the two cores the server is measured on."""

    def __init__(self, log: Path) -> None:
        self.log, self.offset, self.lock = log, 0, threading.Lock()
        self.codes: dict[str, str] = {}

    def _read(self) -> None:
        with self.log.open("rb") as stream:
            stream.seek(self.offset)
            chunk = stream.read()
        complete = chunk.rfind(b"\n") + 1  # a line still being written is read next time
        self.offset += complete
        for masked, code in SMS.findall(chunk[:complete].decode("utf-8", "replace")):
            self.codes[masked] = code

    def code(self, phone: str) -> str:
        masked = f"{phone[:3]}****{phone[-4:]}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the worker sends it after the request's commit
            with self.lock:
                self._read()
                if masked in self.codes:
                    return str(self.codes.pop(masked))
            time.sleep(0.1)
        raise RuntimeError(f"no SMS for {masked}")


@functools.cache
def _inbox(log: str) -> SmsInbox:
    """This process's reader of the worker's log (one per process, shared by its clients)."""
    return SmsInbox(Path(log))


Client = tuple[int, str, str, int, list[tuple[str, str, str]]]  # port, host, log, index, its people


def _client(job: Client) -> list[float]:
    """One client activating its people one after another, each from a phone of its own address."""
    port, host, log, index, people = job
    times = []
    for round_, (number, name, tail) in enumerate(people):
        phone = Phone(port, host, {"X-Forwarded-For": f"10.11.{index}.{round_ + 1}"})
        try:
            assert phone.get("/accounts/activate/").status == 200  # the form, and its CSRF cookie
            first = phone.post_form("/accounts/activate/", {"number": number, "name": name, "id_tail": tail})
            assert first.status == 302, first.body[:500]
            code = _inbox(log).code(f"1380000{int(number[1:]):04d}")
            second = phone.post_form("/accounts/activate/verify/", {"code": code})
            assert second.status == 302 and second.location.endswith("/password/"), second.body[:500]
        finally:
            phone.close()
        times += [first.took, second.took]
    return times


def run() -> list[Figure]:
    with cleanup("bact"):
        institution, _ = institution_create(code="bact", name="激活基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            people = _members(CLIENTS * ROUNDS)
        connection.set_schema_to_public()
        with serving(HOST, worker=True, TRUSTED_PROXY_COUNT="1") as server:
            jobs = [
                (server.port, server.host, str(server.log), i, people[i * ROUNDS : (i + 1) * ROUNDS])
                for i in range(CLIENTS)
            ]
            cpu_before = server.cpu_seconds()
            done = in_processes(_client, jobs)
            cpu = server.cpu_seconds() - cpu_before
        assert not done.errors, f"{len(done.errors)} clients failed, e.g. {done.errors[:3]}"
        times = sorted(t for batch in done.results for t in batch)
        p95 = statistics.quantiles(times, n=20)[-1]
        return [
            ("accounts_activate_p95_ms", p95 * 1000, "ms"),
            ("accounts_activate_median_ms", statistics.median(times) * 1000, "ms"),
            # The server's CPU per timed request (the form's GET before each activation included).
            ("accounts_activate_cpu_ms_per_request", cpu * 1000 / len(times), "ms"),
            ("accounts_activate_client_cpu_ms_per_request", done.cpu * 1000 / len(times), "ms"),
        ]
