"""botocore's data, trimmed to what PolarBase's clients use: written when the core layer is built.

Making botocore's S3 client is most of what the REST function's cold start spends on AWS (86-106
ms, bench/RESULTS.md): botocore parses S3's whole service model (119 operations, 736 shapes; the
function calls 5), parses ``endpoints.json`` (1.2 MB, every service in every partition, with an
ordered dict per object) for the legacy endpoint lookup, and lists all of its 400-odd service
folders twice, only to check that ``s3`` is one of them.

``scripts/build_layers.sh`` runs this module (``python -m polarbase.aws_models FOLDER``) with the
build's botocore, and ships in the core layer:

- ``<service>/<api version>/service-2.json`` for S3 and Secrets Manager: the same API version,
  only the operations in :data:`OPERATIONS` and the shapes they reference, transitively, both
  without their documentation, and their endpoint rules as they are (not compressed);
- ``endpoints.json``: every partition as it is, with only the services PolarBase makes clients
  for (and those the credential providers call);
- ``manifest.json``: the botocore version it was cut from, and the services it holds.

:func:`trimmed_loader` gives a botocore session a loader that searches that folder before
botocore's own data, and only when the running botocore is the version the folder was cut from:
a model from another botocore might lack a trait that version's handlers expect. Anything the
folder does not hold (paginators, waiters, other services' models) comes from botocore as usual.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore
from botocore.loaders import JSONFileLoader, Loader, instance_cache

__all__ = [
    "CLIENT_SERVICES",
    "FOLDER",
    "OPERATIONS",
    "trimmed_loader",
    "write_trimmed_data",
]

FOLDER = Path(__file__).with_name("_botocore_data")
"""Where the built core layer holds the trimmed data (absent from the source tree)."""

OPERATIONS: dict[str, frozenset[str]] = {
    "s3": frozenset(
        {
            # Ours: the attachment files (storage/s3.py; its presigned GET signs GetObject).
            # The metadata files do without botocore (aws_http.py).
            "GetObject",
            "PutObject",
            "HeadObject",
            "DeleteObject",
            "ListObjectsV2",
            # botocore's own: generate_presigned_post resolves its endpoint as CreateBucket's,
            # the region redirector asks HeadBucket where a bucket is, and S3 Express buckets
            # need CreateSession.
            "CreateBucket",
            "HeadBucket",
            "CreateSession",
        }
    ),
}
"""The operations the trimmed service models keep, by service: every one any function calls."""

CLIENT_SERVICES = ("s3", "dynamodb", "lambda", "apigatewaymanagementapi")
"""Every service ``AwsClients`` makes a client of: their entries stay in ``endpoints.json``."""

# The clients botocore's credential providers make from the same session (assume role, SSO).
_CREDENTIAL_SERVICES = ("sts", "sso", "sso-oidc")
_MANIFEST = "manifest.json"


def _referenced_shapes(node: Any) -> Iterator[str]:
    """The shape names ``node`` (an operation or a shape) refers to, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "shape" and isinstance(value, str):
                yield value
            else:
                yield from _referenced_shapes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _referenced_shapes(item)


def _without_documentation(node: Any) -> Any:
    """``node`` (operations or shapes) without ``documentation`` keys. botocore reads those for
    docstrings only, with a default when absent; ``clientContextParams`` must keep theirs."""
    if isinstance(node, dict):
        return {
            key: _without_documentation(value)
            for key, value in node.items()
            if key != "documentation"
        }
    if isinstance(node, list):
        return [_without_documentation(item) for item in node]
    return node


def trim_service_model(model: dict[str, Any], operations: frozenset[str]) -> dict[str, Any]:
    """``model`` (a ``service-2`` document) with only ``operations`` and the shapes they reach."""
    missing = operations - model["operations"].keys()
    if missing:
        raise ValueError(f"{model['metadata']['serviceId']} has no operation {sorted(missing)}")
    kept = {name: model["operations"][name] for name in sorted(operations)}
    shapes: set[str] = set()
    pending = [name for operation in kept.values() for name in _referenced_shapes(operation)]
    while pending:
        name = pending.pop()
        if name not in shapes:
            shapes.add(name)
            pending.extend(_referenced_shapes(model["shapes"][name]))
    trimmed = {key: value for key, value in model.items() if key not in ("operations", "shapes")}
    # Their documentation is four fifths of what is left.
    trimmed["operations"] = _without_documentation(kept)
    # In the model's order, as botocore would see them in the full model.
    trimmed["shapes"] = _without_documentation(
        {name: shape for name, shape in model["shapes"].items() if name in shapes}
    )
    return trimmed


