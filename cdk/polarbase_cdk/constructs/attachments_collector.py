"""Attachments on AWS, the clean-up: the files function deleting files no record references."""

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

__all__ = ["AttachmentsCollector"]


class AttachmentsCollector(Construct):
    """The files function, run every ``interval`` to delete attachments nothing refers to.

    The function runs ``functions/files/handler.py`` (``handler.handler``) on the layers given,
    with ``environment``; it joins ``vpc`` when given, in ``subnets`` and ``security_groups``,
    since it reads the database to learn which keys records still hold. It lists the
    attachments bucket and deletes the files no record references (uploads abandoned before
    their record was written, files of deleted records). Grants are the stack's job.

    A failed run is not retried (the schedule's target and the asynchronous invoke): the next
    one, an ``interval`` later, finds whatever this one left.

    Attributes:
        function: the files function.
        log_group: its log group.
        schedule: the EventBridge rule that runs it every ``interval``.

    Example:
        >>> collector = AttachmentsCollector(stack, "Files", code_path=root / "functions/files",
        ...                                  layers=layers.all, environment={})  # doctest: +SKIP
        >>> attachments.grant_list(collector.function)  # doctest: +SKIP
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
        memory_size: int = 512,
        timeout: Duration | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function, self.log_group = python_function(
            self,
            description="PolarBase files: deletes attachments that no record references",
            code_path=code_path,
            layers=layers,
            environment=environment,
            memory_size=memory_size,
            timeout=timeout or Duration.seconds(300),
            log_retention=log_retention,
            vpc=vpc,
            subnets=subnets,
            security_groups=security_groups,
        )
        self.schedule = run_on_schedule(
            self,
            self.function,
            every=interval or Duration.hours(1),
            description="PolarBase files: delete unreferenced attachments",
        )
