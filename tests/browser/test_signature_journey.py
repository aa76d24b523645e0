"""The signature flow in Chromium: the identity page asks a stand-in for NCALayer (a WebSocket server speaking
its JSON protocol, signing with the test PKI's key) to sign the challenge, posts the CMS, and the server checks
it up to the test root and through a real `openssl ocsp` responder."""

import asyncio
import base64
import copy
import json
import shutil
import threading

import pytest
import websockets

from portal.accounts.models import IdentityVerification
from portal.accounts.verification.services import identity_fingerprint
from tests.factories import UserFactory
from tests.identity import make_iin
from tests.portal.accounts.pki import NationalPki, OcspResponder, person, sign_cms
from tests.services import missing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IIN = make_iin(7501)


class NcaLayerStandIn:
    """Answers `kz.gov.pki.knca.basics` / `sign` as NCALayer does: CMS, content encapsulated, certificate in."""

    def __init__(self, signer):
        self.signer = signer
        self.requests = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _answer(self, connection):
        await connection.send(json.dumps({"result": {"version": "1.4"}}))
        async for message in connection:
            request = json.loads(message)
            self.requests.append(request)
            args = request["args"]
            content = (
                base64.b64decode(args["data"]) if args["signingParams"]["decode"] else args["data"].encode()
            )
            signature = base64.b64encode(sign_cms(self.signer, content)).decode()
            await connection.send(json.dumps({"status": True, "body": {"result": [signature]}}))

    def _run(self):
        asyncio.set_event_loop(self._loop)

        async def serve():
            async with websockets.serve(self._answer, "127.0.0.1", 0) as server:
                self.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
                self._ready.set()
                self._stop = self._loop.create_future()
                await self._stop

        self._loop.run_until_complete(serve())

    def start(self):
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self):
        self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(10)


@pytest.fixture
def signature_backend(settings, tmp_path):
    if shutil.which("openssl") is None:
        missing("the openssl program is not installed")
    pki = NationalPki()
    holder = person(pki.intermediate, IIN)
    responder = OcspResponder(tmp_path / "ocsp", pki, good=[holder], revoked=[]).start()
    ncalayer = NcaLayerStandIn(holder).start()
    settings.IDENTITY_EDS_TRUST_STORE = str(pki.trust_store(tmp_path / "trust"))
    settings.IDENTITY_EDS_OCSP_URL = responder.url
    settings.IDENTITY_EDS_NCALAYER_URL = ncalayer.url
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["connect-src"] = ["'self'", ncalayer.url]
    settings.CONTENT_SECURITY_POLICY = policy
    yield ncalayer
    ncalayer.stop()
    responder.stop()


def test_signing_with_ncalayer_verifies_the_account(page, login_as, signature_backend):
    user = UserFactory()
    login_as(user)
    page.goto("/en/accounts/verify/")
    page.get_by_role("button", name="Sign with NCALayer").click()
    page.get_by_text("Your identity is verified").wait_for()
    verification = IdentityVerification.objects.get(user=user)
    assert verification.method == "signature"
    assert verification.identity_hash == identity_fingerprint(IIN)
    (request,) = signature_backend.requests
    assert (request["module"], request["method"]) == ("kz.gov.pki.knca.basics", "sign")
    assert request["args"]["format"] == "cms"
    assert page.console_errors == []


def test_page_says_when_ncalayer_does_not_answer(page, login_as, signature_backend):
    signature_backend.stop()
    login_as(UserFactory())
    page.goto("/en/accounts/verify/")
    page.get_by_role("button", name="Sign with NCALayer").click()
    page.get_by_text("NCALayer does not answer").wait_for()
