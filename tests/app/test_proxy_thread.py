from __future__ import annotations

import threading
from typing import Any

from app.proxy_thread import ProxyController, ProxyState, ProxyStatus
from app.tasks import Runner


class RecordingServer:
    def __init__(self, host: str, port: int) -> None:
        self.url = f"http://{host}:{port}"
        self.error: BaseException | None = None
        self.stopped_on: threading.Thread | None = None

    def start(self) -> None:
        pass

    def stop(self) -> None:
        self.stopped_on = threading.current_thread()

    def wait_started(self, timeout: float | None = None) -> bool:
        return True


def test_new_address_restarts_without_stopping_on_the_gui_thread(qtbot: Any) -> None:
    servers: list[RecordingServer] = []

    def factory(host: str, port: int) -> RecordingServer:
        servers.append(RecordingServer(host, port))
        return servers[-1]

    proxy = ProxyController(factory, Runner(max_threads=1), "127.0.0.1", 18787)
    proxy.start()
    qtbot.waitUntil(lambda: proxy.status.state is ProxyState.RUNNING)
    proxy.set_address("127.0.0.1", 18788)
    qtbot.waitUntil(lambda: proxy.status.state is ProxyState.RUNNING
                    and proxy.status.port == 18788)
    assert [s.url for s in servers] == ["http://127.0.0.1:18787", "http://127.0.0.1:18788"]
    assert servers[0].stopped_on not in (None, threading.main_thread())


def test_base_url_brackets_an_ipv6_host() -> None:
    assert ProxyStatus(ProxyState.RUNNING, "::1", 8787).base_url == "http://[::1]:8787"
    assert ProxyStatus(ProxyState.RUNNING, "127.0.0.1", 8787).base_url == "http://127.0.0.1:8787"
