"""Services change state: each is one transaction that locks what becomes scarce, re-checks
the rules, writes, and records the activity."""
