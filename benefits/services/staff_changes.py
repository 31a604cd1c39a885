"""A benefit staff change in the admin, saved with its rules checked again under lock."""

from __future__ import annotations

from django.db import transaction

from benefits.models import Benefit
from benefits.services.key_quantities import benefits_lock


@transaction.atomic
def benefit_save_by_staff(*, benefit: Benefit) -> Benefit:
    """Save ``benefit`` as staff changed it. The admin's form checked the rules (``Benefit.clean``:
    holders, keys, what is in use) before the row was locked; they are checked again with it
    locked, as the portal's credit changes and key imports lock it, so a credit assigned or keys
    imported meanwhile are never overruled. Raises ValidationError then: nothing is saved."""
    if benefit.pk is not None:
        benefits_lock([benefit.pk])
        benefit.clean()
    benefit.save()
    return benefit
