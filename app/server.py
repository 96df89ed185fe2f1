"""The embedded proxy for the app: engine.proxy's FastAPI app over the app's shared engine parts,
served by engine.proxy's ProxyServer on a thread. `settings` may differ from the parts' own (the
demo points a second proxy at the fake provider while sharing the store and pipeline)."""

from __future__ import annotations

from app.engine_parts import EngineParts
from engine.config import Settings
from engine.proxy.app import create_app
from engine.proxy.server import ProxyServer


def proxy_server(parts: EngineParts, host: str, port: int,
                 settings: Settings | None = None) -> ProxyServer:
    chosen = (settings or parts.settings).replace(host=host, port=port)
    app = create_app(chosen, parts.store, parts.pipeline, ccr=parts.ccr)
    return ProxyServer(app, host, port)
