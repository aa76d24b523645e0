"""Digital-signature (ЭЦП) verification: a person signs a one-time challenge with NCALayer.

The server issues a challenge; the page asks NCALayer to sign it (CMS SignedData with the signer's
certificate); the server checks, in this order, that the CMS signature covers exactly that challenge, that the
certificate is in date, is an authentication certificate, chains to a root in `IDENTITY_EDS_TRUST_STORE`, and
is not revoked according to `IDENTITY_EDS_OCSP_URL` (whose answer must be signed for the issuer and fresh),
then takes the IIN from the subject's serial number (`IIN` + 12 digits).

ASN.1 is read by asn1crypto (CMS structure) and cryptography (X.509, OCSP, path validation, signatures).
"""

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import requests
from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import ExtensionPolicy, PolicyBuilder, Store, VerificationError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import IdentityVerification, SignatureChallenge, User
from .iin import iin_canonical
from .services import identity_verification_record

logger = logging.getLogger(__name__)

_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512, "sha1": hashes.SHA1}


class SignatureRefused(ValidationError):
    """A refusal whose `code` names the check that failed (docs/identity-verification.md lists them)."""


MESSAGES = {
    "unreadable": _("The signature could not be read. Sign again with NCALayer."),
    "no_certificate": _("The signature does not include the signer's certificate."),
    "unknown_challenge": _("This signature answers no challenge of yours. Reload the page and sign again."),
    "replayed": _("This challenge was already used. Reload the page and sign the new one."),
    "challenge_expired": _("The challenge expired. Reload the page and sign the new one."),
    "wrong_challenge": _("The signature is over another challenge, not the one this page asked for."),
    "bad_signature": _("The signature does not match the signer's certificate."),
    "expired": _("The certificate has expired or is not valid yet."),
    "not_authentication": _("This certificate is not for authentication: choose your AUTH key."),
    "untrusted": _("The certificate was not issued by a certification authority this portal trusts."),
    "revoked": _("The certificate has been revoked."),
    "ocsp_unavailable": _("Cannot check revocation now. Nothing was recorded; please try again later."),
    "no_iin": _("The certificate carries no IIN."),
    "not_configured": _("Signing in with a digital signature is not set up on this portal."),
}


def _refuse(code: str) -> SignatureRefused:
    return SignatureRefused(MESSAGES[code], code=code)


# --- challenges ------------------------------------------------------------------------------------------


def signature_challenge_issue(*, user: User) -> SignatureChallenge:
    """A fresh challenge for `user`, valid for `IDENTITY_EDS_CHALLENGE_TTL_SECONDS`."""
    return SignatureChallenge.objects.create(
        user=user,
        nonce=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(seconds=settings.IDENTITY_EDS_CHALLENGE_TTL_SECONDS),
    )


def challenge_content(nonce: str) -> bytes:
    """The bytes the person signs: named for the portal, so a signature cannot be reused elsewhere."""
    return f"qatysu-identity:{nonce}".encode()


def _claim_challenge(*, user: User, nonce: str) -> SignatureChallenge:
    """Marks the challenge used, committed at once: a challenge gets one attempt, whatever its outcome."""
    with transaction.atomic():
        challenge = SignatureChallenge.objects.select_for_update().filter(user=user, nonce=nonce).first()
        if challenge is None:
            raise _refuse("unknown_challenge")
        if challenge.used_at is not None:
            raise _refuse("replayed")
        challenge.used_at = timezone.now()
        challenge.save(update_fields=["used_at"])
    if challenge.expires_at <= challenge.used_at:
        raise _refuse("challenge_expired")
    return challenge


# --- CMS ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedContent:
    content: bytes
    signer: x509.Certificate
    certificates: list[x509.Certificate]


def _verify_with(public_key, signature: bytes, data: bytes, algorithm: str, digest) -> None:
    if isinstance(public_key, rsa.RSAPublicKey):
        if algorithm == "rsassa_pss":
            pad = padding.PSS(mgf=padding.MGF1(digest), salt_length=padding.PSS.AUTO)
        else:
            pad = padding.PKCS1v15()
        public_key.verify(signature, data, pad, digest)
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, data, ec.ECDSA(digest))
    else:
        raise InvalidSignature("unsupported key type")


