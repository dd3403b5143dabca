# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every way helix_user reads the users it declares, and the one rule by which stored logins match.

Users are read by batches of logins (OR-chained qualifications), by a scan of the form when that is
cheaper, or by one scan of a purge scope. Whichever read it is, a stored login matches a declared
one only when it is the same string; a stored login that differs from a declared one only by case
is reported as a conflict, never taken for it (on most tenants the two are one user, and guessing
which the task meant could change the wrong person).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.ar_client import REQUEST_ID, entry_values
from ansible_collections.helix.users.plugins.module_utils.qualification import chunked_any_of
from ansible_collections.helix.users.plugins.module_utils.users import LOGIN, STATUS


def read_fields(fields):
    """The fields to read to plan users: their id, login and status, and the declared ones."""
    return list(dict.fromkeys([REQUEST_ID, LOGIN, STATUS] + list(fields)))


class LoginMatcher(object):
    """Collects the stored entries of the declared logins: exact matches, and conflicts by case."""

    def __init__(self, logins):
        self.wanted = list(dict.fromkeys(logins))
        self._exact = set(self.wanted)
        self._by_folded = {}
        for login in self.wanted:
            self._by_folded.setdefault(login.casefold(), []).append(login)
        self._found = {}
        self._case_variants = {}

    def offer(self, values):
        """Take one stored entry's values (with its Request ID); True when it belongs to a declared login."""
        login = values.get(LOGIN)
        if login is None:
            return False
        login = str(login)
        if login in self._exact:
            self._found.setdefault(login, values)
            return True
        declared = self._by_folded.get(login.casefold())
        if declared:
            for wanted in declared:
                self._case_variants.setdefault(wanted, []).append(login)
            return True
        return False

    def matches(self):
        """{declared login: values} of the declared logins found with exactly that login."""
        return dict(self._found)

    def conflicts(self):
        """{declared login: [stored logins]} of the declared logins found only in another case."""
        return dict((login, sorted(set(stored))) for login, stored in self._case_variants.items()
                    if login not in self._found)

    def all_seen(self):
        return len(self._found) == len(self.wanted)


def _offer_entries(matcher, entries):
    for entry in entries:
        matcher.offer(entry_values(entry))


def read_by_logins(client, matcher, logins, fields, form, page_size):
    """Offer the stored entries of the logins, fetched with OR-chained qualifications of bounded length."""
    for q in chunked_any_of(LOGIN, logins):
        _offer_entries(matcher, client.list_entries(form, q=q, fields=read_fields(fields), page_size=page_size))


def read_population(client, matcher, logins, fields, form, page_size):
    """Offer the stored entries of the logins, by whichever read is cheaper.

    Looking users up by login costs one request per batch of logins; scanning the form costs one
    request per page. The scan goes first, but may spend no more requests than the look-ups would:
    if the form turns out bigger, the logins not seen yet are looked up.
    """
    batches = len(list(chunked_any_of(LOGIN, logins)))
    if batches <= 2:
        read_by_logins(client, matcher, logins, fields, form, page_size)
        return
    pages = client.list_pages(form, fields=read_fields(fields), page_size=page_size)
    for spent, page in enumerate(pages, 1):
        _offer_entries(matcher, page)
        if spent >= batches or matcher.all_seen():
            break  # over budget, or every declared user seen: the rest of the form does not matter
    else:
        return  # the whole form was read: whoever was not seen does not exist
    found = matcher.matches()
    read_by_logins(client, matcher, [login for login in logins if login not in found], fields, form, page_size)


def scan_purge_scope(client, matcher, purge_query, fields, form, page_size):
    """One scan of the users purge_query matches: the declared ones go to matcher, the others are returned.

    The scan fetches the fields the plans compare, so declared users inside the scope need no
    second read.
    """
    unlisted = []
    for entry in client.list_entries(form, q=purge_query, fields=read_fields(fields), page_size=page_size):
        values = entry_values(entry)
        if values.get(LOGIN) and not matcher.offer(values):
            unlisted.append(values)
    return unlisted


def find_user_id(client, login, form):
    """Request ID of the user with exactly this login, or None (to recover a create whose reply was lost)."""
    matcher = LoginMatcher([login])
    read_by_logins(client, matcher, [login], [], form, 10)
    return (matcher.matches().get(login) or {}).get(REQUEST_ID)
