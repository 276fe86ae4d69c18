"""The CDK app: the one place that reads context and the environment, then composes the stacks.

Run by the CDK CLI (``cdk.json``) or directly, offline, by ``make synth``:

    python cdk/app.py [-c database=create|existing]
                      [-c databaseSecretArn=arn:aws:secretsmanager:...]
                      [-c corsOrigins=https://app.example.com,https://admin.example.com]

Run directly, it takes its context from ``cdk.json`` and ``-c`` like the CLI, and writes
``cdk.out/``. Without CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION (the CLI sets them from the
credentials) it synthesizes for a placeholder account and region, which is enough for a template.
``corsOrigins`` (comma-separated, ``*`` by default) are the web origins that the REST API and the
attachments bucket answer.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import aws_cdk as cdk

from polarbase_cdk import ApiStack, StatefulStack, StudioStack

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_ACCOUNT = "123456789012"
PLACEHOLDER_REGION = "us-east-1"


def _context(argv: list[str] | None) -> dict[str, str]:
    parser = argparse.ArgumentParser(description="Synthesize PolarBase's CDK app.")
    parser.add_argument(
        "-c", "--context", action="append", default=[], metavar="KEY=VALUE", help="context value"
    )
    pairs = parser.parse_args(argv).context
    if any("=" not in pair for pair in pairs):
        parser.error("context values are KEY=VALUE")
    defaults = json.loads((ROOT / "cdk.json").read_text()).get("context", {})
    return {**defaults, **dict(pair.split("=", 1) for pair in pairs)}


def main(argv: list[str] | None = None) -> None:
    # Under the CLI, CDK_CONTEXT_JSON and CDK_OUTDIR are set and win over what is passed here.
    outdir = None if "CDK_OUTDIR" in os.environ else str(ROOT / "cdk.out")
    app = cdk.App(context=_context(argv), outdir=outdir)
    database = app.node.try_get_context("database") or "create"
    secret_arn = app.node.try_get_context("databaseSecretArn") or None
    cors_origins = [
        origin.strip()
        for origin in str(app.node.try_get_context("corsOrigins") or "*").split(",")
        if origin.strip()
    ] or ["*"]
    if database not in ("create", "existing"):
        raise SystemExit(f"-c database= is 'create' or 'existing', not {database!r}")
    if database == "existing" and secret_arn is None:
        raise SystemExit(
            "-c database=existing needs -c databaseSecretArn=<the secret's complete ARN>"
        )
    env = cdk.Environment(
        account=os.environ.get("CDK_DEFAULT_ACCOUNT", PLACEHOLDER_ACCOUNT),
        region=os.environ.get("CDK_DEFAULT_REGION", PLACEHOLDER_REGION),
    )
    cdk.Tags.of(app).add("project", "polarbase")

    stateful = StatefulStack(
        app,
        "PolarBaseStateful",
        env=env,
        description="PolarBase: metadata and attachments buckets, database, realtime tables",
        existing_database_secret_arn=secret_arn if database == "existing" else None,
        cors_origins=cors_origins,
    )
    api = ApiStack(
        app,
        "PolarBaseApi",
        env=env,
        description="PolarBase: functions, layers and APIs",
        metadata=stateful.metadata,
        super_admin_key=stateful.super_admin_key,
        database=stateful.database,
        network=stateful.network,
        realtime=stateful.realtime,
        audit=stateful.audit,
        attachments=stateful.attachments,
        core_layer_path=ROOT / "layers" / "build" / "core",
        deps_layer_path=ROOT / "layers" / "deps",
        functions_path=ROOT / "functions",
        cors_origins=cors_origins,
    )
    StudioStack(
        app,
        "PolarBaseStudio",
        env=env,
        description="PolarBase: the studio on S3 and CloudFront",
        api=api,
        site_path=ROOT / "static_site" / "dist",
    )
    app.synth()


if __name__ == "__main__":
    main()
