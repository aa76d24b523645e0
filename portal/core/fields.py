"""Field factories the apps' models share: each keeps one convention (who acted, an optional link, a status
only its lifecycle writes) in one place, so a model states which convention a field follows."""

from django.conf import settings
from django.db import models


def actor_field(*, blank: bool = True, **options) -> models.ForeignKey:
    """Who did something: kept empty once their account is erased, with no accessor back from the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name="+",
        **options,
    )


def optional_link(to, *, related_name: str, **options) -> models.ForeignKey:
    """A link a row may be without (a reply's parent, what a follow follows); with it, the row goes when what
    it links to goes."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.CASCADE, related_name=related_name, **options
    )


def lifecycle_status(choices: type[models.TextChoices], *, default, max_length: int, **options):
    """The current status of a lifecycle: only its transition service writes it, so no form offers it."""
    return models.CharField(
        max_length=max_length, choices=choices.choices, default=default, editable=False, **options
    )


def status_change(
    choices: type[models.TextChoices], *, max_length: int
) -> tuple[models.CharField, models.CharField]:
    """A log row's `from_…` and `to_…` statuses, declared as one pair so that both take the lifecycle's own
    choices and length: `from_status, to_status = status_change(HearingStatus, max_length=10)`."""
    return (
        models.CharField(max_length=max_length, choices=choices.choices),
        models.CharField(max_length=max_length, choices=choices.choices),
    )
