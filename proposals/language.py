"""The domain's modules and migrations read the language guess under this name; it lives in the base layer
(portal/core/language.py), where the audit log reads it too."""

from portal.core.language import KAZAKH_LETTERS, detect_language

__all__ = ["KAZAKH_LETTERS", "detect_language"]
