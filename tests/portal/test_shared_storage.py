"""Scale-out, uploads: with STORAGE_BUCKET set, production keeps uploads in an S3-compatible bucket that every
web node reads, privately, and the portal serves them after its own permission check."""

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto import mock_aws

from proposals.services.attachment import attachment_add
from tests.factories import UserFactory
from tests.proposals.factories import ProposalFactory

BASE_DIR = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _production_storages(**extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.production", SECRET_KEY="k" * 60, ALLOWED_HOSTS="x.kz")
    env.update(extra)
    code = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.STORAGES))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_keeps_uploads_on_local_disk_without_a_bucket():
    assert _production_storages()["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


@pytest.mark.django_db
def test_uploads_go_to_the_private_bucket_and_are_served_from_it(client, settings):
    storages = _production_storages(
        STORAGE_BUCKET="qatysu-uploads", STORAGE_REGION="us-east-1", STORAGE_ACCESS_KEY="test",
        STORAGE_SECRET_KEY="test",
    )  # fmt: skip
    default = storages["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["default_acl"] == "private"
    assert default["OPTIONS"]["querystring_auth"] is True
    with mock_aws():
        s3 = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
        )
        s3.create_bucket(Bucket="qatysu-uploads")
        settings.STORAGES = {**settings.STORAGES, "default": default}
        author = UserFactory()
        proposal = ProposalFactory(author=author, status="draft", published_at=None)
        attachment = attachment_add(
            proposal=proposal, author=author, uploaded=SimpleUploadedFile("plan.pdf", PDF)
        )

        keys = [item["Key"] for item in s3.list_objects_v2(Bucket="qatysu-uploads")["Contents"]]
        assert keys == [f"uploads/{attachment.file.name}"]
        acl = s3.get_object_acl(Bucket="qatysu-uploads", Key=keys[0])
        assert all(grant["Grantee"].get("URI") is None for grant in acl["Grants"]), (
            "the file must not be public"
        )

        proposal.status = "published"
        proposal.save()
        response = client.get(f"/en/attachments/{attachment.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
