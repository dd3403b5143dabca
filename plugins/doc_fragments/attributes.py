# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared attributes of helix.users modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/helix.users.helix) in C(module_defaults) to set the connection options once for a play.
    support: full
    membership:
      - helix.users.helix
'''

    # The module changes nothing on the tenant, so check and diff mode do not apply to it.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return the same data; it changes nothing.
    support: full
  diff_mode:
    description: Returns no diff; it changes nothing.
    support: N/A
'''
