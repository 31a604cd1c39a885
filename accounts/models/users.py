"""Portal accounts: sign in by e-mail, belong to one organization, hold roles."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.models.organizations import CodeListValidator, Organization, Role


class UserManager(BaseUserManager["User"]):
    """Accounts are identified by e-mail, compared without regard to case."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=self.normalize_email(username or "").strip())

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An account needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


EMAIL_TAKEN = _(
    "An account with this email address already exists (whatever the letter "
    "case): open that one instead."
)


ROLES_NEED_ORGANIZATION = _(
    "Roles are held in a partner organization: choose the organization, or remove the roles "
    "(staff need none)."
)


class User(AbstractUser):
    """A portal account: signs in by e-mail, belongs to one partner organization (staff may
    belong to none) and holds zero or more roles.

    Roles live on the row itself so that checking access costs no query beyond loading the
    signed-in user.
    """

    # Removing AbstractUser's field is Django's documented way; the stubs type it as a str.
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        verbose_name=_("organization"),
    )
    roles = models.JSONField(
        _("roles"), default=list, blank=True, validators=[CodeListValidator(Role.values)]
    )
    # The language of the portal and of every mail to this account; blank until the person
    # chooses one, the portal then follows the browser.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    # Raised when the account is deactivated: it is part of every session's check (below), so
    # the account's sessions end then and stay ended if it is reactivated later.
    session_generation = models.PositiveIntegerField(_("session generation"), default=0)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The stubs expect Django's username-based manager; this one creates accounts by e-mail.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_case_insensitive",
                violation_error_message=EMAIL_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        if self.roles and self.organization_id is None:
            raise ValidationError({"organization": ROLES_NEED_ORGANIZATION})

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django signs each session with a hash of the password; the generation joins it once
        raised. Generation 0 keeps Django's own hash, so existing sessions stay valid."""
        if not self.session_generation:
            # Django's own, private but stable since 4.1 (the stubs don't know it).
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def has_team_access(self) -> bool:
        """True when the account may manage its organization's team (TEAM_ADMIN_ROLES)."""
        return (
            self.is_active
            and self.organization_id is not None
            and any(role in settings.TEAM_ADMIN_ROLES for role in self.roles)
        )

    @property
    def has_benefits_access(self) -> bool:
        """True when the account may use the benefits area of its organization."""
        return (
            self.is_active
            and self.organization_id is not None
            and any(role in settings.BENEFITS_ROLES for role in self.roles)
        )

    def get_roles_display(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(code, code)) for code in self.roles]
