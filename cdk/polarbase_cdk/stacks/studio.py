"""The stack of the studio: its build on S3 and CloudFront, told where the API is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_cdk import CfnOutput, Stack

from polarbase_cdk.constructs import StudioSite

if TYPE_CHECKING:
    from pathlib import Path

    from constructs import Construct

    from polarbase_cdk.stacks.api import ApiStack

__all__ = ["StudioStack"]


class StudioStack(Stack):
    """The studio (``static_site/dist``) behind CloudFront, with a ``config.json`` naming the
    API stack's endpoints. A stack of its own: its deployment helpers (the functions that copy
    the build into the bucket) stay out of the API stack, and a new build redeploys only this.

    Example:
        >>> StudioStack(app, "PolarBaseStudio", api=api_stack,
        ...             site_path=root / "static_site/dist")  # doctest: +SKIP
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, api: ApiStack, site_path: Path, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        site = StudioSite(
            self,
            "Studio",
            site_path=site_path,
            config={
                "apiUrl": api.api_endpoint,
                "websocketUrl": api.websocket_url,
                "mcpUrl": api.mcp_url,
            },
        )
        CfnOutput(self, "StudioUrl", value=site.url, description="PolarBase studio (web UI)")
