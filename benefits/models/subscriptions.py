"""The products in an organization's tenants ("Your products"), whose status follows from their
end date."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from benefits import licensing
from benefits.models.catalog import Product
from common.pagecache import PageCacheQuerySet
from common.rows import fields_changed

SUBSCRIPTION_STATUS_LABELS = {
    licensing.SubscriptionStatus.ACTIVE: _("Active"),
    licensing.SubscriptionStatus.EXPIRED: _("Expired"),
    licensing.SubscriptionStatus.DISABLED: _("Disabled"),
    licensing.SubscriptionStatus.DELETED: _("Deleted"),
}


class SubscriptionQuerySet(PageCacheQuerySet):
    def listed_on(self, today: date) -> SubscriptionQuerySet:
        """Subscriptions the admin center still lists: all but Deleted ones."""
        return self.filter(end_date__gte=today - timedelta(days=licensing.DISABLED_UNTIL_DAYS))

    def active_on(self, today: date) -> SubscriptionQuerySet:
        """Active subscriptions: today is on or before the end date (licensing's rule)."""
        return self.filter(end_date__gte=today)

    def ended_on(self, today: date) -> SubscriptionQuerySet:
        """Expired or Disabled subscriptions, which activation brings back."""
        return self.listed_on(today).filter(end_date__lt=today)


ENDS_BEFORE_START = _("The end date is before the start date: choose an end date on or after it.")
SUBSCRIPTION_IN_LOG_STAYS = _(
    "The activity log names this subscription (keys were redeemed into it, or staff changed its "
    "licenses or dates): it keeps its tenant and product. For another tenant or product, add a "
    "new subscription."
)


class Subscription(models.Model):
    """A product in a tenant ("Your products"). Its status is derived from the end date and
    today, never stored."""

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("tenant")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("product")
    )
    seats = models.PositiveIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(licensing.MAX_SEATS)]
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    organization_path = "tenant__organization"
    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["tenant", "product__name", "pk"]
        indexes = [models.Index(fields=["tenant", "end_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="subscription_seats_positive"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="subscription_ends_after_start",
                violation_error_message=ENDS_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} — {self.tenant.primary_domain}"

    def clean(self) -> None:
        # The log's records would otherwise describe another tenant (another organization's,
        # perhaps) or product; a redemption always writes one.
        moved = fields_changed(self, "tenant_id", "product_id")
        if moved and self.activities.exists():
            fields = [field.removesuffix("_id") for field in sorted(moved)]
            raise ValidationError(dict.fromkeys(fields, SUBSCRIPTION_IN_LOG_STAYS))

    def status_on(self, today: date) -> licensing.SubscriptionStatus:
        return licensing.subscription_status(end_date=self.end_date, today=today)
