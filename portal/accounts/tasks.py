"""Celery tasks of accounts: thin, idempotent, keyed by primary key."""

from celery import shared_task

from .privacy import accounts_erase_due, data_export_build, retention_purge


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=10, max_retries=3)
def build_data_export(self, export_id: int) -> bool:
    """Builds one "download my data" archive. Running it twice builds once (only a pending export builds)."""
    return data_export_build(export_id=export_id) is not None


@shared_task
def erase_deleted_accounts() -> int:
    """Beat: erases accounts whose deletion grace period is over."""
    return accounts_erase_due()


@shared_task
def purge_expired_personal_data() -> dict:
    """Beat: the retention periods of docs/PRIVACY.md. Safe to run twice."""
    return retention_purge()
