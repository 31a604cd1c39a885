"""The activity log of an organization: a record for each key redeemed, and assignments,
removals and transfers of Azure credit spread over the last thousand days."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from django.utils import timezone

from bench.builder.dataset import Dataset
from benefits.licensing import KEY_GROUP_SIZE
from benefits.models import Activity


def activity_records(data: Dataset, *, org, admin, email, count, redeemed, usage_ids, person_ids):
    """``count`` records of the organization ``org`` in all: one per key in ``redeemed``, the
    rest about its Azure credits (``usage_ids``) and people, all by its admin."""
    for key, benefit, product, target, licenses, when in redeemed:
        subscription, _product, tenant, seats, end = target
        name = data.product_name[product]
        masked = "…-" + data.keys.rows[key - 1][2][-KEY_GROUP_SIZE:]
        data.activities.add(
            data.activities.next_id,
            org,
            when,
            admin,
            email,
            Activity.Kind.KEY_REDEEMED,
            benefit,
            subscription,
            key,
            None,
            json.dumps(
                {
                    "product": name,
                    "key": masked,
                    "action": "add",
                    "seats": seats,
                    "end": str(end),
                }
            ),
            json.dumps(
                {
                    "product": name,
                    "key": masked,
                    "tenant": data.domain[tenant],
                    "seats": seats + licenses,
                    "end": str(end),
                    "months": "12",
                }
            ),
        )
    kinds = [
        Activity.Kind.CREDIT_ASSIGNED,
        Activity.Kind.CREDIT_ASSIGNED,
        Activity.Kind.CREDIT_REMOVED,
        Activity.Kind.CREDIT_TRANSFERRED,
    ]
    for index in range(max(count - len(redeemed), 0)):
        if not usage_ids:
            break
        benefit, product, _expires = usage_ids[index % len(usage_ids)]
        kind = kinds[index % len(kinds)]
        person = person_ids[data.random.randrange(len(person_ids))]
        other = person_ids[data.random.randrange(len(person_ids))]
        holder = {"holder": data.snapshot(person)}
        before = {} if kind == Activity.Kind.CREDIT_ASSIGNED else holder
        after = {
            Activity.Kind.CREDIT_ASSIGNED: holder,
            Activity.Kind.CREDIT_REMOVED: {},
            Activity.Kind.CREDIT_TRANSFERRED: {"holder": data.snapshot(other)},
        }[kind]
        name = data.product_name[product]
        when = datetime.combine(
            data.today - timedelta(days=data.random.randrange(1000)),
            time(hour=data.random.randrange(24), minute=data.random.randrange(60)),
            tzinfo=timezone.get_current_timezone(),
        )
        data.activities.add(
            data.activities.next_id,
            org,
            when,
            admin,
            email,
            kind,
            benefit,
            None,
            None,
            other if kind == Activity.Kind.CREDIT_TRANSFERRED else person,
            json.dumps({"product": name, **before}),
            json.dumps({"product": name, **after}),
        )
