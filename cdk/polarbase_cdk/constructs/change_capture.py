"""Realtime on AWS, the database side: the changes function draining the logical slot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Duration
from aws_cdk import aws_logs as logs
from constructs import Construct

from polarbase_cdk.constructs._function import python_function, run_on_schedule

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_lambda as lambda_

__all__ = ["ChangeCapture"]


class ChangeCapture(Construct):
    """The changes function, run after writes and every ``interval`` to drain the slot.

    The function runs ``functions/changes/handler.py`` (``handler.handler``) on the layers given,
    with ``environment``; it joins ``vpc`` when given, in ``subnets`` and ``security_groups``.
    It reads what the logical replication slot holds over plain SQL, keeps the events for
    resumes and sends them to the connections that asked for them. Two things start it, both
    asynchronously: the REST function after each committed write (the stack grants it
    ``lambda:InvokeFunction``), and an EventBridge schedule every ``interval`` for writes made
    outside the API (psql, migrations, other services). Runs may overlap; the function
    serialises its drains itself (an advisory lock), so no reserved concurrency is set.

    A failed start is not retried and a start older than a minute is dropped (the function's
    asynchronous invoke configuration): the next write, or the schedule, drains whatever the
    slot still holds, so a retry adds nothing but load while the database is down.

    Attributes:
        function: the changes function.
        log_group: its log group.
        schedule: the EventBridge rule that runs it every ``interval``.

    Example:
        >>> changes = ChangeCapture(stack, "Changes", code_path=root / "functions/changes",
        ...                         layers=layers.all, environment={})  # doctest: +SKIP
        >>> changes.function.grant_invoke(rest.function)  # doctest: +SKIP
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
        interval: Duration | None = None,
        memory_size: int = 1024,
        timeout: Duration | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function, self.log_group = python_function(
            self,
            description="PolarBase realtime: drains the replication slot to the connections",
            code_path=code_path,
            layers=layers,
            environment=environment,
            memory_size=memory_size,
            timeout=timeout or Duration.seconds(60),
            log_retention=log_retention,
            vpc=vpc,
            subnets=subnets,
            security_groups=security_groups,
        )
        self.schedule = run_on_schedule(
            self,
            self.function,
            every=interval or Duration.minutes(1),
            description="PolarBase realtime: drain changes made outside the API",
            # A wake-up older than a minute is stale: the next write or minute drains anyway.
            max_event_age=Duration.minutes(1),
        )
