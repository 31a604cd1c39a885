"""The admin pages the libraries register — Django's groups, django-axes' sign-in records,
allauth's addresses and authenticators — registered again on the portal's base, so that a
hand-made address is a message there too, never a 500 (common/admin.py): a date-hierarchy year
past the calendar (axes lists attempts by day), a bulk action on ids no row can have, a group's
permission id no column holds. Each keeps everything else its library gives it."""

from __future__ import annotations

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group

from common.admin import PortalAdmin


class PortalGroupAdmin(PortalAdmin, GroupAdmin):
    pass


class PortalAccessAttemptAdmin(PortalAdmin, AccessAttemptAdmin):
    pass


class PortalAccessLogAdmin(PortalAdmin, AccessLogAdmin):
    pass


class PortalAccessFailureLogAdmin(PortalAdmin, AccessFailureLogAdmin):
    pass


class PortalEmailAddressAdmin(PortalAdmin, EmailAddressAdmin):
    pass


class PortalAuthenticatorAdmin(PortalAdmin, AuthenticatorAdmin):
    pass


ON_OUR_BASE = {
    Group: PortalGroupAdmin,
    AccessAttempt: PortalAccessAttemptAdmin,
    AccessLog: PortalAccessLogAdmin,
    AccessFailureLog: PortalAccessFailureLogAdmin,
    EmailAddress: PortalEmailAddressAdmin,
    Authenticator: PortalAuthenticatorAdmin,
}

# Only the pages a library registered (their apps come before ours in INSTALLED_APPS): axes
# registers its own unless AXES_ENABLE_ADMIN is False.
for model, model_admin in ON_OUR_BASE.items():
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
