"""Realtime: change capture from PostgreSQL, fanned out to WebSocket and SSE clients."""
