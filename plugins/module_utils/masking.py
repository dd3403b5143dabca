# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Masking many secrets in a large result, as Ansible's remove_values does, in time that grows with the result.

remove_values tries every secret on every string: with a password in each of 10,000 users items that is
10^8 substring searches (11 s measured, against 0.5 s for the rest of the module). SecretMasker finds
the secrets a string holds through an index of their first characters, so each string costs about its
length, and gives the same answer: a string equal to a secret becomes the no_log placeholder, a secret
inside a string becomes eight stars, a number whose text holds a secret becomes the placeholder.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

PLACEHOLDER = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
STARS = '*' * 8


class SecretMasker(object):

    def __init__(self, secrets):
        self.secrets = frozenset(str(secret) for secret in secrets if secret not in (None, ''))
        self.width = min([len(secret) for secret in self.secrets] or [0])
        self._by_prefix = {}
        for secret in sorted(self.secrets, key=len, reverse=True):  # the longest match first, as remove_values
            self._by_prefix.setdefault(secret[:self.width], []).append(secret)

    def text(self, value):
        """value with every secret it holds masked."""
        if value in self.secrets:
            return PLACEHOLDER
        if not self.secrets or len(value) < self.width:
            return value
        parts, start, index, width = [], 0, 0, self.width
        while index <= len(value) - width:
            found = None
            for secret in self._by_prefix.get(value[index:index + width], ()):
                if value.startswith(secret, index):
                    found = secret
                    break
            if found is None:
                index += 1
                continue
            parts.append(value[start:index])
            parts.append(STARS)
            index += len(found)
            start = index
        if not parts:
            return value
        parts.append(value[start:])
        return ''.join(parts)

    def holds_secret(self, value):
        return self.text(value) != value

    def tree(self, value):
        """A copy of value (dicts, lists, tuples, sets, scalars) with the secrets masked; keys are kept."""
        root = [value]
        pending = [(root, 0)]
        while pending:
            container, key = pending.pop()
            item = container[key]
            if isinstance(item, str):
                container[key] = self.text(item)
            elif isinstance(item, bool) or item is None:
                continue
            elif isinstance(item, (int, float)):
                if self.holds_secret(str(item)):
                    container[key] = PLACEHOLDER
            elif isinstance(item, dict):
                copy = dict(item)
                container[key] = copy
                pending.extend((copy, name) for name in copy)
            elif isinstance(item, (list, tuple, set, frozenset)):
                copy = list(item)
                pending.extend((copy, position) for position in range(len(copy)))
                container[key] = copy if isinstance(item, list) else _Rebuild(type(item), copy)
        return _rebuilt(root[0])


class _Rebuild(object):
    """A tuple or set whose items are masked in a list first, and made again at the end."""

    def __init__(self, kind, items):
        self.kind, self.items = kind, items


def _rebuilt(value):
    if isinstance(value, _Rebuild):
        return value.kind(_rebuilt(item) for item in value.items)
    if isinstance(value, dict):
        for name, item in value.items():
            if isinstance(item, (_Rebuild, dict, list)):
                value[name] = _rebuilt(item)
    elif isinstance(value, list):
        for position, item in enumerate(value):
            if isinstance(item, (_Rebuild, dict, list)):
                value[position] = _rebuilt(item)
    return value
