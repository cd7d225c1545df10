"""The server's secret: it signs web conversations' tokens and keys the hashes that stand for senders in logs.

It comes from TRUST_COACH_SECRET. Without it (a local `make run` or `make cluster`), one is generated
once into var/secret, readable by this user only, and every process on this machine shares it. Replicas
on several machines must all be given the same TRUST_COACH_SECRET.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_VARIABLE = "TRUST_COACH_SECRET"
PROJECT_DIR = Path(__file__).resolve().parent.parent


@functools.cache
def server_secret() -> bytes:
    configured = os.environ.get(SECRET_VARIABLE)
    if configured:
        return configured.encode()
    path = Path(os.environ.get("TRUST_COACH_SECRET_FILE") or PROJECT_DIR / "var" / "secret")
    if not path.exists():
        # Written aside, then linked into place: of two processes starting at once, one wins and
        # both read its secret.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_bytes().strip()


def sign(purpose: str, value: str) -> str:
    """A signature of `value` for one purpose; nobody without the secret can make one."""
    return hmac.new(server_secret(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def verify(purpose: str, value: str, signature: object) -> bool:
    return isinstance(signature, str) and hmac.compare_digest(sign(purpose, value), signature)