def cms_signed_content(der: bytes) -> SignedContent:
    """The content of a CMS SignedData and the certificate that signed it, after checking the signature."""
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        signed_data = info["content"]
        content = signed_data["encap_content_info"]["content"].native
        certificates = [
            x509.load_der_x509_certificate(choice.chosen.dump())
            for choice in (signed_data["certificates"] or [])
            if choice.name == "certificate"
        ]
        signer_info = signed_data["signer_infos"][0]
        digest_name = signer_info["digest_algorithm"]["algorithm"].native
        signature_algorithm = signer_info["signature_algorithm"].signature_algo
        signature = signer_info["signature"].native
        signed_attrs = signer_info["signed_attrs"]
        sid = signer_info["sid"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise _refuse("unreadable") from None
    if not isinstance(content, bytes) or digest_name not in _HASHES:
        raise _refuse("unreadable")
    signer = _find_signer(sid, certificates)
    if signer is None:
        raise _refuse("no_certificate")
    digest = _HASHES[digest_name]()
    if len(signed_attrs):
        attributes = {attr["type"].native: attr["values"][0].native for attr in signed_attrs}
        if attributes.get("message_digest") != _digest(digest, content):
            raise _refuse("bad_signature")
        # The signature covers the DER of the attributes as a SET, not as the [0]-tagged field.
        signed_bytes = signed_attrs.untag().dump()
    else:
        signed_bytes = content
    try:
        _verify_with(signer.public_key(), signature, signed_bytes, signature_algorithm, digest)
    except (InvalidSignature, ValueError, UnsupportedAlgorithm):
        raise _refuse("bad_signature") from None
    return SignedContent(content=content, signer=signer, certificates=certificates)


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    hasher = hashes.Hash(algorithm)
    hasher.update(data)
    return hasher.finalize()


def _find_signer(sid, certificates: list[x509.Certificate]) -> x509.Certificate | None:
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            # The issuer's DER and the serial number identify the certificate.
            if (
                certificate.serial_number == sid.chosen["serial_number"].native
                and certificate.issuer.public_bytes() == sid.chosen["issuer"].dump()
            ):
                return certificate
        else:
            try:
                ski = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
            except x509.ExtensionNotFound:
                continue
            if ski == sid.chosen.native:
                return certificate
    return None


# --- certificate ------------------------------------------------------------------------------------------


def _trust_store() -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """(roots, intermediates) from the PEM files of `IDENTITY_EDS_TRUST_STORE`; self-signed ones are roots."""
    folder = settings.IDENTITY_EDS_TRUST_STORE
    if not folder or not Path(folder).is_dir():
        raise _refuse("not_configured")
    roots, intermediates = [], []
    for path in sorted(Path(folder).glob("*.pem")) + sorted(Path(folder).glob("*.crt")):
        for certificate in x509.load_pem_x509_certificates(path.read_bytes()):
            (roots if certificate.subject == certificate.issuer else intermediates).append(certificate)
    if not roots:
        raise _refuse("not_configured")
    return roots, intermediates


def _check_dates(certificate: x509.Certificate, now: dt.datetime) -> None:
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise _refuse("expired")


def _check_authentication_usage(certificate: x509.Certificate) -> None:
    """NCA's AUTH certificates carry digitalSignature and the TLS client-authentication purpose."""
    try:
        key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        purposes = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        raise _refuse("not_authentication") from None
    if not key_usage.digital_signature or ExtendedKeyUsageOID.CLIENT_AUTH not in purposes:
        raise _refuse("not_authentication")


def _chain(certificate: x509.Certificate, extra: list[x509.Certificate], now: dt.datetime):
    roots, intermediates = _trust_store()
    verifier = (
        PolicyBuilder()
        .store(Store(roots))
        .time(now)
        # Person certificates carry no subject alternative name; their purpose is checked above.
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all()
        )
        .build_client_verifier()
    )
    try:
        return verifier.verify(certificate, intermediates + extra).chain
    except VerificationError:
        raise _refuse("untrusted") from None


# --- OCSP -------------------------------------------------------------------------------------------------


def _ocsp_status(certificate: x509.Certificate, issuer: x509.Certificate, now: dt.datetime):
    """The certificate's status from `IDENTITY_EDS_OCSP_URL`; an unusable answer is "cannot check"."""
    url = settings.IDENTITY_EDS_OCSP_URL
    if not url:
        raise _refuse("not_configured")
    nonce = secrets.token_bytes(16)
    request = (
        ocsp.OCSPRequestBuilder()
        # SHA-1 only names the certificate in the request (RFC 6960's CertID); every responder knows it.
        .add_certificate(certificate, issuer, hashes.SHA1())  # noqa: S303
        .add_extension(x509.OCSPNonce(nonce), critical=False)
        .build()
    )
    try:
        answer = requests.post(
            url,
            data=request.public_bytes(Encoding.DER),
            # One request per verification; some responders (openssl's among them) answer only then.
            headers={"Content-Type": "application/ocsp-request", "Connection": "close"},
            timeout=settings.IDENTITY_EDS_OCSP_TIMEOUT_SECONDS,
        )
        answer.raise_for_status()
        response = ocsp.load_der_ocsp_response(answer.content)
    except (requests.RequestException, ValueError) as error:
        logger.warning("OCSP responder unreachable or unreadable: %s", type(error).__name__)
        raise _refuse("ocsp_unavailable") from None
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        logger.warning("OCSP responder answered %s", response.response_status.name)
        raise _refuse("ocsp_unavailable")
    if not _ocsp_signed_for(response, issuer, now) or not _ocsp_fresh(response, nonce, now):
        raise _refuse("ocsp_unavailable")
    if response.serial_number != certificate.serial_number:
        logger.warning("OCSP answer is about another certificate")
        raise _refuse("ocsp_unavailable")
    return response.certificate_status


