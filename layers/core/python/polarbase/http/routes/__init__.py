"""The FastAPI routes, one module a group, each built from the runtime."""

from .health import health_router
from .keys import keys_router
from .tables import tables_router

__all__ = ["health_router", "keys_router", "tables_router"]
