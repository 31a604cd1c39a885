from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organizations")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_removed
        from django.db.models.signals import post_save

        from accounts.mfa import forget_second_factor
        from accounts.models import DirectoryUser, Organization, Tenant
        from common import pagecache

        # The admin's safety net (common.pagecache): tenants and people are shown by the pages,
        # and an organization's own fields (its currency) too.
        pagecache.track(Tenant, DirectoryUser)
        post_save.connect(
            _organization_saved, sender=Organization, dispatch_uid="pagecache-organization"
        )
        # The enrolment middleware's remembered answer goes with the authenticator removed.
        authenticator_removed.connect(forget_second_factor, dispatch_uid="mfa-forget-enrolled")


def _organization_saved(sender, instance, raw=False, **kwargs) -> None:
    from common.pagecache import pages_changed

    if not raw:
        pages_changed(instance.pk)
