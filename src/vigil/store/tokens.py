"""API tokens for the web app's writes: made once, shown once, stored only as a SHA-256 hash
(a token is 256 random bits, so a fast hash is enough), listed and revoked by name."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from vigil.store.engine import Store
from vigil.store.schema import api_tokens

PREFIX = "vigil_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str) -> str:
    """A new token for `name` (who signs the corrections made with it); returns the secret, which
    is not stored. A revoked name can be reused; a live one cannot."""
    name = name.strip()
    if not name:
        raise ValueError("a token needs a name (who will use it)")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    with store.engine.begin() as conn:
        row = conn.execute(sa.select(api_tokens.c.id, api_tokens.c.revoked_at).where(api_tokens.c.name == name)).first()
        if row is not None and row.revoked_at is None:
            raise ValueError(f"a token named {name!r} exists; revoke it first (vigil token revoke {name})")
        if row is not None:
            conn.execute(sa.update(api_tokens).where(api_tokens.c.id == row.id)
                         .values(token_hash=_hash(secret), created_at=now, revoked_at=None))
        else:
            conn.execute(sa.insert(api_tokens).values(name=name, token_hash=_hash(secret), created_at=now))
    return secret


def list_tokens(store: Store) -> list[dict[str, Any]]:
    """Every token by name, with when it was made and revoked (never the secret)."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(api_tokens.c.name, api_tokens.c.created_at, api_tokens.c.revoked_at)
                            .order_by(api_tokens.c.name)).all()
    stamp = lambda t: t.replace(tzinfo=t.tzinfo or timezone.utc).isoformat(timespec="seconds") if t else None  # noqa: E731
    return [{"name": r.name, "created_at": stamp(r.created_at), "revoked_at": stamp(r.revoked_at)} for r in rows]


def revoke_token(store: Store, name: str) -> bool:
    """Revoke the live token of `name`; False when there is none."""
    with store.engine.begin() as conn:
        done = conn.execute(sa.update(api_tokens).where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
                            .values(revoked_at=datetime.now(timezone.utc)))
    return done.rowcount > 0


def token_owner(store: Store, secret: str) -> str | None:
    """The name a live token was made for, or None."""
    if not secret.startswith(PREFIX):
        return None
    with store.engine.connect() as conn:
        return conn.execute(sa.select(api_tokens.c.name).where(api_tokens.c.token_hash == _hash(secret),
                                                               api_tokens.c.revoked_at.is_(None))).scalar()
