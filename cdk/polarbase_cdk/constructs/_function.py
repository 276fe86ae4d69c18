"""How every PolarBase function is made: its code, the layers, the target platform, its logs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import RemovalPolicy
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from polarbase_cdk.constructs._platform import LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from aws_cdk import Duration
    from aws_cdk import aws_ec2 as ec2
    from constructs import Construct

__all__ = ["python_function", "run_on_schedule"]


def python_function(
    scope: Construct,
    *,
    description: str,
    code_path: Path,
    layers: Sequence[lambda_.ILayerVersion],
    environment: Mapping[str, str],
    memory_size: int,
    timeout: Duration,
    log_retention: logs.RetentionDays,
    vpc: ec2.IVpc | None = None,
    subnets: ec2.SubnetSelection | None = None,
    security_groups: Sequence[ec2.ISecurityGroup] = (),
) -> tuple[lambda_.Function, logs.LogGroup]:
    """A function running ``handler.handler`` of ``code_path``, and the log group it writes to.

    Both are children of ``scope`` named ``Function`` and ``Logs``, so each construct holds one
    function and the logical IDs stay those the constructs always had. The function joins
    ``vpc`` when given (in ``subnets``, with ``security_groups``), otherwise runs outside any
    VPC. The log group goes with the stack; it is kept ``log_retention``.
    """
    log_group = logs.LogGroup(
        scope, "Logs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY
    )
    function = lambda_.Function(
        scope,
        "Function",
        description=description,
        runtime=LAMBDA_RUNTIME,
        architecture=LAMBDA_ARCHITECTURE,
        handler="handler.handler",
        code=lambda_.Code.from_asset(str(code_path), exclude=["**/__pycache__", "**/*.pyc"]),
        layers=list(layers),
        environment=dict(environment),
        memory_size=memory_size,
        timeout=timeout,
        log_group=log_group,
        vpc=vpc,
        vpc_subnets=subnets if vpc is not None else None,
        security_groups=(list(security_groups) or None) if vpc is not None else None,
    )
    return function, log_group


def run_on_schedule(
    scope: Construct,
    function: lambda_.Function,
    *,
    every: Duration,
    description: str,
    max_event_age: Duration | None = None,
) -> events.Rule:
    """Run ``function`` every ``every``, never retrying a run (the schedule's target, and the
    asynchronous invoke): the next run finds whatever the failed one left. The rule is the
    child ``Schedule`` of ``scope``."""
    function.configure_async_invoke(retry_attempts=0, max_event_age=max_event_age)
    return events.Rule(
        scope,
        "Schedule",
        description=description,
        schedule=events.Schedule.rate(every),
        targets=[targets.LambdaFunction(function, retry_attempts=0)],
    )
