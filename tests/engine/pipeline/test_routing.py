"""TextRouter on bare strings: mixed content split into sections, binary left alone,
determinism and thread safety."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.ccr.store import CCRStore
from engine.compressors.base import Compressed, ContentMeta, ContentType
from engine.conversation import Action
from engine.pipeline.build import build_router
from engine.pipeline.routing import RouteInput
from tests.engine.pipeline.fakes import Halver, NoML


class JsonOnly:
    """Minifies JSON; not interested in anything else."""

    name = "json-min"

    def score(self, content: str, meta: ContentMeta) -> float:
        return 1.0 if meta.detection.content_type is ContentType.JSON else -1.0

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        return Compressed(json.dumps(json.loads(content), separators=(",", ":")), "minified")


@dataclass(frozen=True)
class Piece:
    text: str
    content_type: ContentType = ContentType.TEXT


def paragraphs(text: str) -> Sequence[Piece]:
    pieces = text.split("\n\n")
    return [Piece(p + "\n\n") for p in pieces[:-1]] + [Piece(pieces[-1])]


def store(tmp_path: Path) -> CCRStore:
    return CCRStore(tmp_path / "ccr.db", 3600, 64 * 1024 * 1024)


def mixed_output() -> str:
    blob = json.dumps({"rows": [{"id": i, "name": f"n{i}"} for i in range(200)]}, indent=2)
    return "$ ./export.sh --all\n\n" + blob + "\n\nexit code 0"


def test_mixed_content_routes_each_section(tmp_path: Path) -> None:
    router = build_router(store(tmp_path), [JsonOnly()], NoML(), splitter=paragraphs)
    routed = router.route(mixed_output(), RouteInput())
    assert routed.content_type == "mixed" and routed.compressor == "json-min"
    assert routed.text is not None and routed.text.startswith("$ ./export.sh --all\n\n{")
    assert routed.text.endswith("}\n\nexit code 0") and routed.tokens_after < routed.tokens_before
    assert "json: minified" in routed.reason


def test_real_splitter_on_bash_output(tmp_path: Path) -> None:
    """Command echo, a log and a JSON blob: the JSON section is compressed on its own."""
    log = "\n".join(f"2024-05-01 12:00:{i % 60:02d} INFO step {i} done" for i in range(40))
    content = "$ ./run.sh --json\n" + log + "\n" + mixed_output().split("\n\n")[1] + "\nok\n"
    router = build_router(store(tmp_path), [JsonOnly()], NoML())
    routed = router.route(content, RouteInput())
    assert routed.content_type == "mixed" and routed.text is not None
    assert routed.text.startswith("$ ./run.sh --json\n" + log + "\n{\"rows\":[{")
    assert routed.text.endswith("]}\nok\n")


def test_binary_is_never_compressed(tmp_path: Path) -> None:
    halver = Halver()
    router = build_router(store(tmp_path), [halver], NoML())
    routed = router.route("\x00\x01\x02ELF" * 500, RouteInput())
    assert routed.content_type == "binary" and routed.text is None and halver.calls == 0


def test_deterministic_and_thread_safe(tmp_path: Path) -> None:
    router = build_router(store(tmp_path), [Halver(), JsonOnly()], NoML(), splitter=paragraphs)
    texts = [mixed_output(), "\n".join(f"line {i} of output" for i in range(500))]
    expected = [router.route(t, RouteInput()) for t in texts]
    seen: list[object] = []

    def work() -> None:
        for _ in range(10):
            seen.extend(router.route(t, RouteInput()) for t in texts)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 80 and all(r in expected for r in seen)
    assert expected[1].action is Action.COMPRESSED
