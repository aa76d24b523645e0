"""National sign-in through django-allauth's OpenID Connect provider, against a real provider process
(oauth2-mock-server from npm, started here): the IIN claim verifies the signed-in account."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.test import Client

from portal.accounts.models import IdentityLevel, IdentityVerification
from portal.accounts.verification.services import identity_fingerprint
from tests.factories import UserFactory
from tests.identity import make_iin
from tests.services import missing

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[3]
LAUNCHER = Path(__file__).with_name("oidc_provider.mjs")
IIN = make_iin(8001)


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    installed = (BASE_DIR / "node_modules" / "oauth2-mock-server").is_dir()
    if shutil.which("node") is None or not installed:
        missing("needs node and `npm ci` (oauth2-mock-server)")
    claims = tmp_path_factory.mktemp("oidc") / "claims.json"
    claims.write_text("{}")
    process = subprocess.Popen(
        ["node", str(LAUNCHER), str(claims)], cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, env=os.environ
    )
    issuer = process.stdout.readline().strip()
    assert issuer.startswith("http://"), issuer
    yield issuer, claims
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def national(settings, provider):
    issuer, claims = provider
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "national",
                    "name": "National sign-in",
                    "client_id": "qatysu-test",
                    "secret": "test-secret",
                    "settings": {"server_url": issuer, "scope": ["openid"]},
                }
            ],
        }
    }
    return claims


def _sign_in_at_provider(user, claims_file: Path, claims: dict):
    """The whole round trip: the portal's button, the provider's authorisation, the portal's callback."""
    claims_file.write_text(json.dumps(claims))
    client = Client()
    client.force_login(user)
    start = client.post(
        "/en/accounts/oidc/national/login/", {"process": "connect", "next": "/en/accounts/verify/"}
    )
    assert start.status_code == 302, start.content[:500]
    authorised = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert authorised.status_code == 302
    callback = urlsplit(authorised.headers["Location"])
    answer = client.get(f"{callback.path}?{callback.query}")
    page = client.get(answer["Location"]).content.decode() if answer.status_code == 302 else ""
    return answer, page


def test_iin_claim_verifies_the_account(national):
    user = UserFactory()
    answer, page = _sign_in_at_provider(user, national, {"sub": "person-1", "iin": IIN})
    assert answer["Location"] == "/en/accounts/verify/"
    verification = IdentityVerification.objects.get(user=user)
    assert verification.level == IdentityLevel.NATIONAL_SIGN_IN
    assert verification.identity_hash == identity_fingerprint(IIN)
    assert "Your identity is verified" in page


def test_missing_iin_claim_is_explained_and_verifies_nothing(national):
    user = UserFactory()
    _answer, page = _sign_in_at_provider(user, national, {"sub": "person-2", "name": "No IIN"})
    assert "did not send your IIN" in page
    assert not IdentityVerification.objects.filter(user=user).exists()


def test_same_iin_on_a_second_account_is_refused(national):
    first, second = UserFactory(), UserFactory()
    _sign_in_at_provider(first, national, {"sub": "person-3", "iin": IIN})
    _answer, page = _sign_in_at_provider(second, national, {"sub": "person-3b", "iin": IIN})
    assert "already verifies another account" in page
    assert not IdentityVerification.objects.filter(user=second).exists()


def test_iin_claim_in_unicode_digits_is_refused(national):
    user = UserFactory()
    _answer, page = _sign_in_at_provider(user, national, {"sub": "person-4", "iin": "８" + IIN[1:]})
    assert "digits 0-9 only" in page
    assert not IdentityVerification.objects.filter(user=user).exists()


def test_nothing_of_the_provider_answer_is_stored(national):
    user = UserFactory()
    _sign_in_at_provider(user, national, {"sub": "person-5", "iin": make_iin(8002)})
    assert not SocialAccount.objects.exists()
    assert not SocialToken.objects.exists()
