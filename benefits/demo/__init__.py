"""The demo data of the specification (SPEC 5): what it holds (data) and how it is written
(seeding), for `manage.py seed_demo` and the tests."""

from benefits.demo.data import DEFAULT_PASSWORD, STAFF_EMAIL
from benefits.demo.seeding import seed_demo

__all__ = ["DEFAULT_PASSWORD", "STAFF_EMAIL", "seed_demo"]
