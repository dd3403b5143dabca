# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AR-JWT tokens as logins return them: the bare token, its claims and its expiry."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import json


def strip_token(text):
    """The bare token from a login reply: real tenants send it bare, the guide shows it quoted and prefixed."""
    token = (text or '').strip()
    if len(token) >= 2 and token[0] == token[-1] and token[0] in '"\'':
        token = token[1:-1].strip()
    if token[:7].upper() == 'AR-JWT ':
        token = token[7:].strip()
    return token


def token_claims(token):
    """The claims of a JWT, or {} for a token that is not a readable JWT (an opaque token is legal)."""
    try:
        payload = token.split('.')[1]
        payload += '=' * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode('ascii')))
    except Exception:  # pylint: disable=broad-except
        return {}
    return claims if isinstance(claims, dict) else {}


def token_expiry(token):
    """ISO 8601 UTC time of the JWT's exp claim, or None when the token does not say."""
    try:
        moment = datetime.datetime.fromtimestamp(int(token_claims(token)['exp']), tz=datetime.timezone.utc)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None  # its lifetime is then simply unknown
    return moment.isoformat().replace('+00:00', 'Z')
