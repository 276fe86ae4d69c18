"""PolarBase: an open backend engine for PostgreSQL."""

__version__ = "0.1.0"
