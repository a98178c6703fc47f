"""Benchmarks: a registry data generator and the load tests (`make bench`, `bench-bids`, `bench-ocds`)."""

import base64
import os
import secrets

# The benchmarks run the platform with DEBUG off against throwaway databases: production settings
# need a secret key and a bid-sealing key provider, so throwaway keys are made up for this run
# (inherited by the gunicorn processes they start; the benchmark databases die with them).
os.environ.setdefault("OPENGPS_SECRET_KEY", secrets.token_urlsafe(50))
if not os.environ.get("OPENGPS_KEK_PROVIDER"):
    os.environ["OPENGPS_KEK_PROVIDER"] = "env"
    os.environ.setdefault("OPENGPS_SEAL_KEK", base64.b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("OPENGPS_RECEIPT_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
