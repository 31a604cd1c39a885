"""Partner organizations, their Azure AD tenants and directory users, and the roles."""

from __future__ import annotations

import uuid

from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from common.pagecache import PageCacheQuerySet
from common.rows import fields_changed

mpn_id_validator = RegexValidator(r"^\d{7}$", _("An MPN ID has exactly 7 digits."))


def currency_validator(value: str) -> None:
    """An ISO 4217 code that Babel can format, so that every amount can be shown."""
    if value not in list_currencies():
        raise ValidationError(_("Use a three-letter ISO 4217 code, e.g. USD."))


country_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Use a two-letter ISO 3166 country code, e.g. US.")
)


# The path migrations name it by, from before the models became a package.
@deconstructible(path="accounts.models.CodeListValidator")
class CodeListValidator:
    """Validates a JSON list of codes: only known codes, none twice."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = list(codes)

    def __call__(self, value: object) -> None:
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            raise ValidationError(_("Enter a list of codes."))
        unknown = sorted(set(value) - set(self.codes))
        if unknown:
            raise ValidationError(
                _("Unknown codes: %(codes)s."), params={"codes": ", ".join(unknown)}
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("A code appears twice."))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodeListValidator) and other.codes == self.codes


class Role(models.TextChoices):
    """Partner Center roles a portal account may hold. BENEFITS_ROLES names those that open
    the benefits area."""

    GLOBAL_ADMIN = "global_admin", _("Global admin")
    USER_ADMIN = "user_admin", _("User admin")
    ADMIN_AGENT = "admin_agent", _("Admin agent")
    MPN_PARTNER_ADMIN = "mpn_partner_admin", _("MPN partner admin")
    BILLING_ADMIN = "billing_admin", _("Billing admin")
    SALES_AGENT = "sales_agent", _("Sales agent")
    REFERRALS_ADMIN = "referrals_admin", _("Referrals admin")


class AzureOffer(models.TextChoices):
    """Other Azure offers a directory user may already hold (they exclude bulk credit)."""

    ENTERPRISE_AGREEMENT = "enterprise_agreement", _("Enterprise Agreement")
    CLOUD_SOLUTION_PROVIDER = "cloud_solution_provider", _("Cloud Solution Provider")
    AZURE_IN_OPEN = "azure_in_open", _("Azure in Open")
    AZURE_PASS = "azure_pass", _("Azure Pass")
    MICROSOFT_ACTION_PACK = "microsoft_action_pack", _("Microsoft Action Pack")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    mpn_id = models.CharField(_("MPN ID"), max_length=7, unique=True, validators=[mpn_id_validator])
    country = models.CharField(_("country"), max_length=2, validators=[country_validator])
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])

    class Meta:
        verbose_name = _("partner organization")
        verbose_name_plural = _("partner organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mpn_id__regex=r"^[0-9]{7}$"), name="organization_mpn_id_7_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.mpn_id})"


ONE_PRIMARY_TENANT = _(
    "An organization has one primary tenant: tick “primary” on one tenant only (make the "
    "current one not primary in the same save, or first)."
)


TENANT_SUBSCRIPTIONS_STAY = _(
    "This tenant has subscriptions, which came from its organization's keys: it stays with that "
    "organization."
)
TENANT_HOLDERS_STAY = _(
    "People in this tenant hold Azure credit of its organization: it stays with that "
    "organization until their credit is removed or transferred in the portal (Azure & Cloud, "
    "the credit's details)."
)

TENANT_DOMAIN = _(
    "Enter the tenant's primary domain as Azure AD shows it, such as contoso.onmicrosoft.com: "
    "letters, digits and hyphens, with a dot between the parts."
)


class Tenant(models.Model):
    """An Azure AD tenant of an organization. At most one per organization is primary (the
    database sees to it); the redemption wizard offers it first."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="tenants",
        verbose_name=_("organization"),
    )
    display_name = models.CharField(_("display name"), max_length=200)
    primary_domain = models.CharField(
        _("primary domain"),
        max_length=253,
        unique=True,
        validators=[DomainNameValidator(accept_idna=False, message=TENANT_DOMAIN)],
    )
    tenant_id = models.UUIDField(_("tenant ID"), unique=True, default=uuid.uuid4)
    is_primary = models.BooleanField(_("primary"), default=False)

    organization_path = "organization"  # whose cached pages show it (common.pagecache)
    objects = PageCacheQuerySet.as_manager()

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["-is_primary", "primary_domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_primary=True),
                name="tenant_one_primary_per_organization",
                violation_error_message=ONE_PRIMARY_TENANT,
            ),
        ]

    def __str__(self) -> str:
        return self.primary_domain

    def clean(self) -> None:
        if not fields_changed(self, "organization_id"):
            return
        # Names of the benefits app's relations, read without importing it (it builds on this).
        if self.subscriptions.exists():
            raise ValidationError({"organization": TENANT_SUBSCRIPTIONS_STAY})
        if self.directory_users.filter(credit_assignment__isnull=False).exists():
            raise ValidationError({"organization": TENANT_HOLDERS_STAY})


UPN_TAKEN = _(
    "This tenant already has someone with this user principal name (whatever the "
    "letter case): open that person instead."
)


HOLDER_STAYS = _(
    "This person holds Azure credit of their organization: they stay in its tenants. Remove or "
    "transfer the credit in the portal first (Azure & Cloud, the credit's details)."
)
BULK_HOLDER_NO_OTHER_OFFERS = _(
    "This person holds bulk credit, which can't be combined with other Azure offers. Transfer "
    "the credit to someone else in the portal first (Azure & Cloud, the credit's details)."
)


class DirectoryUser(models.Model):
    """A person in a tenant's directory, who may be assigned Azure credit."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")

    # No index of its own: the unique address index below and the picker's prefix indexes
    # (migration 0003) all start with the tenant. A separate one made PostgreSQL scan every
    # person of the tenants for a common two-letter search instead of using the prefix indexes.
    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.CASCADE,
        related_name="directory_users",
        verbose_name=_("tenant"),
        db_index=False,
    )
    display_name = models.CharField(_("display name"), max_length=200)
    user_principal_name = models.EmailField(_("user principal name"), max_length=254)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    other_offers = models.JSONField(
        _("other Azure offers"),
        default=list,
        blank=True,
        validators=[CodeListValidator(AzureOffer.values)],
        help_text=_("Azure offers this person already holds."),
    )

    organization_path = "tenant__organization"
    objects = PageCacheQuerySet.as_manager()

    class Meta:
        verbose_name = _("directory user")
        verbose_name_plural = _("directory users")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("user_principal_name"),
                name="directory_user_unique_upn_per_tenant",
                violation_error_message=UPN_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.user_principal_name}>"

    def clean(self) -> None:
        """What staff may not change on someone who holds credit (SPEC 3.3): the credit is their
        organization's, and bulk credit goes with no other Azure offer."""
        if self.pk is None or self.tenant_id is None:
            return
        held = (
            DirectoryUser.objects.filter(pk=self.pk, credit_assignment__isnull=False)
            .values_list("tenant__organization_id", "credit_assignment__benefit__credit_period")
            .first()
        )
        if held is None:
            return
        organization_id, period = held
        if self.tenant.organization_id != organization_id:
            raise ValidationError({"tenant": HOLDER_STAYS})
        if period == "annual" and self.other_offers:  # Benefit.Period.ANNUAL
            raise ValidationError({"other_offers": BULK_HOLDER_NO_OTHER_OFFERS})

    def get_other_offers_display(self) -> list[str]:
        labels = dict(AzureOffer.choices)
        return [str(labels.get(code, code)) for code in self.other_offers]
