"""The MCP endpoint on AWS: its own function behind the REST API's HTTP API, at /mcp/database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_logs as logs
from constructs import Construct

from polarbase_cdk.constructs._function import python_function

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_lambda as lambda_

__all__ = ["MCP_PATH", "McpFunction"]

MCP_PATH = "/mcp/database"


class McpFunction(Construct):
    """The MCP function (``functions/mcp/handler.py``), routed from ``http_api`` at ``MCP_PATH``.

    A function of its own, so the MCP SDK's imports never reach the REST function's cold start;
    on the same HTTP API, so clients find it at the same host and path as locally. The endpoint
    is stateless (JSON responses, no session): every invocation answers one request. It joins
    ``vpc`` when given. Grants are the stack's job.

    Attributes:
        function: the MCP function.
        log_group: its log group.
        url: the endpoint's URL.

    Example:
        >>> mcp = McpFunction(stack, "Mcp", http_api=rest.http_api,  # doctest: +SKIP
        ...                   code_path=root / "functions/mcp", layers=layers.all, environment={})
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        http_api: apigwv2.HttpApi,
        code_path: Path,
        layers: Sequence[lambda_.ILayerVersion],
        environment: Mapping[str, str],
        vpc: ec2.IVpc | None = None,
        subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] = (),
        memory_size: int = 1024,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function, self.log_group = python_function(
            self,
            description="PolarBase MCP endpoint (/mcp/database)",
            code_path=code_path,
            layers=layers,
            environment=environment,
            memory_size=memory_size,
            # API Gateway gives up on an integration after 30 s.
            timeout=Duration.seconds(29),
            log_retention=log_retention,
            vpc=vpc,
            subnets=subnets,
            security_groups=security_groups,
        )
        integration = integrations.HttpLambdaIntegration(
            "McpFunction",
            self.function,
            payload_format_version=apigwv2.PayloadFormatVersion.VERSION_2_0,
        )
        # POST carries the JSON-RPC messages; GET and DELETE reach the endpoint too, which
        # answers them as a stateless server does (no stream, no session to end).
        http_api.add_routes(
            path=MCP_PATH,
            methods=[apigwv2.HttpMethod.POST, apigwv2.HttpMethod.GET, apigwv2.HttpMethod.DELETE],
            integration=integration,
        )
        # The endpoint has no trailing slash (a deploy-time value: no string operations on it).
        self.url: str = http_api.api_endpoint + MCP_PATH
