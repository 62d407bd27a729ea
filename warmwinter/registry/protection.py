"""Protected personal numbers: AES-GCM encryption for storage, a keyed hash for exact look-up.

Keys come from settings (WARMWINTER_ID_KEY, WARMWINTER_ID_HASH_KEY; generated into var/keys
when unset). To use SM4 instead of AES (GB/T 32907), see docs/personal-data.md: only
`encrypt`/`decrypt` change, the stored format keeps its version prefix.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION = b"\x01"  # 1 = AES-256-GCM, 12-byte nonce


@lru_cache(maxsize=4)
def _aead(key_text: str) -> AESGCM:
    return AESGCM(hashlib.sha256(key_text.encode()).digest())


def encrypt(plain: str, *, context: bytes = b"id") -> str:
    if not plain:
        return ""
    nonce = os.urandom(12)
    sealed = _aead(settings.ID_ENCRYPTION_KEY).encrypt(nonce, plain.encode(), context)
    return base64.b64encode(VERSION + nonce + sealed).decode()


def decrypt(token: str, *, context: bytes = b"id") -> str:
    if not token:
        return ""
    raw = base64.b64decode(token)
    if raw[:1] != VERSION:
        raise ValueError("unknown protected-field version")
    return _aead(settings.ID_ENCRYPTION_KEY).decrypt(raw[1:13], raw[13:], context).decode()


@lru_cache(maxsize=4)
def _hash_key(key_text: str) -> bytes:
    return hashlib.sha256(key_text.encode()).digest()


def lookup_hash(plain: str) -> str:
    """HMAC-SHA256 of the normalised number: equal numbers, equal hashes; no key, no guessing."""
    if not plain:
        return ""
    return hmac.new(_hash_key(settings.ID_HASH_KEY), plain.encode(), hashlib.sha256).hexdigest()
