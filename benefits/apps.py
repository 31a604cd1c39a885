from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "benefits"
    verbose_name = _("Benefits")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from benefits.models import (
            Activity,
            Benefit,
            CreditAssignment,
            Product,
            ProductKey,
            Subscription,
        )
        from common import pagecache

        # The admin's safety net (common.pagecache); the services say pages_changed themselves.
        pagecache.track(Benefit, ProductKey, Subscription, CreditAssignment, Activity)
        post_save.connect(_product_saved, sender=Product, dispatch_uid="pagecache-product")


def _product_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A new product is shown nowhere yet; a renamed one, by the organizations that hold it."""
    from benefits.models import Benefit, Subscription
    from common.pagecache import pages_changed

    if created or raw:
        return
    # Two small reads rather than one join of benefits by subscriptions, which grows as both.
    granted = Benefit.objects.filter(product=instance).values_list("organization_id", flat=True)
    used = Subscription.objects.filter(product=instance).values_list(
        "tenant__organization_id", flat=True
    )
    pages_changed(*set(granted.distinct()), *set(used.distinct()))
