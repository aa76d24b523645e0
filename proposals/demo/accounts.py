"""Demo people for `seed_demo`. Bulk inserts; running twice adds nothing twice."""

import random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from portal.accounts import services
from portal.accounts.models import IdentityVerification, Organisation, User
from portal.accounts.privacy import consent_accept, current_notice
from portal.accounts.verification.services import identity_verification_record
from portal.core.roles import Role

DEMO_ACCOUNTS = [
    # email, public name, role
    ("citizen@demo.test", "Aigerim S.", None),
    ("citizen2@demo.test", "Timur K.", None),
    ("moderator@demo.test", "Dana Seitkali", Role.MODERATOR),
    ("commission@demo.test", "Erlan Abenov", Role.COMMISSION),
    ("admin@demo.test", "Saule Temirova", Role.ADMIN),
    ("auditor@demo.test", "Gulnara Mukhametova", Role.AUDITOR),
]

_FIRST = [
    "Aigerim",
    "Asel",
    "Dana",
    "Aruzhan",
    "Madina",
    "Erlan",
    "Nurlan",
    "Timur",
    "Daniyar",
    "Olga",
    "Ivan",
    "Saule",
    "Bolat",
    "Gulnara",
    "Askar",
    "Zhanna",
    "Marat",
    "Yelena",
    "Arman",
    "Kamila",
]


# A made-up number that passes the IIN check digit (900101: born 1 January 1990), for the demo citizen only.
DEMO_CITIZEN_IIN = "900101300017"


def seed_users(*, count: int, rng: random.Random) -> int:
    """Ensures `count` verified demo citizens (demo-user-N@demo.invalid) exist; returns how many were new."""
    wanted = [f"demo-user-{n}@demo.invalid" for n in range(1, count + 1)]
    existing = set(User.objects.filter(email__in=wanted).values_list("email", flat=True))
    # Demo citizens cannot log in: an unusable password, shared so that hashing runs once.
    password = make_password(None)
    languages = User.Language.values
    new_users = [
        User(
            email=email,
            display_name=f"{rng.choice(_FIRST)} {chr(0x0410 + rng.randrange(32))}.",
            preferred_language=rng.choice(languages),
            password=password,
        )
        for email in wanted
        if email not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=2000)
    created = User.objects.filter(email__in=[user.email for user in new_users])
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email in created.values_list("pk", "email")
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(new_users)


def seed_demo_accounts(*, password: str) -> list[str]:
    """The named demo accounts with their roles, verified, with `password`. Returns the emails."""
    for email, display_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(email=email, defaults={"display_name": display_name})
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role is not None:
            services.user_grant_role(user=user, role=role, granted_by=None)
        notice = current_notice()
        if notice is not None and user.privacy_notice_version < notice.version:
            consent_accept(user=user, version=notice.version)  # demo accounts go straight to the demo
    _seed_demo_organisation()
    # The two citizens show both paths: citizen@ may support at once, citizen2@ must verify first.
    citizen = User.objects.get(email="citizen@demo.test")
    identity_verification_record(
        user=citizen,
        method=IdentityVerification.Method.IIN,
        identity=DEMO_CITIZEN_IIN,
        verified_by=None,
    )
    IdentityVerification.objects.filter(user__email="citizen2@demo.test").delete()
    return [email for email, _name, _role in DEMO_ACCOUNTS]


def _seed_demo_organisation() -> None:
    if Organisation.objects.filter(slug="demo-civic-lawyers").exists():
        return
    representative = User.objects.get(email="citizen2@demo.test")
    organisation = services.organisation_register(
        name="Demo Civic Lawyers Association",
        kind=Organisation.Kind.NGO,
        description="A fictional NGO of lawyers, created for the demo.",
        business_number="240140000011",
        registered_by=representative,
    )
    # Keep the slug stable so that a second run finds it.
    Organisation.objects.filter(pk=organisation.pk).update(slug="demo-civic-lawyers")
    services.organisation_verify(organisation=organisation, verified_by=None)
