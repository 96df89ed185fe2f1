"""Proxy benchmarks, one command: `.venv/bin/python tests/benchmarks/bench_proxy.py`.

Three processes: a minimal loopback upstream (raw asyncio HTTP/1.1, so it costs almost nothing),
the real proxy (store, CCR store, pipeline, uvicorn) and this client (raw keep-alive sockets).
Every proxied figure is compared with a direct call to the same upstream in the same run.

Targets (issue 5): pass-through overhead p50 <= 2 ms and p99 <= 10 ms at concurrency 1;
>= 400 requests/s at concurrency 32; streaming adds <= 5 ms to the first byte with chunk count
preserved; pass-through p99 <= 20 ms while 30k-token tool outputs are compressed alongside.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

CHAT = json.dumps({"id": "chatcmpl-1", "object": "chat.completion", "created": 1,
                   "model": "gpt-4o", "choices": [{"index": 0, "finish_reason": "stop",
                   "message": {"role": "assistant", "content": "hello"}}],
                   "usage": {"prompt_tokens": 9, "completion_tokens": 1,
                             "total_tokens": 10}}).encode()
PAUSE_S = 2.0
STREAM_CHUNKS = 20
STREAM_GAP_S = 0.005
SMALL = json.dumps({"model": "gpt-4o",
                    "messages": [{"role": "user", "content": "hello"}]}).encode()


# Upstream: raw asyncio, keep-alive, content-length JSON or chunked SSE ---------------------

def _sse_chunk(n: int, usage: bool) -> bytes:
    """One chunk; with include_usage, OpenAI adds "usage":null to each (the proxy asks for usage
    upstream and takes it out again for a client that did not ask)."""
    data = (b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o",'
            b'"choices":[{"index":0,"delta":{"content":"w%d "},"finish_reason":null}]%s}\n\n'
            % (n, b',"usage":null' if usage else b""))
    return b"%x\r\n%s\r\n" % (len(data), data)


USAGE_CHUNK = (b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o",'
               b'"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":20,'
               b'"total_tokens":29}}\n\n')


async def _upstream_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = await reader.readexactly(length)
            if b'"stream": true' in body or b'"stream":true' in body:
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                             b"transfer-encoding: chunked\r\n\r\n")
                usage = b'"include_usage"' in body
                for n in range(STREAM_CHUNKS):
                    writer.write(_sse_chunk(n, usage))
                    await writer.drain()
                    await asyncio.sleep(STREAM_GAP_S)
                if usage:
                    writer.write(b"%x\r\n%s\r\n" % (len(USAGE_CHUNK), USAGE_CHUNK))
                done = b"data: [DONE]\n\n"
                writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(done), done))
            else:
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                             b"content-length: %d\r\n\r\n%s" % (len(CHAT), CHAT))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


def run_upstream(port_out: multiprocessing.connection.Connection) -> None:
    async def main() -> None:
        server = await asyncio.start_server(_upstream_conn, "127.0.0.1", 0, backlog=512)
        port_out.send(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


def run_proxy(upstream_port: int, data_dir: str,
              port_out: multiprocessing.connection.Connection) -> None:
    from app.commands.proxy import GIL_SWITCH_INTERVAL_S
    from engine.ccr.store import CCRStore
    from engine.config import load_settings
    from engine.pipeline import build_pipeline
    from engine.proxy.app import create_app
    from engine.proxy.server import ProxyServer
    from engine.store.store import Store

    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)  # as `headroom proxy` does
    base = f"http://127.0.0.1:{upstream_port}"
    settings = load_settings({}, data_dir, openai_upstream=base + "/v1",
                             anthropic_upstream=base, port=0)
    store = Store.open(settings.db_path, settings.body_storage)
    ccr = CCRStore(settings.ccr_path, settings.ccr_ttl_seconds, settings.ccr_max_bytes)
    server = ProxyServer(create_app(settings, store, build_pipeline(settings, ccr), ccr=ccr),
                         "127.0.0.1", 0)
    server.start()
    server.wait_started(30)
    port_out.send(server.bound_port)
    server.wait()


# Client: raw keep-alive HTTP/1.1 --------------------------------------------------------

class Conn:
    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader
        self.writer: asyncio.StreamWriter
        self.body = b""  # the last streamed body

    async def open(self) -> Conn:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def post(self, body: bytes, path: bytes = b"/v1/chat/completions"
                   ) -> tuple[float, float, int]:
        """(seconds to first body byte, seconds total, number of body chunks)."""
        start = time.perf_counter()
        self.writer.write(b"POST %s HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: "
                          b"application/json\r\nauthorization: Bearer sk-bench\r\n"
                          b"content-length: %d\r\n\r\n%s" % (path, len(body), body))
        head = await self.reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head[:200]
        lowered = head.lower()
        if b"transfer-encoding: chunked" in lowered:
            return await self._chunked(start)
        length = int(lowered.split(b"content-length:")[1].split(b"\r\n")[0])
        await self.reader.readexactly(length)
        elapsed = time.perf_counter() - start
        return elapsed, elapsed, 1

    async def _chunked(self, start: float) -> tuple[float, float, int]:
        first, chunks, self.body = 0.0, 0, b""
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
            if first == 0.0:
                first = time.perf_counter() - start
            self.body += (await self.reader.readexactly(size + 2))[:-2]
            if size == 0:
                return first, time.perf_counter() - start, chunks
            chunks += 1


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000.0


async def latencies(port: int, n: int, body: bytes = SMALL) -> list[float]:
    conn = await Conn(port).open()
    for _ in range(50):
        await conn.post(body)
    return [(await conn.post(body))[1] for _ in range(n)]


async def throughput(port: int, concurrency: int, n: int) -> float:
    conns = [await Conn(port).open() for _ in range(concurrency)]
    per = n // concurrency

    async def worker(conn: Conn) -> None:
        for _ in range(per):
            await conn.post(SMALL)

    await asyncio.gather(*(worker(c) for c in conns[:concurrency]))  # warm up
    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    return per * concurrency / (time.perf_counter() - start)


async def streaming(port: int, n: int, **extra: object
                    ) -> tuple[list[float], list[int], list[float], bytes]:
    conn = await Conn(port).open()
    body = json.dumps({"model": "gpt-4o", "stream": True,
                       "messages": [{"role": "user", "content": "hi"}], **extra}).encode()
    firsts, counts, totals = [], [], []
    for _ in range(n):
        first, total, chunks = await conn.post(body)
        firsts.append(first)
        totals.append(total)
        counts.append(chunks)
    return firsts, counts, totals, conn.body


def tool_output_request(seed: int) -> bytes:
    """~30k tokens of JSON tool output, different per request (no projection-cache hits)."""
    rng = random.Random(seed)
    items = [{"id": i, "service": rng.choice(["api", "db", "cache", "auth"]),
              "latency_ms": rng.randint(1, 900), "status": rng.choice(["ok", "ok", "ok", "slow"]),
              "trace": f"{rng.getrandbits(64):016x}", "path": f"/v1/items/{rng.randint(1, 10**6)}"}
             for i in range(580)]
    return json.dumps({"model": "gpt-4o", "messages": [
        {"role": "user", "content": "which requests were slow?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "query_logs", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": json.dumps(items)}]}).encode()


async def under_compression(port: int, n: int) -> tuple[list[float], int]:
    stop = asyncio.Event()
    compressed = 0

    async def heavy(worker: int) -> None:
        nonlocal compressed
        conn = await Conn(port).open()
        seed = worker * 100_000
        while not stop.is_set():
            seed += 1
            await conn.post(tool_output_request(seed))
            compressed += 1

    bodies = [tool_output_request(s) for s in range(2)]
    assert bodies
    tasks = [asyncio.create_task(heavy(w)) for w in range(2)]
    await asyncio.sleep(1.0)
    measured = await latencies(port, n)
    stop.set()
    await asyncio.gather(*tasks)
    return measured, compressed


# Orchestration --------------------------------------------------------------------------

def start(target: Callable[..., object], *args: object) -> tuple[multiprocessing.Process, int]:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=target, args=(*args, child), daemon=True)
    process.start()
    port = parent.recv()
    return process, int(port)


def report(name: str, value: float, target: str, ok: bool) -> dict[str, object]:
    print(f"  {name:<48} {value:>9.3f}  target {target:<10} {'PASS' if ok else 'FAIL'}")
    return {"name": name, "value": round(value, 3), "target": target, "pass": ok}


async def bench(upstream: int, proxy: int, n: int) -> list[dict[str, object]]:
    results = []
    direct, proxied = await latencies(upstream, n), await latencies(proxy, n)
    print(f"concurrency 1, {n} small chat requests (ms): direct p50 {pct(direct, .5):.3f} "
          f"p99 {pct(direct, .99):.3f}; proxied p50 {pct(proxied, .5):.3f} "
          f"p99 {pct(proxied, .99):.3f}")
    results.append(report("pass-through overhead p50 (ms)", pct(proxied, .5) - pct(direct, .5),
                          "<= 2", pct(proxied, .5) - pct(direct, .5) <= 2))
    results.append(report("pass-through overhead p99 (ms)",
                          pct(proxied, .99) - pct(direct, .99), "<= 10",
                          pct(proxied, .99) - pct(direct, .99) <= 10))
    await asyncio.sleep(PAUSE_S)
    rate_direct, rate = await throughput(upstream, 32, 2 * n), await throughput(proxy, 32, 2 * n)
    print(f"concurrency 32: direct {rate_direct:.0f} req/s")
    results.append(report("proxied throughput at concurrency 32 (req/s)", rate, ">= 400",
                          rate >= 400))
    await asyncio.sleep(PAUSE_S)  # let the proxy's recorder drain before the next phase
    d_first, d_counts, d_total, d_body = await streaming(upstream, 40)
    p_first, p_counts, p_total, p_body = await streaming(proxy, 40)
    added = pct(p_first, .5) - pct(d_first, .5)
    print(f"streaming ({STREAM_CHUNKS} events, {STREAM_GAP_S * 1000:.0f} ms apart): TTFB direct "
          f"p50 {pct(d_first, .5):.3f} ms, proxied {pct(p_first, .5):.3f} ms; total direct "
          f"{pct(d_total, .5):.1f} ms, proxied {pct(p_total, .5):.1f} ms; chunks direct "
          f"{statistics.median(d_counts)}, proxied {statistics.median(p_counts)}")
    results.append(report("streaming added TTFB p50 (ms)", added, "<= 5", added <= 5))
    results.append(report("streaming chunks preserved (proxied/direct)",
                          statistics.median(p_counts) / statistics.median(d_counts), "== 1",
                          statistics.median(p_counts) >= statistics.median(d_counts)))
    results.append(report("streamed body identical (proxy asks usage upstream)",
                          float(p_body == d_body), "== 1", p_body == d_body))
    # The same stream when the client states include_usage itself: nothing spliced or hidden.
    plain = (await streaming(proxy, 40, stream_options={"include_usage": False}))[0]
    cost = pct(p_first, .5) - pct(plain, .5)
    print(f"streaming TTFB p50 without the usage splice: {pct(plain, .5):.3f} ms")
    results.append(report("usage splice + hiding, added TTFB p50 (ms)", cost, "<= 1", cost <= 1))
    await asyncio.sleep(PAUSE_S)
    loaded, heavy = await under_compression(proxy, n // 2)
    print(f"under load: {heavy} requests with ~30k-token tool outputs compressed meanwhile")
    over = pct(loaded, .99) - pct(direct, .99)
    results.append(report("pass-through overhead p99 while compressing (ms)", over, "<= 20",
                          over <= 20))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="requests per latency series")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    upstream_proc, upstream = start(run_upstream)
    with tempfile.TemporaryDirectory() as data_dir:
        proxy_proc, proxy = start(run_proxy, upstream, data_dir)
        try:
            results = asyncio.run(bench(upstream, proxy, args.n))
        finally:
            proxy_proc.terminate()
            upstream_proc.terminate()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0 if all(r["pass"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
