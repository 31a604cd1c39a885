from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.models import DirectoryUser, Organization, Role, Tenant, User

TEST_PASSWORD = "correct-horse-battery"


class OrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Partner {n}")
    mpn_id = factory.Sequence(lambda n: f"{5000000 + n:07d}")
    country = "US"
    currency = "USD"


class TenantFactory(DjangoModelFactory[Tenant]):
    class Meta:
        model = Tenant

    organization = factory.SubFactory(OrganizationFactory)
    display_name = factory.Sequence(lambda n: f"Tenant {n}")
    primary_domain = factory.Sequence(lambda n: f"tenant{n}.onmicrosoft.com")
    is_primary = True


class DirectoryUserFactory(DjangoModelFactory[DirectoryUser]):
    class Meta:
        model = DirectoryUser

    tenant = factory.SubFactory(TenantFactory)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    user_principal_name = factory.Sequence(lambda n: f"person{n}@example.onmicrosoft.com")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@partner.example")
    organization = factory.SubFactory(OrganizationFactory)
    roles = factory.LazyFunction(lambda: [Role.GLOBAL_ADMIN.value])
    password = factory.django.Password(TEST_PASSWORD)