def write_trimmed_data(folder: Path) -> None:
    """Write the trimmed data into ``folder`` (a new or empty folder) from this botocore."""
    loader = Loader()
    services: dict[str, str] = {}
    for service, operations in sorted(OPERATIONS.items()):
        version = loader.determine_latest_version(service, "service-2")
        model = loader.load_data(f"{service}/{version}/service-2")
        target = folder / service / version / "service-2.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(trim_service_model(model, operations), separators=(",", ":")))
        # As it is, but not compressed: read as plain JSON (see _FileLoader).
        rules = loader.load_data(f"{service}/{version}/endpoint-rule-set-1")
        (target.parent / "endpoint-rule-set-1.json").write_text(
            json.dumps(rules, separators=(",", ":"))
        )
        services[service] = version
    prefixes = {
        loader.load_service_model(service, "service-2")["metadata"]["endpointPrefix"]
        for service in (*CLIENT_SERVICES, *_CREDENTIAL_SERVICES)
    }
    endpoints = loader.load_data("endpoints")
    for partition in endpoints["partitions"]:
        partition["services"] = {
            name: entry for name, entry in partition["services"].items() if name in prefixes
        }
    (folder / "endpoints.json").write_text(json.dumps(endpoints, separators=(",", ":")))
    manifest = {"botocore": botocore.__version__, "services": services}
    (folder / _MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


class _FileLoader(JSONFileLoader):  # type: ignore[misc]  # botocore has no type hints
    """botocore's JSON file loader, reading the files under ``folder`` into plain dicts.

    botocore reads every file into ordered dicts (a Python 2 habit; dicts keep their order), at
    twice the cost of plain ones, and its own are compressed and indented: S3's endpoint rules
    take 9.6 ms to read so, and 2.4 ms from this folder (compact, plain), at a CPU check of
    ~490 ms.
    """

    def __init__(self, folder: str) -> None:
        super().__init__()
        self._folder = folder

    def load_file(self, file_path: str) -> Any:
        if not file_path.startswith(self._folder):
            return super().load_file(file_path)
        try:
            return json.loads(Path(file_path + ".json").read_bytes())
        except FileNotFoundError:
            return None


class _TrimmedDataLoader(Loader):  # type: ignore[misc]  # botocore has no type hints
    """botocore's loader, searching ``folder`` first; for the services whose models ``folder``
    holds, it does not list every service folder first (see the module's docstring)."""

    def __init__(self, folder: Path, services: frozenset[str]) -> None:
        self._folder = str(folder) + os.sep
        super().__init__(extra_search_paths=[str(folder)], file_loader=_FileLoader(self._folder))
        self._services = services

    @instance_cache  # type: ignore[untyped-decorator]  # botocore has no type hints
    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        if service_name not in self._services:
            return super().load_service_model(service_name, type_name, api_version)
        # As botocore's own, less its check that service_name is among every service it lists
        # (23 ms of a cold start at a ~390 ms CPU check): these services are known, their
        # models are here.
        if api_version is None:
            api_version = self.determine_latest_version(service_name, type_name)
        model = self.load_data(f"{service_name}/{api_version}/{type_name}")
        extras = self._find_extras(service_name, type_name, api_version)
        self._extras_processor.process(model, extras)
        return model

    def is_builtin_path(self, path: str) -> bool:
        # Endpoint data that is not botocore's makes botocore hand the legacy endpoint to the
        # endpoint rule sets as a custom one (args.py). This is botocore's own, only shorter.
        return path.startswith(self._folder) or bool(super().is_builtin_path(path))


def trimmed_loader(folder: Path = FOLDER) -> Loader | None:
    """A loader searching ``folder`` first, or None when there is no such folder (the source
    tree) or it was cut from another botocore (its data would not be that version's)."""
    try:
        manifest = json.loads((folder / _MANIFEST).read_text())
    except FileNotFoundError:
        return None
    if manifest["botocore"] != botocore.__version__:
        return None
    return _TrimmedDataLoader(folder, frozenset(manifest["services"]))


if __name__ == "__main__":
    write_trimmed_data(Path(sys.argv[1]))
