"""The two Lambda layers every PolarBase function uses: the engine, and its dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from polarbase_cdk.constructs._platform import LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME
from polarbase_cdk.lambda_target import PYTHON_VERSION

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Layers"]

# Bytecode is shipped for the target's Python only (a folder built or run by another version has
# other pycs beside it); so are the build's stamps and package metadata of an editable install.
_BYTECODE_TAG = "cpython-" + PYTHON_VERSION.replace(".", "")
_NOT_SHIPPED = [
    "**/*.pyc",
    f"!**/*.{_BYTECODE_TAG}.pyc",
    ".stamp",
    "installed.txt",
    "*.egg-info",
    "**/*.egg-info",
    "**/.mypy_cache",
]


class Layers(Construct):
    """The ``polarbase`` package as it stands, and the third-party packages it needs on Lambda.

    Each path is a layer's root: its ``python/`` folder is what Lambda puts on ``sys.path``
    (``/opt/python``). ``scripts/build_layers.sh`` builds both for the Lambda target
    (``lambda_target``), with its bytecode: ``core_path`` is ``layers/build/core`` and
    ``deps_path`` is ``layers/deps``. Lambda's ``/opt`` is read-only, so modules shipped without
    bytecode are compiled again on every cold start; pycs of other Python versions are left out.

    Attributes:
        core: the layer holding ``polarbase``.
        dependencies: the layer holding its third-party packages.
        all: both, in the order functions list them.

    Raises:
        FileNotFoundError: when a path has no ``python/`` folder (run scripts/build_layers.sh).

    Example:
        >>> layers = Layers(stack, "Layers", core_path=root / "layers/build/core",
        ...                 deps_path=root / "layers/deps")  # doctest: +SKIP
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, core_path: Path, deps_path: Path
    ) -> None:
        super().__init__(scope, construct_id)
        for path in (core_path, deps_path):
            if not (path / "python").is_dir():
                raise FileNotFoundError(
                    f"{path / 'python'} is missing: run scripts/build_layers.sh (or make synth)"
                )
        self.core = lambda_.LayerVersion(
            self,
            "Core",
            code=lambda_.Code.from_asset(str(core_path), exclude=_NOT_SHIPPED),
            compatible_runtimes=[LAMBDA_RUNTIME],
            compatible_architectures=[LAMBDA_ARCHITECTURE],
            description="PolarBase: the polarbase package",
        )
        self.dependencies = lambda_.LayerVersion(
            self,
            "Dependencies",
            code=lambda_.Code.from_asset(str(deps_path), exclude=_NOT_SHIPPED),
            compatible_runtimes=[LAMBDA_RUNTIME],
            compatible_architectures=[LAMBDA_ARCHITECTURE],
            description="PolarBase: third-party packages of the function path",
        )
        self.all: tuple[lambda_.ILayerVersion, ...] = (self.dependencies, self.core)
