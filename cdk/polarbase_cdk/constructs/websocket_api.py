"""Realtime on AWS, the client side: an API Gateway WebSocket API and the function behind it."""

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

__all__ = ["ROUTE_SELECTION_EXPRESSION", "WebSocketApi"]

ROUTE_SELECTION_EXPRESSION = "$request.body.type"
"""Messages are routed on their ``type``; none names a route, so all reach ``$default``."""


class WebSocketApi(Construct):
    """API Gateway WebSocket API whose ``$connect``, ``$disconnect`` and ``$default`` routes all
    go to the websocket function, deployed on one auto-deployed stage.

    The function runs ``functions/realtime/handler.py`` (``handler.handler``) on the layers
    given, with ``environment``; it joins ``vpc`` when given, in ``subnets`` and
    ``security_groups``. ``$connect`` carries the API key in the query string (``x-api-key``;
    browsers cannot set headers on a WebSocket) and the function checks it: a status of 401 or
    403 refuses the connection. ``$default`` is a two-way route: what the function returns for a
    message (``{"statusCode": 200, "body": <frame>}``) is sent back to that connection, which
    needs no call to the management API, so it works from inside a VPC. Grants are the stack's
    job: this construct knows no table, bucket or secret.

    Attributes:
        function: the websocket function.
        log_group: its log group.
        api: the WebSocket API.
        stage: its stage.
        url: where clients connect, ``wss://{api id}.execute-api.{region}.amazonaws.com/{stage}``.
        management_url: the management API of the stage (``@connections``), for posting to
            connections: ``https://{api id}.execute-api.{region}.amazonaws.com/{stage}``.

    Example:
        >>> websocket = WebSocketApi(stack, "WebSocket", code_path=root / "functions/realtime",
        ...                          layers=layers.all, environment={})  # doctest: +SKIP
        >>> websocket.stage.grant_management_api_access(poster)  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code_path: Path,
        layers: Sequence[lambda_.ILayerVersion],
        environment: Mapping[str, str],
        vpc: ec2.IVpc | None = None,
        subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] = (),
        stage_name: str = "live",
        memory_size: int = 1024,
        timeout: Duration | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function, self.log_group = python_function(
            self,
            description="PolarBase realtime: WebSocket connections and their messages",
            code_path=code_path,
            layers=layers,
            environment=environment,
            memory_size=memory_size,
            # API Gateway gives up on an integration after 29 s.
            timeout=timeout or Duration.seconds(29),
            log_retention=log_retention,
            vpc=vpc,
            subnets=subnets,
            security_groups=security_groups,
        )

        def route(name: str, *, return_response: bool = False) -> apigwv2.WebSocketRouteOptions:
            # Not "Default": a child of that id is left out of logical IDs, and would take its
            # route's.
            return apigwv2.WebSocketRouteOptions(
                integration=integrations.WebSocketLambdaIntegration(
                    f"{name}Integration", self.function
                ),
                return_response=return_response or None,
            )

        self.api = apigwv2.WebSocketApi(
            self,
            "Api",
            description="PolarBase realtime",
            route_selection_expression=ROUTE_SELECTION_EXPRESSION,
            connect_route_options=route("Connect"),
            disconnect_route_options=route("Disconnect"),
            default_route_options=route("Default", return_response=True),
        )
        self.stage = apigwv2.WebSocketStage(
            self, "Stage", web_socket_api=self.api, stage_name=stage_name, auto_deploy=True
        )
        self.url: str = self.stage.url
        self.management_url: str = self.stage.callback_url
