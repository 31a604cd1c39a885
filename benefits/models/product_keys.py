"""Product keys: the single-use keys of a license-based benefit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benefits import licensing
from benefits.errors import translated
from benefits.models.catalog import Benefit
from common.pagecache import PageCacheQuerySet

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

REDEEMED_KEY_STAYS = _(
    "This key was redeemed: its licenses are in a tenant's subscription now, so its product "
    "key, licenses and benefit stay as they are."
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
        stored = ProductKey.objects.filter(pk=self.pk).first() if self.pk else None
        if stored is not None and stored.is_redeemed and stored.redeemed_fields_differ(self):
            raise ValidationError(REDEEMED_KEY_STAYS)
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
        errors: dict = {}
        if self.key and not (exclude and "key" in exclude):
            try:
                self.key = licensing.normalize_key(self.key)
            except licensing.KeyFormatError as error:
                errors["key"] = [translated(error)]
                exclude = {*(exclude or ()), "key"}
        # The other fields are checked too: a field left unchecked would be checked again by
        # its table constraint, whose message names the constraint, not what to type.
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def redeemed_fields_differ(self, other: ProductKey) -> bool:
        """Whether ``other`` changes what a redeemed key's subscription holds."""
        return any(
            getattr(self, field) != getattr(other, field)
            for field in ("key", "licenses", "benefit_id")
        )

    @property
    def masked_key(self) -> str:
        return licensing.key_last_group(self.key)

    @property
    def is_redeemed(self) -> bool:
        return self.redeemed_at is not None
