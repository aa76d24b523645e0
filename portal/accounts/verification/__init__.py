"""Identity verification: pluggable backends that prove one account is one real person.

A backend is a class with:

- ``code``: a short identifier stored on the verification (one of ``IdentityVerification.Method``; a new
  backend adds its method there),
- ``label``: a translatable name shown to people,
- ``form_class``: a Django form with the fields the person fills in (``None`` for backends that only staff
  use),
- ``self_service``: whether people start it themselves,
- ``verify(*, user, cleaned_data) -> IdentityVerification``: checks the data and calls
  ``identity_verification_record`` (raising ``django.core.exceptions.ValidationError`` with a message for
  the person when the check fails).

Backends are listed in ``PORTAL_IDENTITY_BACKENDS``. An eGov (e.g. a government identity provider through
OpenID Connect) or a digital-signature backend would implement the same interface: its view obtains the
verified IIN from the provider, then calls ``identity_verification_record(user=…, method=…, identity=iin)``,
which stores only the keyed hash. See docs/identity-verification.md.
"""

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


@cache
def _backends() -> dict:
    loaded = [import_string(path)() for path in settings.PORTAL_IDENTITY_BACKENDS]
    return {backend.code: backend for backend in loaded}


@receiver(setting_changed)
def _forget_backends(*, setting, **kwargs) -> None:
    # Backends are loaded once; a changed list (an operator's reload, a test's override) loads them again.
    if setting == "PORTAL_IDENTITY_BACKENDS":
        _backends.cache_clear()


def get_backends() -> dict:
    return _backends()


def get_backend(code: str):
    return _backends().get(code)


def self_service_backends() -> list:
    return [backend for backend in _backends().values() if backend.self_service]
