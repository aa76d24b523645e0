from django.db import models

from .models import AuditEntry


def audit_record(*, actor, action: str, target: models.Model | None = None, details: dict | None = None):
    """Appends one row to the audit log. `actor=None` means the system itself."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details or {},
    )
