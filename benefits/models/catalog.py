"""What the program grants: offers, products, the benefits an organization holds and the
product keys of license-based benefits."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, currency_validator
from benefits import licensing
from benefits.errors import translated
from common.pagecache import PageCacheQuerySet


class Offer(models.TextChoices):
    MICROSOFT_ACTION_PACK = "action_pack", _("Microsoft Action Pack")
    SILVER_COMPETENCY = "silver", _("Silver competency")
    GOLD_COMPETENCY = "gold", _("Gold competency")


class BenefitType(models.TextChoices):
    CORE = "core", _("Core")
    INCREMENTAL = "incremental", _("Incremental")


class Product(models.Model):
    """A cloud product as both Partner Center and the tenant's admin center name it."""

    class Kind(models.TextChoices):
        USAGE = "usage", _("Usage-based")
        LICENSE = "license", _("License-based")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


CREDIT_ALL_OR_NOTHING = _(
    "An Azure credit needs an amount above 0, a credit period and a currency; a "
    "license-based benefit has none of the three."
)


class Benefit(models.Model):
    """One product granted to an organization by an offer.

    Usage-based benefits (Azure credit) carry an amount per period; their quantity is how many
    people may hold them at once. License-based benefits carry product keys; their quantity is
    the total licenses of those keys.
    """

    class Period(models.TextChoices):
        MONTHLY = "monthly", _("Monthly credit")
        ANNUAL = "annual", _("Bulk credit (annual)")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="benefits",
        verbose_name=_("organization"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("product")
    )
    offer = models.CharField(_("offer"), max_length=20, choices=Offer.choices)
    benefit_type = models.CharField(_("benefit type"), max_length=20, choices=BenefitType.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    expiration_date = models.DateField(
        _("expiration date"), help_text=_("The last date the usage rights may be exercised.")
    )
    # Usage-based only.
    credit_amount = models.DecimalField(
        _("credit amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    credit_period = models.CharField(
        _("credit period"), max_length=10, choices=Period.choices, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[currency_validator]
    )

    organization_path = "organization"  # whose cached pages show it (common.pagecache)
    objects = PageCacheQuerySet.as_manager()

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["product__name", "pk"]
        indexes = [models.Index(fields=["organization", "expiration_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="benefit_quantity_positive"),
            models.CheckConstraint(
                condition=(
                    Q(credit_amount__isnull=True, credit_period="", currency="")
                    | Q(credit_amount__gt=0, credit_period__in=["monthly", "annual"])
                    & ~Q(currency="")
                ),
                name="benefit_credit_all_or_nothing",
                violation_error_message=CREDIT_ALL_OR_NOTHING,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} — {self.organization.name}"

    def clean(self) -> None:
        if self.product_id is None:
            return
        is_usage = self.product.kind == Product.Kind.USAGE
        has_credit = self.credit_amount is not None or self.credit_period or self.currency
        if is_usage and not (self.credit_amount and self.credit_period):
            raise ValidationError(_("Azure credit needs an amount and a period."))
        if not is_usage and has_credit:
            raise ValidationError(_("Only usage-based benefits carry a credit amount."))
        if is_usage and not self.currency and self.organization_id:
            self.currency = self.organization.currency

    @property
    def is_usage_based(self) -> bool:
        return self.product.kind == Product.Kind.USAGE


# Far above any real key (a partner benefit's key carries tens or hundreds of licenses), and low
# enough that one import (100,000 rows at most) can't take a benefit's quantity past what the
# database holds.
KEY_LICENSES_MAX = 10_000
KEY_NEEDS_LICENSE_BENEFIT = _(
    "Azure credit carries no product keys: choose a license-based benefit (Office 365, Power BI…)."
)


KEY_REDEMPTION_INCOMPLETE = _(
    "A redeemed key needs both when it was redeemed and the subscription it went "
    "into; an available key has neither."
)


class ProductKey(models.Model):
    """A single-use key of a license-based benefit, stored in canonical form.

    Single use is enforced twice: services lock and re-check the row, and the database allows
    at most one redemption activity per key (see Activity's constraint).
    """

    benefit = models.ForeignKey(
        Benefit, on_delete=models.CASCADE, related_name="keys", verbose_name=_("benefit")
    )
    key = models.CharField(_("product key"), max_length=29, unique=True)
    licenses = models.PositiveIntegerField(
        _("licenses"), validators=[MinValueValidator(1), MaxValueValidator(KEY_LICENSES_MAX)]
    )
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("redeemed by"),
    )
    redeemed_into = models.ForeignKey(
        "Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redeemed_keys",
        verbose_name=_("redeemed into"),
    )

    organization_path = "benefit__organization"
    objects = PageCacheQuerySet.as_manager()

    class Meta:
        verbose_name = _("product key")
        verbose_name_plural = _("product keys")
        ordering = ["benefit", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(licenses__gte=1), name="product_key_licenses_positive"
            ),
            # A redeemed key always says when and into which subscription; an available one
            # says neither.
            models.CheckConstraint(
                condition=Q(redeemed_at__isnull=True, redeemed_into__isnull=True)
                | Q(redeemed_at__isnull=False, redeemed_into__isnull=False),
                name="product_key_redemption_complete",
                violation_error_message=KEY_REDEMPTION_INCOMPLETE,
            ),
            models.CheckConstraint(
                condition=Q(
                    key__regex=r"^([BCDFGHJKMPQRTVWXY2346789]{5}-){4}[BCDFGHJKMPQRTVWXY2346789]{5}$"
                ),
                name="product_key_canonical",
            ),
        ]

    def __str__(self) -> str:
        return self.masked_key

    def clean(self) -> None:
        if self.benefit_id is not None and self.benefit.is_usage_based:
            raise ValidationError({"benefit": KEY_NEEDS_LICENSE_BENEFIT})
        subscription = self.redeemed_into
        if (
            subscription is not None
            and self.benefit_id is not None
            and subscription.tenant.organization_id != self.benefit.organization_id
        ):
            raise ValidationError(
                {"redeemed_into": _("This subscription belongs to another organization.")}
            )

    def clean_fields(self, exclude=None) -> None:
        # Staff may paste a key in any case and spacing; store the canonical form.
        if self.key and not (exclude and "key" in exclude):
            try:
                self.key = licensing.normalize_key(self.key)
            except licensing.KeyFormatError as error:
                raise ValidationError({"key": translated(error)}) from error
        super().clean_fields(exclude=exclude)

    @property
    def masked_key(self) -> str:
        return licensing.key_last_group(self.key)

    @property
    def is_redeemed(self) -> bool:
        return self.redeemed_at is not None
