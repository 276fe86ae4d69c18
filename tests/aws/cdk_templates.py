"""The CDK app's two templates, synthesized in-process once per mode, and ways to read them.

The stacks are built as ``cdk/app.py`` builds them, once per mode (database created or existing)
for the whole run, whichever test module asks first: starting the CDK under jsii and
synthesizing take seconds. The dependencies layer is an empty folder here; ``make synth`` builds
the real one. jsii's set-up is in ``conftest.py``.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from polarbase_cdk import ApiStack, StatefulStack, StudioStack

__all__ = [
    "AUDIT_KEY",
    "EXISTING_SECRET_ARN",
    "METADATA_KEY",
    "REGION",
    "ROOT",
    "Templates",
    "as_list",
    "function_of",
    "import_of",
    "only",
    "role_of",
    "statements",
    "synthesized",
]

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-west-1"
EXISTING_SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:polarbase-db-AbCdEf"
METADATA_KEY = "polarbase/metadata.sqlite3"
AUDIT_KEY = "polarbase/audit.sqlite3"


@dataclass(frozen=True)
class Templates:
    stateful: Template
    api: Template
    studio: Template | None = None


@functools.cache
def synthesized(*, existing: bool) -> Templates:
    """Both stacks for a concrete account and region: the database created, or ``existing``."""
    deps_layer_path = Path(tempfile.mkdtemp(prefix="deps-layer-"))
    atexit.register(shutil.rmtree, deps_layer_path, ignore_errors=True)
    (deps_layer_path / "python").mkdir()
    # A studio build of two files: what is deployed is checked, not the UI.
    studio_path = Path(tempfile.mkdtemp(prefix="studio-"))
    atexit.register(shutil.rmtree, studio_path, ignore_errors=True)
    (studio_path / "assets").mkdir()
    (studio_path / "index.html").write_text("<!doctype html><title>PolarBase</title>")
    (studio_path / "assets" / "app-0a1b2c.js").write_text("export {}")
    app = cdk.App()
    env = cdk.Environment(account="123456789012", region=REGION)
    stateful = StatefulStack(
        app,
        "PolarBaseStateful",
        env=env,
        existing_database_secret_arn=EXISTING_SECRET_ARN if existing else None,
    )
    api = ApiStack(
        app,
        "PolarBaseApi",
        env=env,
        metadata=stateful.metadata,
        super_admin_key=stateful.super_admin_key,
        database=stateful.database,
        network=stateful.network,
        realtime=stateful.realtime,
        audit=stateful.audit,
        attachments=stateful.attachments,
        core_layer_path=ROOT / "layers" / "core",
        deps_layer_path=deps_layer_path,
        functions_path=ROOT / "functions",
    )
    studio = StudioStack(app, "PolarBaseStudio", env=env, api=api, site_path=studio_path)
    templates = Templates(
        stateful=Template.from_stack(stateful),
        api=Template.from_stack(api),
        studio=Template.from_stack(studio),
    )
    manifest = json.loads((Path(app.synth().directory) / "manifest.json").read_text())
    missing_context = manifest.get("missing")
    assert not missing_context, f"synth looked something up: {missing_context}"
    return templates


def only(template: Template, resource_type: str) -> tuple[str, Mapping[str, Any]]:
    """The logical ID and body of the one resource of a type (found, never spelled out)."""
    resources = template.find_resources(resource_type)
    assert len(resources) == 1, f"{len(resources)} resources of type {resource_type}"
    return next(iter(resources.items()))


def function_of(template: Template, service: str) -> tuple[str, Mapping[str, Any]]:
    """The logical ID and body of the function whose Powertools service is ``service``
    (``polarbase-rest``, ``polarbase-realtime``, ``polarbase-changes``, ``polarbase-poster``)."""
    found = [
        (logical_id, function)
        for logical_id, function in template.find_resources("AWS::Lambda::Function").items()
        if function["Properties"]
        .get("Environment", {})
        .get("Variables", {})
        .get("POWERTOOLS_SERVICE_NAME")
        == service
    ]
    assert len(found) == 1, f"{len(found)} functions of service {service}"
    return found[0]


def role_of(template: Template, service: str) -> str:
    """The logical ID of the execution role of the function of ``service``."""
    _, function = function_of(template, service)
    return str(function["Properties"]["Role"]["Fn::GetAtt"][0])


def import_of(stateful: Template, value: dict[str, Any]) -> dict[str, str]:
    """How the API stack reads ``value`` of the stateful stack: an ``Fn::ImportValue``."""
    names = [
        output["Export"]["Name"]
        for output in stateful.to_json().get("Outputs", {}).values()
        if output.get("Value") == value and "Export" in output
    ]
    assert len(names) == 1, f"the stateful stack exports {value} {len(names)} times"
    return {"Fn::ImportValue": names[0]}


def statements(api: Template, role_id: str | None = None) -> list[dict[str, Any]]:
    """Every statement of the API stack's policies, or of those attached to role ``role_id``."""
    return [
        statement
        for policy in api.find_resources("AWS::IAM::Policy").values()
        if role_id is None or {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
