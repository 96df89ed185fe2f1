"""`ProxyServer`: the proxy served by uvicorn on a background thread.

The desktop app (app/proxy_thread.py) and the tests start the proxy this way; the headless
`headroom proxy` command uses it too and simply waits. uvicorn reports a failed bind by exiting
its serve loop (SystemExit), so the thread catches everything and exposes it as `error`.
"""

from __future__ import annotations

import logging
import threading
import time

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)


class ProxyServer:
    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 8787,
                 log_level: str = "warning"):
        self.host = host
        self.port = port
        config = uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="on",
                                access_log=False, loop="asyncio", http="h11", ws="none",
                                server_header=False, date_header=False, timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self.error: BaseException | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("ProxyServer.start() called twice")
        self._thread = threading.Thread(target=self._run, name="headroom-proxy", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._server.run()
        except BaseException as err:  # SystemExit from a failed bind included: report, not die
            self.error = err
        finally:
            if not self._server.started and self.error is None:
                self.error = RuntimeError(f"proxy could not start on {self.host}:{self.port}")
            self._done.set()

    def wait_started(self, timeout: float | None = 10.0) -> bool:
        """True once serving; False if it failed (see `error`) or `timeout` passed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is None or time.monotonic() < deadline:
            if self._server.started:
                return True
            if self._done.wait(0.01):
                return False
        return self._server.started

    @property
    def started(self) -> bool:
        return self._server.started and not self._done.is_set()

    @property
    def bound_port(self) -> int:
        """The real port (differs from `port` when started with port 0)."""
        for server in getattr(self._server, "servers", []):
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return self.port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.bound_port}"

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(timeout)

    def wait(self) -> None:
        """Block until the server stops (the headless command's main loop)."""
        self._done.wait()
