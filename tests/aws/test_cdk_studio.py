"""The CDK app's studio stack: the build in a private bucket behind CloudFront, with the API's
URLs in its config.json."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match, Template

from tests.aws.cdk_templates import Templates, only


def studio_of(templates: Templates) -> Template:
    assert templates.studio is not None
    return templates.studio


def test_the_bucket_is_private_encrypted_and_reached_only_through_cloudfront(
    created: Templates,
) -> None:
    studio = studio_of(created)
    bucket_id, bucket = only(studio, "AWS::S3::Bucket")
    assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    _, policy = only(studio, "AWS::S3::BucketPolicy")
    readers = [
        statement
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Allow" and "s3:GetObject" in str(statement["Action"])
    ]
    assert [r["Principal"] for r in readers] == [{"Service": "cloudfront.amazonaws.com"}]
    studio.resource_count_is("AWS::CloudFront::OriginAccessControl", 1)
    del bucket_id


def test_cloudfront_serves_https_the_page_at_the_root_and_the_page_for_every_screen(
    created: Templates,
) -> None:
    _, distribution = only(studio_of(created), "AWS::CloudFront::Distribution")
    config: dict[str, Any] = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultCacheBehavior"]["Compress"] is True
    assert sorted(
        (e["ErrorCode"], e["ResponseCode"], e["ResponsePagePath"])
        for e in config["CustomErrorResponses"]
    ) == [(403, 200, "/index.html"), (404, 200, "/index.html")]


def test_config_json_names_the_api_the_websocket_and_the_mcp_endpoints(
    created: Templates,
) -> None:
    studio = studio_of(created)
    deployments = studio.find_resources("Custom::CDKBucketDeployment")
    assert len(deployments) == 2
    page = next(d for d in deployments.values() if d["Properties"].get("DistributionPaths"))
    assert sorted(page["Properties"]["DistributionPaths"]) == ["/config.json", "/index.html"]
    # config.json is written at deploy time from the API stack's outputs (its markers are
    # replaced by them), so the studio needs no rebuild for another deployment.
    markers = page["Properties"]["SourceMarkers"]
    values = str(markers)
    assert "PolarBaseApi" in values
    assert "mcp/database" in values
    studio.has_output("StudioUrl", {"Value": Match.any_value()})
