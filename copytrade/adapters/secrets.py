"""Secrets at rest: AES-256-GCM under one master key (docs/venues.md, "Keys at rest").

Each value is sealed with a fresh 96-bit nonce, stored as ``nonce || ciphertext+tag``,
and bound to its row by the associated data (the linked account's id and the field),
so a sealed secret copied to another row does not open there. The master key comes
from the settings (``COPYTRADE_SECRET_KEY``, base64 of 32 bytes, or
``COPYTRADE_SECRET_KEY_FILE``) and is never stored beside the data.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from copytrade.config import Settings

KEY_BYTES = 32
_NONCE_BYTES = 12


class SecretsError(Exception):
    """A master key is missing or malformed, or a sealed value does not open with it."""


def parse_master_key(text: str) -> bytes:
    """A base64 master key as its 32 bytes, or SecretsError (the message shows no key)."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SecretsError("the secret key is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise SecretsError(
            f"the secret key must be {KEY_BYTES} bytes in base64, got {len(key)} bytes; "
            'make one with: python -c "import os, base64; '
            'print(base64.b64encode(os.urandom(32)).decode())"'
        )
    return key


def read_master_key(value: str | None, key_file: Path | None) -> bytes:
    """The master key from the setting or the key file (exactly one of them)."""
    if value and key_file:
        raise SecretsError("set COPYTRADE_SECRET_KEY or COPYTRADE_SECRET_KEY_FILE, not both")
    if key_file is not None:
        try:
            return parse_master_key(key_file.read_text())
        except OSError as error:
            raise SecretsError(f"cannot read the secret key file {key_file}: {error}") from None
    if not value:
        raise SecretsError(
            "no secret key: set COPYTRADE_SECRET_KEY (base64 of 32 bytes) or "
            "COPYTRADE_SECRET_KEY_FILE to store exchange API keys and alert-channel secrets"
        )
    return parse_master_key(value)


class SecretBox:
    """Seals and opens strings under one master key."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise SecretsError(f"the master key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(master_key)

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"

    def seal(self, plaintext: str, context: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), context.encode())

    def open(self, sealed: bytes, context: str) -> str:
        nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, body, context.encode()).decode()
        except InvalidTag:
            raise SecretsError(
                f"a stored secret ({context}) does not open with this master key: "
                "the key changed, or the row was tampered with"
            ) from None


def secret_box(settings: Settings) -> SecretBox:
    """The SecretBox under the settings' master key, or SecretsError saying what to set."""
    value = settings.secret_key.get_secret_value() if settings.secret_key else None
    return SecretBox(read_master_key(value, settings.secret_key_file))
