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

# Registered by the libraries, whose apps come before ours (INSTALLED_APPS).
admin.site.unregister(
    [Group, AccessAttempt, AccessLog, AccessFailureLog, EmailAddress, Authenticator]
)


@admin.register(Group)
class PortalGroupAdmin(PortalAdmin, GroupAdmin):
    pass


@admin.register(AccessAttempt)
class PortalAccessAttemptAdmin(PortalAdmin, AccessAttemptAdmin):
    pass


@admin.register(AccessLog)
class PortalAccessLogAdmin(PortalAdmin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class PortalAccessFailureLogAdmin(PortalAdmin, AccessFailureLogAdmin):
    pass


@admin.register(EmailAddress)
class PortalEmailAddressAdmin(PortalAdmin, EmailAddressAdmin):
    pass


@admin.register(Authenticator)
class PortalAuthenticatorAdmin(PortalAdmin, AuthenticatorAdmin):
    pass
