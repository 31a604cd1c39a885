"""What the program grants: offers, products and the benefits an organization holds, with the
rules staff can't break on a benefit or product in use (product keys: product_keys.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import Organization, currency_validator
from common.pagecache import PageCacheQuerySet
from common.rows import fields_changed


class Offer(models.TextChoices):
    MICROSOFT_ACTION_PACK = "action_pack", _("Microsoft Action Pack")
    SILVER_COMPETENCY = "silver", _("Silver competency")
    GOLD_COMPETENCY = "gold", _("Gold competency")


class BenefitType(models.TextChoices):
    CORE = "core", _("Core")
    INCREMENTAL = "incremental", _("Incremental")


PRODUCT_KIND_IN_USE = _(
    "Benefits use this product as it is: its kind can't change (their credit or keys follow "
    "from it). Add another product with the other kind instead."
)


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

    def clean(self) -> None:
        if fields_changed(self, "kind") and self.benefits.exists():
            raise ValidationError({"kind": PRODUCT_KIND_IN_USE})


CREDIT_ALL_OR_NOTHING = _(
    "An Azure credit needs an amount above 0, a credit period and a currency; a "
    "license-based benefit has none of the three."
)

QUANTITY_BELOW_HOLDERS = ngettext_lazy(
    "%(count)s person holds this credit: its quantity can't be lower. Remove or transfer credit "
    "in the portal first (Azure & Cloud, the credit's details).",
    "%(count)s people hold this credit: its quantity can't be lower. Remove or transfer credit "
    "in the portal first (Azure & Cloud, the credit's details).",
    "count",
)
QUANTITY_FOLLOWS_KEYS = ngettext_lazy(
    "A license-based benefit's quantity is the total licenses of its keys: %(count)s license "
    "here. Add or import keys to change it.",
    "A license-based benefit's quantity is the total licenses of its keys: %(count)s licenses "
    "here. Add or import keys to change it.",
    "count",
)
BENEFIT_IN_USE_STAYS = _(
    "This benefit has credit holders, product keys or activity records: it stays with its "
    "organization and product. To grant the product elsewhere, add a new benefit."
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
        self._clean_change()
        is_usage = self.product.kind == Product.Kind.USAGE
        has_credit = self.credit_amount is not None or self.credit_period or self.currency
        if is_usage and not (self.credit_amount and self.credit_period):
            raise ValidationError(_("Azure credit needs an amount and a period."))
        if not is_usage and has_credit:
            raise ValidationError(_("Only usage-based benefits carry a credit amount."))
        if is_usage and not self.currency and self.organization_id:
            self.currency = self.organization.currency

    def _clean_change(self) -> None:
        """What staff may not change on a benefit in use: the program's rules would no longer
        hold for what is already there (SPEC 3.3: never more holders than the quantity; 2: a
        license-based benefit's quantity is its keys' licenses)."""
        changed = fields_changed(self, "organization_id", "product_id", "quantity")
        moved = bool(changed & {"organization_id", "product_id"})
        if moved and self._in_use():
            raise ValidationError(BENEFIT_IN_USE_STAYS)
        if "quantity" not in changed or moved or self.quantity is None:
            return
        if self.product.kind == Product.Kind.USAGE:
            holders = self.assignments.count()
            if self.quantity < holders:
                raise ValidationError({"quantity": QUANTITY_BELOW_HOLDERS % {"count": holders}})
            return
        licenses = self.keys.aggregate(total=models.Sum("licenses"))["total"]
        if licenses is not None and self.quantity != licenses:
            raise ValidationError({"quantity": QUANTITY_FOLLOWS_KEYS % {"count": licenses}})

    def _in_use(self) -> bool:
        return self.assignments.exists() or self.keys.exists() or self.activities.exists()

    @property
    def is_usage_based(self) -> bool:
        return self.product.kind == Product.Kind.USAGE
