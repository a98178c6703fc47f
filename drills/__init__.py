"""Fault drills: kill a web or task worker, restart PostgreSQL, back up and restore (`make drills`)."""

import base64
import os
import secrets

# The drills run the platform with DEBUG off against throwaway databases, as the benchmarks do:
# production settings need a secret key, a named key-encryption-key provider and a receipt key, so
# this run makes them up (inherited by every gunicorn, worker and manage.py process it starts).
os.environ.setdefault("OPENGPS_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("OPENGPS_KEK_PROVIDER", "env")
os.environ.setdefault("OPENGPS_SEAL_KEK", base64.b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("OPENGPS_RECEIPT_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
# Uploads, export files and key files of drill runs stay apart from the demo's var/.
_VAR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var", "drills", "var")
os.makedirs(_VAR, exist_ok=True)
os.environ.setdefault("OPENGPS_VAR_DIR", _VAR)
