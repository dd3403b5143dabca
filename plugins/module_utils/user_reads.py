# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How helix_user reads the users it declares: by batches of logins, or by a scan of the form or purge scope.

Every read goes through reads.read_by_keys and one reads.KeyedRead, so one rule decides which stored
entry is a declared login's: the same string (a login that differs only by case is a conflict,
never taken for it), entries de-duplicated by id only where the id is known.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.qualification import chunk_count_at_least
from ansible_collections.helix.users.plugins.module_utils.reads import KeyedRead, read_by_keys, scan
from ansible_collections.helix.users.plugins.module_utils.user_form import LOGIN, STATUS


def read_fields(fields):
    """The fields to read to plan users: their login and status, and the declared ones (field 1 is added)."""
    return list(dict.fromkeys([LOGIN, STATUS] + list(fields)))


def read_population(client, found, fields, form, page_size):
    """Offer the stored entries of the logins found lacks, by whichever read is cheaper.

    Looking users up by login costs one request per batch of logins; scanning the form costs one
    request per page. The scan goes first, but may spend no more requests than the look-ups would:
    if the form turns out bigger, the logins not seen yet are looked up.
    """
    # the batches a look-up by login would cost, at least (quoting 100,000 logins only to count them cost more
    # than the scan)
    batches = chunk_count_at_least(LOGIN, found.missing())
    if batches > 2:
        for spent, page in enumerate(scan(client, form, None, read_fields(fields), page_size, ahead=True), 1):
            for entry in page:
                found.offer(entry)
            if spent >= batches or found.complete():
                break  # over budget, or every declared user seen: the rest of the form does not matter
        else:
            return  # the whole form was read: whoever was not seen does not exist
    read_by_keys(client, form, LOGIN, found.missing(), fields=read_fields(fields), page_size=page_size, into=found)


def scan_purge_scope(client, found, purge_query, fields, form, page_size):
    """One scan of the users purge_query matches: the declared ones go to found, the others are returned.

    The scan fetches the fields the plans compare, so declared users inside the scope need no second read.
    """
    unlisted = []
    for page in scan(client, form, purge_query, read_fields(fields), page_size, ahead=True):
        for entry in page:
            if entry['values'].get(LOGIN) and not found.offer(entry):
                unlisted.append(entry)
    return unlisted


def read_users(client, logins, fields, form, page_size, purge_query=None, on_exact=None):
    """(KeyedRead of the logins, the entries of the purge scope that are not declared).

    :param on_exact: see KeyedRead: the declared users' entries handed over as they arrive, not kept.
    """
    found = KeyedRead(LOGIN, logins, on_exact=on_exact)
    unlisted = scan_purge_scope(client, found, purge_query, fields, form, page_size) if purge_query else []
    if not found.complete():
        read_population(client, found, fields, form, page_size)
    return found, unlisted
