"""The HTTP face of PolarBase: a FastAPI app built from a runtime."""

from .app import REST_PREFIX, create_app

__all__ = ["REST_PREFIX", "create_app"]
