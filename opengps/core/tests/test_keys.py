"""Key custody: the KEK comes from one configured provider; production without one fails clearly."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from opengps.core import keys

RAW = bytes(range(32))
ENCODED = base64.b64encode(RAW).decode()
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def no_env_kek(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.KEK_ENV, raising=False)


def test_env_provider_reads_the_variable(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.OPENGPS_KEK_PROVIDER = "env"
    monkeypatch.setenv(keys.KEK_ENV, ENCODED)
    provider = keys.kek_provider()
    assert provider.name == "env" and provider.load() == RAW
    monkeypatch.delenv(keys.KEK_ENV)
    with pytest.raises(ImproperlyConfigured, match=keys.KEK_ENV):
        provider.load()


def test_file_provider_reads_a_private_secret_file(settings: Any, tmp_path: Path, no_env_kek: None) -> None:
    secret = tmp_path / "opengps_seal_kek"
    secret.write_text(ENCODED + "\n", encoding="ascii")
    secret.chmod(0o400)
    settings.OPENGPS_KEK_PROVIDER = "file"
    settings.OPENGPS_SEAL_KEK_FILE = str(secret)
    provider = keys.kek_provider()
    assert provider.name == "file" and provider.load() == RAW
    assert ENCODED not in provider.describe()
    # a file group or others may read is refused (a Kubernetes secret needs defaultMode 0400)
    secret.chmod(0o644)
    with pytest.raises(keys.KeyMaterialError, match="权限过宽"):
        provider.load()
    # a missing file is a configuration error, and is never created
    settings.OPENGPS_SEAL_KEK_FILE = str(tmp_path / "absent")
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        keys.kek_provider().load()
    assert not (tmp_path / "absent").exists()
    settings.OPENGPS_SEAL_KEK_FILE = ""
    with pytest.raises(ImproperlyConfigured, match=keys.KEK_FILE_ENV):
        keys.kek_provider()


def test_a_malformed_key_is_refused_without_echoing_it(settings: Any, tmp_path: Path) -> None:
    secret = tmp_path / "kek"
    looks_secret = base64.b64encode(b"k" * 31).decode()
    secret.write_text(looks_secret, encoding="ascii")
    secret.chmod(0o600)
    settings.OPENGPS_KEK_PROVIDER = "file"
    settings.OPENGPS_SEAL_KEK_FILE = str(secret)
    with pytest.raises(keys.KeyMaterialError) as refused:
        keys.kek_provider().load()
    assert refused.value.code == "seal.key_invalid" and looks_secret not in str(refused.value)


def test_development_provider_only_with_debug(settings: Any, tmp_path: Path, no_env_kek: None) -> None:
    settings.VAR_DIR = tmp_path
    settings.OPENGPS_KEK_PROVIDER = ""
    provider = keys.kek_provider()  # the tests count as development
    assert provider.name == "development"
    first = provider.load()
    assert (tmp_path / "seal_kek").stat().st_mode & 0o777 == 0o600
    assert provider.load() == first
    settings.TESTING, settings.DEBUG = False, False
    with pytest.raises(ImproperlyConfigured, match="OPENGPS_KEK_PROVIDER is not set"):
        keys.kek_provider()
    settings.OPENGPS_KEK_PROVIDER = "development"
    with pytest.raises(ImproperlyConfigured, match="refused with OPENGPS_DEBUG off"):
        keys.kek_provider().load()
    settings.OPENGPS_KEK_PROVIDER = "pkcs11"
    with pytest.raises(ImproperlyConfigured, match="not one of env, file, development"):
        keys.kek_provider()


def test_unset_provider_in_development_prefers_the_variable(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.OPENGPS_KEK_PROVIDER = ""
    monkeypatch.setenv(keys.KEK_ENV, ENCODED)
    assert keys.kek_provider().name == "env"


def test_production_without_a_provider_fails_at_first_use_with_instructions(tmp_path: Path) -> None:
    # a fresh production process (DEBUG off) that starts, then is asked for the KEK
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENGPS_", "DJANGO_", "DATABASE"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "opengps.settings",
            "OPENGPS_VAR_DIR": str(tmp_path / "var"),
            "OPENGPS_SECRET_KEY": "x" * 50,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    code = "import django; django.setup(); from opengps.procurement import sealing; sealing.platform_kek()"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "OPENGPS_KEK_PROVIDER" in result.stderr
    assert "docs/security.md" in result.stderr
    assert not (tmp_path / "var" / "seal_kek").exists()  # and made no key beside the database
    # with a provider named, the same process finds its key
    environment.update({"OPENGPS_KEK_PROVIDER": "env", keys.KEK_ENV: ENCODED})
    code += "; print(sealing.platform_kek().fingerprint())"
    configured = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert configured.returncode == 0, configured.stderr


def test_the_receipt_key_is_never_made_on_first_use_in_production(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: production (no debug, not the tests) and no OPENGPS_RECEIPT_KEY
    monkeypatch.delenv(keys.RECEIPT_KEY_ENV, raising=False)
    settings.VAR_DIR = tmp_path
    settings.TESTING, settings.DEBUG = False, False
    keys.platform_signing_key.cache_clear()
    try:
        # when / then: refused, and no key file appears in var/
        with pytest.raises(ImproperlyConfigured, match="OPENGPS_RECEIPT_KEY is not set"):
            keys.platform_signing_key()
        assert not (tmp_path / "receipt_key").exists()
        # a configured key is used
        monkeypatch.setenv(keys.RECEIPT_KEY_ENV, ENCODED)
        assert keys.platform_signing_key().public_key() is not None
    finally:
        keys.platform_signing_key.cache_clear()
