"""Attachments' CloudFormation: the bucket, what the REST and files functions may do in it, the
files function and its hourly schedule, and the output.

The ``created`` and ``existing`` fixtures (``conftest.py``) synthesize the app once per database
mode for the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from polarbase_cdk import PINNED_LOGICAL_IDS, ApiStack, StatefulStack
from polarbase_cdk.constructs import AttachmentsBucket
from tests.aws.cdk_templates import (
    EXISTING_SECRET_ARN,
    METADATA_KEY,
    REGION,
    ROOT,
    Templates,
    as_list,
    function_of,
    import_of,
    role_of,
    statements,
)

REST, FILES = "polarbase-rest", "polarbase-files"
BUCKET = PINNED_LOGICAL_IDS["attachments_bucket"]


def bucket(templates: Templates) -> Mapping[str, Any]:
    resource: Mapping[str, Any] = templates.stateful.to_json()["Resources"][BUCKET]
    assert resource["Type"] == "AWS::S3::Bucket"
    return resource


def bucket_arn(templates: Templates) -> dict[str, str]:
    return import_of(templates.stateful, {"Fn::GetAtt": [BUCKET, "Arn"]})


def uploads_arn(templates: Templates) -> dict[str, Any]:
    return {"Fn::Join": ["", [bucket_arn(templates), "/user-uploads/*"]]}


def attachment_statements(templates: Templates, service: str) -> list[dict[str, Any]]:
    """The statements of the function of ``service`` that name the attachments bucket."""
    arns = [bucket_arn(templates), uploads_arn(templates)]
    return [
        statement
        for statement in statements(templates.api, role_of(templates.api, service))
        if any(
            resource in arns or str(bucket_arn(templates)) in str(resource)
            for resource in as_list(statement["Resource"])
        )
    ]


def as_grants(found: list[dict[str, Any]]) -> list[tuple[frozenset[str], str, str]]:
    """Statements as (actions, resources, condition), comparable whatever their order."""
    return sorted(
        (
            frozenset(as_list(statement["Action"])),
            str(as_list(statement["Resource"])),
            str(statement.get("Condition")),
        )
        for statement in found
        if statement["Effect"] == "Allow"
    )


def only_uploads_listing(templates: Templates) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": bucket_arn(templates),
        "Condition": {"StringLike": {"s3:prefix": ["user-uploads/*"]}},
    }


def object_grant(templates: Templates, *actions: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": list(actions), "Resource": uploads_arn(templates)}


# --- the bucket ----------------------------------------------------------------------------------


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_bucket_is_private_and_owner_enforced_under_its_pinned_id(
    templates: str, request: pytest.FixtureRequest
) -> None:
    properties = bucket(request.getfixturevalue(templates))["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }
    assert "BucketName" not in properties  # generated, never hard-coded
    assert "WebsiteConfiguration" not in properties


def test_bucket_encrypts_with_s3_managed_keys_and_keeps_no_versions(created: Templates) -> None:
    properties = bucket(created)["Properties"]
    assert properties["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
    }
    assert "VersioningConfiguration" not in properties


def test_bucket_is_retained_when_its_stack_is_deleted_or_it_is_replaced(
    created: Templates,
) -> None:
    resource = bucket(created)
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    # Retained means no auto-delete custom resource emptying it either.
    created.stateful.resource_count_is("Custom::S3AutoDeleteObjects", 0)


def test_bucket_refuses_requests_without_tls(created: Templates) -> None:
    (policy,) = created.stateful.find_resources(
        "AWS::S3::BucketPolicy", {"Properties": {"Bucket": {"Ref": BUCKET}}}
    ).values()
    arn = {"Fn::GetAtt": [BUCKET, "Arn"]}
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "Principal": {"AWS": "*"},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Resource": [arn, {"Fn::Join": ["", [arn, "/*"]]}],
        }
    ]


def test_bucket_lets_any_origin_post_forms_and_get_files_and_read_the_etag(
    created: Templates,
) -> None:
    assert bucket(created)["Properties"]["CorsConfiguration"] == {
        "CorsRules": [
            {
                "AllowedMethods": ["POST", "GET", "HEAD"],
                "AllowedOrigins": ["*"],
                "AllowedHeaders": ["*"],
                "ExposedHeaders": ["ETag"],
                "MaxAge": 3600,
            }
        ]
    }


def test_bucket_aborts_incomplete_multipart_uploads_after_a_day(created: Templates) -> None:
    assert bucket(created)["Properties"]["LifecycleConfiguration"] == {
        "Rules": [
            {
                "Id": "AbortIncompleteUploads",
                "Status": "Enabled",
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            }
        ]
    }


def test_api_stack_outputs_the_bucket_name(created: Templates) -> None:
    created.api.has_output(
        "AttachmentsBucketName", {"Value": import_of(created.stateful, {"Ref": BUCKET})}
    )


# --- the REST function ---------------------------------------------------------------------------


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_rest_function_is_told_the_bucket_and_the_cors_origins(
    templates: str, request: pytest.FixtureRequest
) -> None:
    chosen = request.getfixturevalue(templates)
    _, rest = function_of(chosen.api, REST)
    variables = rest["Properties"]["Environment"]["Variables"]
    assert variables["POLARBASE_FILES_BUCKET"] == import_of(chosen.stateful, {"Ref": BUCKET})
    assert variables["POLARBASE_CORS_ORIGINS"] == "*"


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_rest_function_may_put_get_and_delete_uploads_and_list_only_their_prefix(
    templates: str, request: pytest.FixtureRequest
) -> None:
    chosen = request.getfixturevalue(templates)
    assert as_grants(attachment_statements(chosen, REST)) == as_grants(
        [
            object_grant(chosen, "s3:PutObject", "s3:GetObject", "s3:DeleteObject"),
            only_uploads_listing(chosen),
        ]
    )


def test_no_function_may_do_everything_to_the_bucket_or_reach_beyond_the_uploads(
    created: Templates,
) -> None:
    allowed = [str(bucket_arn(created)), str(uploads_arn(created))]
    for service in (REST, FILES):
        found = attachment_statements(created, service)
        assert found, service
        for statement in found:
            actions = as_list(statement["Action"])
            assert not [a for a in actions if "*" in a], (service, actions)
            for resource in as_list(statement["Resource"]):
                assert str(resource) in allowed, (service, resource)
            if statement["Resource"] == bucket_arn(created):
                # On the bucket itself: listing, under the uploads' prefix, nothing else.
                assert statement == only_uploads_listing(created), service
    # And no one else touches it: realtime's functions and the poster have no grant on it.
    others = [
        statement
        for statement in statements(created.api)
        if str(bucket_arn(created)) in str(statement["Resource"])
    ]
    assert len(others) == sum(len(attachment_statements(created, s)) for s in (REST, FILES))


# --- the files function --------------------------------------------------------------------------


def test_files_function_runs_handler_on_python_313_with_both_layers_for_five_minutes(
    created: Templates,
) -> None:
    _, function = function_of(created.api, FILES)
    properties = function["Properties"]
    assert properties["Handler"] == "handler.handler"
    assert properties["Runtime"] == "python3.13"
    assert properties["Architectures"] == ["x86_64"]
    assert properties["Timeout"] == 300
    layers = created.api.find_resources("AWS::Lambda::LayerVersion")
    assert sorted(layer["Ref"] for layer in properties["Layers"]) == sorted(layers)


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_files_function_environment_is_the_rest_functions_base_and_the_bucket(
    templates: str, request: pytest.FixtureRequest
) -> None:
    chosen = request.getfixturevalue(templates)
    _, files = function_of(chosen.api, FILES)
    secret = (
        EXISTING_SECRET_ARN
        if templates == "existing"
        else function_of(chosen.api, REST)[1]["Properties"]["Environment"]["Variables"][
            "POLARBASE_DATABASE_SECRET_ARN"
        ]
    )
    assert files["Properties"]["Environment"]["Variables"] == {
        "POLARBASE_MODE": "aws",
        "POLARBASE_AUDIT_KEY": "polarbase/audit.sqlite3",
        "POLARBASE_METADATA_BUCKET": import_of(
            chosen.stateful, {"Ref": PINNED_LOGICAL_IDS["metadata_bucket"]}
        ),
        "POLARBASE_METADATA_KEY": METADATA_KEY,
        "POLARBASE_DATABASE_SECRET_ARN": secret,
        "POLARBASE_SUPER_ADMIN_KEY_SECRET_ARN": import_of(
            chosen.stateful, {"Ref": PINNED_LOGICAL_IDS["super_admin_key"]}
        ),
        "POLARBASE_AWS_REGION": REGION,
        "POLARBASE_FILES_BUCKET": import_of(chosen.stateful, {"Ref": BUCKET}),
        "POWERTOOLS_SERVICE_NAME": FILES,
        "POWERTOOLS_METRICS_NAMESPACE": "PolarBase",
    }


def test_files_function_joins_the_vpc_as_the_rest_function_does(created: Templates) -> None:
    _, rest = function_of(created.api, REST)
    _, files = function_of(created.api, FILES)
    assert files["Properties"]["VpcConfig"] == rest["Properties"]["VpcConfig"]
    assert files["Properties"]["VpcConfig"]["SecurityGroupIds"]


def test_files_function_with_an_existing_database_is_in_no_vpc(existing: Templates) -> None:
    _, files = function_of(existing.api, FILES)
    assert "VpcConfig" not in files["Properties"]


def test_vpc_reaches_s3_through_a_gateway_endpoint_on_the_function_subnets(
    created: Templates,
) -> None:
    (endpoint,) = created.stateful.find_resources(
        "AWS::EC2::VPCEndpoint",
        {
            "Properties": {
                "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]}
            }
        },
    ).values()
    assert endpoint["Properties"]["VpcEndpointType"] == "Gateway"
    routed = sorted(str(table) for table in endpoint["Properties"]["RouteTableIds"])
    subnet_tables = sorted(
        str({"Ref": logical_id})
        for logical_id in created.stateful.find_resources("AWS::EC2::RouteTable")
    )
    assert routed == subnet_tables


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_files_function_may_read_the_metadata_and_secrets_head_delete_and_list_uploads_only(
    templates: str, request: pytest.FixtureRequest
) -> None:
    chosen = request.getfixturevalue(templates)
    metadata_arn = import_of(
        chosen.stateful, {"Fn::GetAtt": [PINNED_LOGICAL_IDS["metadata_bucket"], "Arn"]}
    )
    _, rest = function_of(chosen.api, REST)
    rest_variables = rest["Properties"]["Environment"]["Variables"]
    read_secret = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    expected = [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
            "Resource": [
                metadata_arn,
                {"Fn::Join": ["", [metadata_arn, f"/{METADATA_KEY}"]]},
            ],
        },
        # The runtime's start reads the super admin key too, as every function's does.
        {
            "Effect": "Allow",
            "Action": read_secret,
            "Resource": rest_variables["POLARBASE_DATABASE_SECRET_ARN"],
        },
        {
            "Effect": "Allow",
            "Action": read_secret,
            "Resource": rest_variables["POLARBASE_SUPER_ADMIN_KEY_SECRET_ARN"],
        },
        object_grant(chosen, "s3:GetObject", "s3:DeleteObject"),
        only_uploads_listing(chosen),
    ]
    found = statements(chosen.api, role_of(chosen.api, FILES))
    assert as_grants(found) == as_grants(expected)


def test_files_function_runs_every_hour_and_a_failed_run_waits_for_the_next(
    created: Templates,
) -> None:
    function_id, _ = function_of(created.api, FILES)
    arn = {"Fn::GetAtt": [function_id, "Arn"]}
    (rule,) = [
        rule
        for rule in created.api.find_resources("AWS::Events::Rule").values()
        if arn in [target["Arn"] for target in rule["Properties"]["Targets"]]
    ]
    assert rule["Properties"]["ScheduleExpression"] == "rate(1 hour)"
    assert rule["Properties"]["State"] == "ENABLED"
    (target,) = rule["Properties"]["Targets"]
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 0}
    created.api.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": arn,
            "Principal": "events.amazonaws.com",
        },
    )
    created.api.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {"FunctionName": {"Ref": function_id}, "MaximumRetryAttempts": 0},
    )


# --- CORS origins given to the app ---------------------------------------------------------------


def test_cors_origins_given_reach_both_the_bucket_and_the_rest_function(tmp_path: Path) -> None:
    # GIVEN the stacks built with two origins (an existing database: no VPC, quicker)
    origins = ["https://studio.example.com", "https://admin.example.com"]
    (tmp_path / "python").mkdir()
    app = cdk.App()
    env = cdk.Environment(account="123456789012", region=REGION)
    stateful = StatefulStack(
        app,
        "Stateful",
        env=env,
        existing_database_secret_arn=EXISTING_SECRET_ARN,
        cors_origins=origins,
    )
    api = ApiStack(
        app,
        "Api",
        env=env,
        metadata=stateful.metadata,
        super_admin_key=stateful.super_admin_key,
        database=stateful.database,
        network=stateful.network,
        realtime=stateful.realtime,
        audit=stateful.audit,
        attachments=stateful.attachments,
        core_layer_path=ROOT / "layers" / "core",
        deps_layer_path=tmp_path,
        functions_path=ROOT / "functions",
        cors_origins=origins,
    )
    # THEN the bucket answers those origins only, and the REST function is told the same
    rules = Template.from_stack(stateful).to_json()["Resources"][BUCKET]["Properties"][
        "CorsConfiguration"
    ]["CorsRules"]
    assert [rule["AllowedOrigins"] for rule in rules] == [origins]
    templates = Templates(stateful=Template.from_stack(stateful), api=Template.from_stack(api))
    _, rest = function_of(templates.api, REST)
    assert rest["Properties"]["Environment"]["Variables"]["POLARBASE_CORS_ORIGINS"] == (
        "https://studio.example.com,https://admin.example.com"
    )


def test_attachments_bucket_construct_defaults_to_any_origin() -> None:
    stack = cdk.Stack(cdk.App(), "Scratch")
    AttachmentsBucket(stack, "Attachments")
    (found,) = Template.from_stack(stack).find_resources("AWS::S3::Bucket").values()
    (rule,) = found["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == ["*"]
