"""What the notifications app registers when it starts."""

from portal.core import registries

from .models import DigestDelivery, Notification, Preference
from .personal_data import notifications_erase, notifications_of, notifications_purge


def register() -> None:
    registries.personal_data.register(
        registries.PersonalDataPart(
            name="notifications",
            models=(Notification, DigestDelivery, Preference),
            export=notifications_of,
            erase=notifications_erase,
            purge=notifications_purge,
        )
    )
