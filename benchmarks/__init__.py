"""Benchmarks: a province-scale data generator and the registry search load test (`make bench`)."""

import os
import secrets

# The benchmarks run the platform with DEBUG off against throwaway databases: production settings
# need a secret key, so one is made up for this run (inherited by the gunicorn processes they start).
os.environ.setdefault("OPENGPS_SECRET_KEY", secrets.token_urlsafe(50))
