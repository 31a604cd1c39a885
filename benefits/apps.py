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
    from django.db.models import Q

    from accounts.models import Organization
    from common.pagecache import pages_changed

    if created or raw:
        return
    holders = Organization.objects.filter(
        Q(benefits__product=instance) | Q(tenants__subscriptions__product=instance)
    ).values_list("pk", flat=True)
    pages_changed(*set(holders))
