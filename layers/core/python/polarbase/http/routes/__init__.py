"""The FastAPI routes, one module a group, each built from the runtime."""

from .audit import audit_router
from .files import files_router, static_router
from .health import health_router
from .keys import keys_router
from .tables import tables_router
from .views import views_router

__all__ = [
    "audit_router",
    "files_router",
    "health_router",
    "keys_router",
    "static_router",
    "tables_router",
    "views_router",
]
