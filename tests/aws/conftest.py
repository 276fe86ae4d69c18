"""jsii set up before any test module imports the CDK, and the CDK app's templates.

jsii runs the CDK in node; it refuses a package cache under a world-writable ~/.cache, so the
cache lives in the venv (as ``make synth`` has it), and node 20's end-of-life banner is silenced.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.aws.cdk_templates import Templates

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_RUNTIME_PACKAGE_CACHE_ROOT", str(Path(sys.prefix) / ".jsii-cache"))
Path(os.environ["JSII_RUNTIME_PACKAGE_CACHE_ROOT"]).mkdir(mode=0o700, exist_ok=True)


# The CDK is imported by the fixtures, not here: a conftest is loaded before anything else.


@pytest.fixture(scope="session")
def created() -> Templates:
    """Both stacks, the database created by the app (in its VPC)."""
    from tests.aws.cdk_templates import synthesized

    return synthesized(existing=False)


@pytest.fixture(scope="session")
def existing() -> Templates:
    """Both stacks, with an existing database known by its secret (no VPC)."""
    from tests.aws.cdk_templates import synthesized

    return synthesized(existing=True)
