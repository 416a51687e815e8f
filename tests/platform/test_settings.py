from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from partycloud.settings.env import env_bool, env_int, env_str
from services.kernel.actions import client_ip
from tenants.models import Institution

ROOT = Path(__file__).resolve().parents[2]


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("X_STR", "X_BOOL", "X_INT"):
        monkeypatch.setenv(name, "")
    assert env_str("X_STR", "dflt") == "dflt"
    assert env_bool("X_BOOL", True) is True
    assert env_int("X_INT", 7) == 7


def test_a_malformed_variable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL must be a boolean"):
        env_bool("X_BOOL", False)


def test_production_refuses_to_generate_its_own_secrets(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PARTYCLOUD_DEV")}
    env.update(
        DATABASE_URL="postgresql://u@db.invalid/x",
        PARTYCLOUD_DATA_DIR=str(tmp_path),
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
        DJANGO_SETTINGS_MODULE="partycloud.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secrets").exists()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [(0, "6.6.6.6", "10.0.0.1"), (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"), (1, "", "10.0.0.1")],
)
def test_client_address_trusts_only_the_configured_proxies(
    settings, proxies: int, forwarded: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_platform_user_create_applies_the_password_policy(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTYCLOUD_PASSWORD", "password")
    with pytest.raises(CommandError):
        call_command("platform_user_create", "ops1", role="operator", stdout=io.StringIO())
    monkeypatch.setenv("PARTYCLOUD_PASSWORD", "Ops-pass-2026-long")
    call_command("platform_user_create", "ops1", role="operator", stdout=io.StringIO())


def test_institution_list_prints_every_institution(inst_a: Institution, inst_b: Institution) -> None:
    out = io.StringIO()
    call_command("institution_list", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"alpha\tactive\t{inst_a.schema_name}\t{inst_a.name}" in lines
    assert any(line.startswith("beta\t") for line in lines)
