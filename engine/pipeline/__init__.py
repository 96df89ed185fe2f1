"""Ordered, fail-open stages that turn a parsed request into the one sent upstream."""

from engine.pipeline.build import build_pipeline
from engine.pipeline.pipeline import Pipeline, PipelineContext, Stage

__all__ = ["Pipeline", "PipelineContext", "Stage", "build_pipeline"]