def _ocsp_signed_for(response: ocsp.OCSPResponse, issuer: x509.Certificate, now: dt.datetime) -> bool:
    """The answer is signed by the issuer itself, or by a responder the issuer delegated (OCSPSigning)."""
    responder = issuer
    if response.responder_name != issuer.subject and response.responder_key_hash != _key_hash(issuer):
        delegated = [
            cert
            for cert in response.certificates
            if cert.subject == response.responder_name or _key_hash(cert) == response.responder_key_hash
        ]
        if not delegated:
            logger.warning("OCSP answer signed by an unknown responder")
            return False
        responder = delegated[0]
        try:
            responder.verify_directly_issued_by(issuer)
            purposes = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
            logger.warning("OCSP responder certificate not delegated by the issuer")
            return False
        if ExtendedKeyUsageOID.OCSP_SIGNING not in purposes:
            logger.warning("OCSP responder certificate lacks the OCSP signing purpose")
            return False
        try:
            _check_dates(responder, now)
        except ValidationError:
            logger.warning("OCSP responder certificate out of date")
            return False
    try:
        _verify_with(
            responder.public_key(),
            response.signature,
            response.tbs_response_bytes,
            "rsassa_pkcs1v15",
            response.signature_hash_algorithm,
        )
    except (InvalidSignature, ValueError):
        logger.warning("OCSP answer signature does not verify")
        return False
    return True


def _key_hash(certificate: x509.Certificate) -> bytes:
    return x509.SubjectKeyIdentifier.from_public_key(certificate.public_key()).digest


def _ocsp_fresh(response: ocsp.OCSPResponse, nonce: bytes, now: dt.datetime) -> bool:
    """Produced for this request (our nonce echoed) or recently, and not past its own next update."""
    skew = timedelta(minutes=5)
    if response.this_update_utc > now + skew:
        logger.warning("OCSP answer dated in the future")
        return False
    if response.next_update_utc is not None and response.next_update_utc < now - skew:
        logger.warning("OCSP answer past its next update")
        return False
    try:
        echoed = response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        echoed = None
    if echoed is not None and echoed != nonce:
        logger.warning("OCSP answer carries another request's nonce")
        return False
    max_age = timedelta(seconds=settings.IDENTITY_EDS_OCSP_MAX_AGE_SECONDS)
    if echoed is None and response.this_update_utc < now - max_age:
        logger.warning("OCSP answer too old")
        return False
    return True


# --- the whole check ----------------------------------------------------------------------------------------


def certificate_iin(certificate: x509.Certificate) -> str:
    """The IIN in the subject's serial number (`IIN` + 12 digits), canonical."""
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        value = attribute.value if isinstance(attribute.value, str) else ""
        if value.startswith("IIN"):
            try:
                return iin_canonical(value[3:])
            except ValidationError:
                break
    raise _refuse("no_iin")


def signature_verify(*, user: User, nonce: str, cms_der: bytes) -> IdentityVerification:
    """Verifies a signed challenge and records a `signature` verification for `user`.

    Raises `SignatureRefused` naming the failed check; nothing is recorded then. The challenge is spent by
    the attempt, whatever its outcome.
    """
    now = timezone.now()
    signed = cms_signed_content(cms_der)
    _claim_challenge(user=user, nonce=nonce)
    if not secrets.compare_digest(
        hashlib.sha256(signed.content).digest(), hashlib.sha256(challenge_content(nonce)).digest()
    ):
        raise _refuse("wrong_challenge")
    _check_dates(signed.signer, now)
    _check_authentication_usage(signed.signer)
    chain = _chain(signed.signer, signed.certificates, now)
    status = _ocsp_status(signed.signer, chain[1], now)
    if status == ocsp.OCSPCertStatus.REVOKED:
        raise _refuse("revoked")
    if status != ocsp.OCSPCertStatus.GOOD:
        raise _refuse("ocsp_unavailable")
    iin = certificate_iin(signed.signer)
    return identity_verification_record(
        user=user, method=IdentityVerification.Method.SIGNATURE, identity=iin, verified_by=None
    )
