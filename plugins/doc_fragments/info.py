# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the _info modules (module_utils/info.py builds their argument spec)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  query:
    description:
      - A raw AR qualification, passed through as written, for example C('Status' = "Current" AND 'License Type' = "Fixed").
      - Combined with the other selections and O(filters) by AND.
    type: str
  filters:
    description:
      - Equality filters, field name to value (or a list of values, any of which matches), ANDed.
        Every name and value is quoted by AR's rules, so no value can change what the filter means.
      - Where the tenant serves field metadata, a field name of O(filters), O(fields) or O(sort) the form does not
        have fails the task before anything is read, naming the closest names.
    type: dict
  sort:
    description: AR sort order, for example V(Login Name.asc) or V(Modified Date.desc).
    type: str
  limit:
    description: The most entries to return; V(0) returns all.
    type: int
    default: 0
  page_size:
    description:
      - Entries per request. Every page is read, also past a server cap smaller than this.
    type: int
    default: 500
'''
