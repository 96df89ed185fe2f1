"""The pipeline's one explicit stage list, assembled from settings and a CCR store.

The projection cache's version string names the router and every compressor (with its
`version` attribute, where it has one), so changing a compressor invalidates old projections
instead of serving bytes the new code would not produce.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.ccr.store import CCRStore
from engine.compressors.base import Compressor
from engine.compressors.detect import MagikaDetector, MLDetector
from engine.compressors.registry import default_compressors
from engine.compressors.sections import sections
from engine.config import Settings
from engine.pipeline.content_router import ContentRouter
from engine.pipeline.pipeline import Pipeline
from engine.pipeline.projection_cache import ProjectionCache
from engine.pipeline.routing import Splitter, TextRouter

ROUTER_VERSION = "router-1"


def pipeline_version(compressors: Sequence[Compressor]) -> str:
    names = ",".join(f"{c.name}:{getattr(c, 'version', '1')}" for c in compressors)
    return f"{ROUTER_VERSION}|{names}"


def build_router(ccr: CCRStore, compressors: Sequence[Compressor] | None = None,
                 ml: MLDetector | None = None, splitter: Splitter | None = sections) -> TextRouter:
    """Defaults: the registry's compressors, magika, and the mixed-content splitter."""
    chosen = default_compressors() if compressors is None else list(compressors)
    return TextRouter(chosen, ccr, ml=ml if ml is not None else MagikaDetector(),
                      splitter=splitter)


def build_pipeline(settings: Settings, ccr: CCRStore,
                   compressors: Sequence[Compressor] | None = None,
                   ml: MLDetector | None = None, persist_projections: bool = True,
                   splitter: Splitter | None = sections) -> Pipeline:
    """`persist_projections=False` skips the on-disk projection cache (one-shot CLI runs)."""
    router = build_router(ccr, compressors, ml, splitter)
    cache = None
    if persist_projections:
        cache = ProjectionCache(settings.data_dir / "projections.db",
                                max_age_seconds=settings.ccr_ttl_seconds)
    stage = ContentRouter(router, settings, cache, pipeline_version(router.compressors))
    return Pipeline([stage])
