"""The Lambda runtime and architecture objects for the target named in ``lambda_target``."""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_

from polarbase_cdk.lambda_target import ARCHITECTURE, PYTHON_VERSION

__all__ = ["LAMBDA_ARCHITECTURE", "LAMBDA_RUNTIME"]

LAMBDA_RUNTIME: lambda_.Runtime = getattr(
    lambda_.Runtime, "PYTHON_" + PYTHON_VERSION.replace(".", "_")
)
LAMBDA_ARCHITECTURE: lambda_.Architecture = {
    "x86_64": lambda_.Architecture.X86_64,
    "arm64": lambda_.Architecture.ARM_64,
}[ARCHITECTURE]
