import factory
from allauth.account.models import EmailAddress

from portal.accounts.models import Organisation, OrganisationMembership, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    preferred_language = "kk"
    password = factory.django.Password(PASSWORD)
    # Accounts made for tests have accepted the seeded privacy notice, as sign-up makes them do.
    privacy_notice_version = 1

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """A verified primary address, as allauth needs to let the person in."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.NGO


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
