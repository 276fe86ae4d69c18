"""PolarBase's stacks: what outlives a deployment, and the functions and APIs around it."""

from polarbase_cdk.stacks.api import ApiStack
from polarbase_cdk.stacks.stateful import PINNED_LOGICAL_IDS, StatefulStack

__all__ = ["PINNED_LOGICAL_IDS", "ApiStack", "StatefulStack"]
