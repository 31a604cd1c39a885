"""`make bench`: a large PostgreSQL database, the portal served as in production, and a load
generator measuring each scenario (see bench/run.py)."""
