"""The embedded proxy's lifecycle as the GUI sees it: start, stop and restart without blocking the
window, one `state_changed` signal, and a clear answer when the port is taken (with a free port
to offer instead). The server itself is engine.proxy's ProxyServer, built by an injected factory."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal

from app.snippets import base_url
from app.tasks import Runner

START_TIMEOUT_S = 10.0


class ServerLike(Protocol):
    url: str
    error: BaseException | None

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def wait_started(self, timeout: float | None = None) -> bool: ...


class ProxyState(StrEnum):
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    FAILED = "failed"


@dataclass(frozen=True)
class ProxyStatus:
    state: ProxyState
    host: str
    port: int
    message: str = ""
    port_in_use: bool = False
    suggested_port: int | None = None

    @property
    def base_url(self) -> str:
        return base_url(self.host, self.port)


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            return err.errno == errno.EADDRINUSE
    return False


def free_port_near(host: str, port: int, tries: int = 20) -> int | None:
    for candidate in range(port + 1, min(65535, port + tries) + 1):
        if not port_in_use(host, candidate):
            return candidate
    return None


class ProxyController(QObject):
    state_changed = Signal(object)  # ProxyStatus

    def __init__(self, factory: Callable[[str, int], ServerLike], runner: Runner,
                 host: str, port: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._runner = runner
        self._server: ServerLike | None = None
        self.status = ProxyStatus(ProxyState.STOPPED, host, port)

    def start(self, port: int | None = None) -> None:
        if self.status.state in (ProxyState.STARTING, ProxyState.RUNNING):
            return
        host, port = self.status.host, port or self.status.port
        self._set(ProxyStatus(ProxyState.STARTING, host, port, "starting…"))
        if port_in_use(host, port):
            self._set(ProxyStatus(ProxyState.FAILED, host, port,
                                  f"Port {port} is already in use by another program.",
                                  port_in_use=True, suggested_port=free_port_near(host, port)))
            return
        server = self._factory(host, port)
        self._server = server
        self._runner.submit("proxy.lifecycle", lambda: _start(server),
                            lambda error: self._on_started(server, error), self._on_crash)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            self._set(ProxyStatus(ProxyState.STOPPED, self.status.host, self.status.port))
            return
        self._set(ProxyStatus(ProxyState.STOPPED, self.status.host, self.status.port, "stopping…"))
        self._runner.submit("proxy.lifecycle", server.stop, lambda _: None, self._on_crash)

    def stop_blocking(self) -> None:
        """For application exit: stop the server and wait for it."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
        self.status = ProxyStatus(ProxyState.STOPPED, self.status.host, self.status.port)

    def restart(self, port: int | None = None) -> None:
        server, self._server = self._server, None
        host, port = self.status.host, port or self.status.port
        self._set(ProxyStatus(ProxyState.STARTING, host, port, "restarting…"))

        def job() -> None:
            if server is not None:
                server.stop()

        self._runner.submit("proxy.lifecycle", job, lambda _: self._start_after_stop(port),
                            self._on_crash)

    def _start_after_stop(self, port: int) -> None:
        self.status = ProxyStatus(ProxyState.STOPPED, self.status.host, port)
        self.start(port)

    def set_address(self, host: str, port: int) -> None:
        """A settings change: restart on the new address if the proxy was running. The old
        server stops on the pool: it may wait for open streams, and the window must not."""
        running = self.status.state in (ProxyState.RUNNING, ProxyState.STARTING)
        self.status = ProxyStatus(ProxyState.STOPPED, host, port)
        if running:
            self.restart(port)
        else:
            self.state_changed.emit(self.status)

    def _on_started(self, server: ServerLike, error: str | None) -> None:
        if server is not self._server:
            return
        host, port = self.status.host, self.status.port
        if error is None:
            bound = urlsplit(server.url).port or port  # the real port when asked for port 0
            self._set(ProxyStatus(ProxyState.RUNNING, host, bound))
        else:
            self._server = None
            self._set(ProxyStatus(ProxyState.FAILED, host, port, error))

    def _on_crash(self, message: str) -> None:
        self._set(ProxyStatus(ProxyState.FAILED, self.status.host, self.status.port, message))

    def _set(self, status: ProxyStatus) -> None:
        self.status = status
        self.state_changed.emit(status)


def _start(server: ServerLike) -> str | None:
    """Runs on the pool: start and wait; the error text, or None when serving."""
    server.start()
    if not server.wait_started(START_TIMEOUT_S):
        return str(server.error or f"the proxy did not start within {START_TIMEOUT_S:.0f} s")
    return str(server.error) if server.error else None
