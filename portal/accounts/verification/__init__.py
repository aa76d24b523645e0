"""Identity verification: backends that prove one account is one real person.

A backend is a class (see `backends.py`) with:

- ``code``: a short identifier stored on the verification (one of ``IdentityVerification.Method``; a new
  backend adds its method there),
- ``level``: the ``IdentityLevel`` it proves (the level a verification carries is ``LEVEL_OF_METHOD`` of its
  method),
- ``label``: a translatable name shown to people,
- ``form_class``: a Django form with the fields the person fills in (``None`` when the person fills in none),
- ``verify(*, user, cleaned_data)`` for backends whose form the portal posts (the self-declared IIN, staff),
  or ``is_configured()`` for those that need the operator's settings (digital signature, national sign-in),
  whose own views verify the answer; either way the IIN is recorded through ``identity_verification_record``,
  which stores only its keyed hash.

Backends are listed in ``PORTAL_IDENTITY_BACKENDS``; the identity page (``views/account.py``) asks for each
one by its code with ``get_backend``, so a new backend also needs its part of that page. See
docs/identity-verification.md.
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


def get_backend(code: str):
    return _backends().get(code)
