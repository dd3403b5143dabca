"""AR-JWT tokens: real HS256 JWTs with a per-process random secret, expiry and revocation."""

import secrets
import threading
import time
import uuid

import jwt


class TokenError(Exception):
    """Why a token was refused: 'missing', 'malformed', 'expired' or 'revoked'."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class TokenService:
    """Issues, verifies and revokes tokens; verified tokens are cached to keep requests cheap."""

    def __init__(self):
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._revoked = set()           # jti of logged-out tokens
        self._verified = {}             # token -> claims, so pyjwt decodes each token once
        self._issued = []               # every token issued, for Simulator.issued_tokens() only

    def issue(self, subject, lifetime):
        now, lifetime = time.time(), float(lifetime)
        # Whole-second lifetimes give an integer exp like a tenant; fractions (for fast tests) stay fractional.
        exp = int(now) + int(lifetime) if lifetime.is_integer() else round(now + lifetime, 3)
        claims = {"sub": subject, "iat": int(now), "exp": exp, "jti": uuid.uuid4().hex}
        token = jwt.encode(claims, self._secret, algorithm="HS256")
        with self._lock:
            self._issued.append(token)
        return token

    def issued(self):
        """A copy of the list of every token issued so far, oldest first."""
        with self._lock:
            return list(self._issued)

    def verify(self, token):
        """Claims of a valid token; TokenError otherwise."""
        if not token:
            raise TokenError("missing")
        with self._lock:
            claims = self._verified.get(token)
        if claims is None:
            try:
                claims = jwt.decode(token, self._secret, algorithms=["HS256"], options={"require": ["sub", "exp", "jti"], "verify_exp": False})
            except jwt.InvalidTokenError:
                raise TokenError("malformed") from None
            with self._lock:
                if len(self._verified) > 50000:
                    self._verified.clear()
                self._verified[token] = claims
        # Checked here, not by pyjwt, which truncates exp to whole seconds.
        if claims["exp"] <= time.time():
            raise TokenError("expired")
        if claims["jti"] in self._revoked:
            raise TokenError("revoked")
        return claims

    def revoke(self, token):
        claims = self.verify(token)
        with self._lock:
            self._revoked.add(claims["jti"])
        return claims
