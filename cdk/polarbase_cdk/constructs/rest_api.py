"""The REST API on AWS: an HTTP API whose every route goes to the REST function."""

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

__all__ = ["RestApi"]


class RestApi(Construct):
    """API Gateway HTTP API (payload v2) with a ``$default`` route to the REST function.

    The function runs ``functions/rest/handler.py`` (``handler.handler``: the ASGI app through
    Mangum) on the layers given, with ``environment``; it joins ``vpc`` when given, in
    ``subnets`` and ``security_groups``. Its logs go to a log group kept ``log_retention``.
    Grants are the stack's job: this construct knows no bucket and no secret.

    Attributes:
        function: the REST function.
        log_group: its log group.
        http_api: the HTTP API.
        url: the API's URL (the default stage), ending in ``/``.

    Example:
        >>> rest = RestApi(stack, "Rest", code_path=root / "functions/rest",  # doctest: +SKIP
        ...                layers=layers.all, environment={"POLARBASE_MODE": "aws"})
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
        memory_size: int = 1024,
        timeout: Duration | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function, self.log_group = python_function(
            self,
            description="PolarBase REST API",
            code_path=code_path,
            layers=layers,
            environment=environment,
            memory_size=memory_size,
            # API Gateway gives up on an integration after 30 s.
            timeout=timeout or Duration.seconds(29),
            log_retention=log_retention,
            vpc=vpc,
            subnets=subnets,
            security_groups=security_groups,
        )
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            description="PolarBase REST API",
            default_integration=integrations.HttpLambdaIntegration(
                "RestFunction",
                self.function,
                payload_format_version=apigwv2.PayloadFormatVersion.VERSION_2_0,
            ),
        )
        assert self.http_api.url is not None
        self.url: str = self.http_api.url
