"""A loopback TCP port in front of a real server, for tests of what the app does when the
network to it fails: it forwards (``restore``), drops every connection and closes new ones at
once (``cut``: the server is down), or accepts connections and never answers (``silence``: a
server that hangs). The server behind it is real; only the path to it is switched.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

Upstream = str | tuple[str, int]  # a unix socket path, or (host, port)


class TcpProxy:
    def __init__(self, upstream: Upstream | None) -> None:
        """``upstream`` None: nothing behind it, the port only refuses or hangs."""
        self.upstream = upstream
        self.mode = "forward" if upstream is not None else "cut"
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = int(self._listener.getsockname()[1])
        self._accepting = threading.Thread(target=self._accept, name="tcp-proxy", daemon=True)
        self._accepting.start()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def restore(self) -> None:
        assert self.upstream is not None, "nothing to forward to"
        self.mode = "forward"

    def cut(self) -> None:
        self.mode = "cut"
        self._drop_all()

    def silence(self) -> None:
        self.mode = "silent"

    def close(self) -> None:
        self.mode = "closed"
        self._listener.close()
        self._drop_all()

    def _drop_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def _track(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._sockets.update(sockets)

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # closed
            if self.mode == "silent":
                self._track(client)  # held open, never read from or answered
            elif self.mode == "forward":
                self._forward(client)
            else:
                _close(client)

    def _forward(self, client: socket.socket) -> None:
        assert self.upstream is not None
        try:
            if isinstance(self.upstream, str):
                server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                server.connect(self.upstream)
            else:
                server = socket.create_connection(self.upstream, timeout=10)
                server.settimeout(None)
        except OSError:
            _close(client)
            return
        self._track(client, server)
        for source, target in ((client, server), (server, client)):
            threading.Thread(target=_pump, args=(source, target), name="tcp-proxy-pump", daemon=True).start()


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    _close(source)
    _close(target)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def postgres_upstream(host: str, port: str | int) -> Upstream:
    """Where a PostgreSQL server listens, as libpq reads HOST and PORT (a directory is a unix socket's)."""
    if host.startswith("/"):
        return f"{host}/.s.PGSQL.{port or 5432}"
    return (host or "127.0.0.1", int(port or 5432))
