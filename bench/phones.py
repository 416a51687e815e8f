"""Many phones against a real server (bench/real_server.py) without measuring the client instead
of the server.

Two things made the first benchmarks through gunicorn report the client's costs as the server's
latency: a ``requests.Session`` spends about as much CPU per request as a light answer path of the
server does, and twenty or three hundred client threads of one process wait for one GIL — the time
a thread waited before it could read its answer was counted. So a phone here is a plain
``http.client`` keep-alive connection with a small cookie jar, and the phones are spread over a few
forked processes (``in_processes``), each running its share on threads.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.db import connections

# Two cores: the server's processes and these share them. BENCH_CLIENT_PROCESSES=1 shows what one
# process of client threads adds to the figures.
PROCESSES = int(os.environ.get("BENCH_CLIENT_PROCESSES", "3"))

Job = TypeVar("Job")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    location: str
    took: float  # seconds from sending the request to the last byte of the answer


class Phone:
    """One person's phone: its own keep-alive connection to the server on ``port`` for the
    institution at ``host``, its own cookies (kept from the answers, sent back), and
    ``headers`` on every request (e.g. its address as the proxy says it)."""

    def __init__(self, port: int, host: str, headers: dict[str, str] | None = None) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Host": f"{host}:{port}", **(headers or {})}
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, data: bytes, headers: dict[str, str]) -> http.client.HTTPResponse:
        sock = self.connection.sock
        if sock is not None and select.select([sock], [], [], 0)[0]:
            self.connection.close()  # readable while idle: closed by the server (what urllib3 checks)
        self.connection.request(method, path, body=data, headers=headers)
        return self.connection.getresponse()

    def request(self, method: str, path: str, data: bytes = b"", headers: dict[str, str] | None = None) -> Answer:
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        started = time.perf_counter()
        try:
            response = self._send(method, path, data, headers)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed this kept-alive connection (a worker recycled after
            # GUNICORN_MAX_REQUESTS): a new connection, as a browser would open; its time counts.
            self.connection.close()
            response = self._send(method, path, data, headers)
        body = response.read()
        took = time.perf_counter() - started
        for line in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, body, response.headers.get("Location", ""), took)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post_form(self, path: str, form: dict[str, str]) -> Answer:
        """A form as the browser posts it, with the CSRF cookie's token (GET the form first)."""
        data = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}).encode()
        return self.request("POST", path, data, {"Content-Type": "application/x-www-form-urlencoded"})

    def close(self) -> None:
        self.connection.close()


@dataclass
class Shard(Generic[Result]):
    """What one process's phones did: their results, their failures and its CPU seconds."""

    results: list[Result] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu: float = 0.0


def _shard(one: Callable[[Job], Result], jobs: Sequence[Job], at_once: int) -> Shard[Result]:
    cpu = time.process_time()
    shard: Shard[Result] = Shard()
    lock = threading.Lock()

    def run(job: Job) -> None:
        try:
            result = one(job)
        except Exception as exc:  # every failure is counted, and the benchmark decides
            with lock:
                shard.errors.append(repr(exc)[:300])
            return
        with lock:
            shard.results.append(result)

    with ThreadPoolExecutor(max_workers=max(1, at_once)) as pool:
        list(pool.map(run, jobs))
    shard.cpu = time.process_time() - cpu
    return shard


def in_processes(
    one: Callable[[Job], Result], jobs: Sequence[Job], *, at_once: int | None = None, processes: int = PROCESSES
) -> Shard[Result]:
    """Run ``one(job)`` for every job over ``processes`` forked processes, ``at_once`` jobs in
    flight in all (every job at once when None); ``one`` must be a module-level function (it is
    sent to the processes by name). Returns all results, all errors and the processes' CPU."""
    connections.close_all()  # the forked processes inherit no database connection
    shares = [list(jobs[i::processes]) for i in range(processes)]
    flights = [len(share) for share in shares]
    if at_once is not None:
        flights = [at_once // processes + (1 if i < at_once % processes else 0) for i in range(processes)]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [
            pool.submit(_shard, one, share, flight) for share, flight in zip(shares, flights, strict=True) if share
        ]
        done: list[Shard[Any]] = [future.result() for future in futures]
    return Shard(
        results=[r for shard in done for r in shard.results],
        errors=[e for shard in done for e in shard.errors],
        cpu=sum(shard.cpu for shard in done),
    )
