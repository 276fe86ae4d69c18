"""The poster function: outside the VPC, it posts frames to WebSocket connections.

The functions in the VPC (changes, websocket) cannot reach the public management API
(``@connections``); they invoke this one with ``{"frames": [[connection id, text], ...]}`` and
get back ``{"gone": [connection ids]}``, or ask it to close connections with
``{"disconnect": [ids]}``. It touches no database, table, bucket or secret.
"""

from __future__ import annotations

from typing import Any

from polarbase.aws_clients import AwsClients
from polarbase.config import Settings
from polarbase.realtime.push import ManagementApiPoster

# Only two settings matter here; the aws mode's metadata bucket does not.
settings = Settings(mode="local")
if not settings.realtime_websocket_endpoint:
    raise RuntimeError("POLARBASE_REALTIME_WEBSOCKET_ENDPOINT is not set")
poster = ManagementApiPoster(
    AwsClients(region=settings.aws_region).management_api(settings.realtime_websocket_endpoint)
)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "disconnect" in event:
        poster.disconnect(event["disconnect"])
        return {"gone": []}
    frames = [(connection_id, text.encode()) for connection_id, text in event.get("frames", [])]
    return {"gone": poster.post(frames)}
