"""PolarBase on AWS as a CDK app: the stacks ``cdk/app.py`` composes, and the Lambda target."""

from polarbase_cdk.lambda_target import ARCHITECTURE, PYTHON_VERSION
from polarbase_cdk.stacks import PINNED_LOGICAL_IDS, ApiStack, StatefulStack, StudioStack

__all__ = [
    "ARCHITECTURE",
    "PINNED_LOGICAL_IDS",
    "PYTHON_VERSION",
    "ApiStack",
    "StatefulStack",
    "StudioStack",
]
