"""The shipped deployment files (deploy/), read as systemd and haproxy read them, for the tests that
run them: a unit's command and environment moved onto this checkout, deploy/env.example as an
EnvironmentFile, a throwaway TLS certificate for the balancer, free ports."""

from __future__ import annotations

import ipaddress
import shlex
import shutil
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
INSTALL_ROOT = "/srv/opengps"  # where the units expect the release; the tests run this checkout
VENV_BIN = f"{INSTALL_ROOT}/.venv/bin/"
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


def unit_exec(unit: str, instance: str = "", run_dir: Path | None = None) -> tuple[list[str], dict[str, str]]:
    """A unit's ExecStart (argv) and Environment= settings, `%i` filled in, paths moved from the
    install root to this checkout and its virtualenv, and from /run (the unit's RuntimeDirectory)
    to `run_dir`."""
    argv: list[str] = []
    environment: dict[str, str] = {}
    for line in (DEPLOY / "systemd" / unit).read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        value = value.replace("%i", instance)
        if key == "ExecStart":
            argv = shlex.split(value)
        elif key == "Environment":
            name, _, setting = value.partition("=")
            if run_dir is not None and setting.startswith("/run/"):
                setting = str(run_dir / setting.removeprefix("/run/"))
            environment[name] = setting
    assert argv, f"{unit} has no ExecStart"
    venv_bin = Path(sys.executable).parent
    argv = [str(venv_bin / arg.removeprefix(VENV_BIN)) if arg.startswith(VENV_BIN) else arg for arg in argv]
    return [arg.replace(INSTALL_ROOT, str(ROOT)) for arg in argv], environment


def env_example() -> dict[str, str]:
    """deploy/env.example as systemd's EnvironmentFile= reads it."""
    values: dict[str, str] = {}
    for line in (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed_pem(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key: (haproxy's combined PEM, the certificate alone)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(tz=UTC)  # TLS checks the machine's clock
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    combined, alone = directory / "lb.pem", directory / "ca.pem"
    combined.write_bytes(cert_pem + key_pem)
    combined.chmod(0o600)
    alone.write_bytes(cert_pem)
    return combined, alone
