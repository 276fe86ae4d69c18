"""PolarBase's stacks: what outlives a deployment, the functions and APIs around it, the studio."""

from polarbase_cdk.stacks.api import ApiStack
from polarbase_cdk.stacks.stateful import PINNED_LOGICAL_IDS, StatefulStack
from polarbase_cdk.stacks.studio import StudioStack

__all__ = ["PINNED_LOGICAL_IDS", "ApiStack", "StatefulStack", "StudioStack"]
