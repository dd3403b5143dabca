# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the helix_token module and hides a login's result from output, as if the task had no_log.

A module can not mark its own return values as secret, and the token is not a
parameter that Ansible would mask; an action plugin can mark the whole result.
The result is still registered, so later tasks can use the token.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):

    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result.update(self._execute_module(module_name='helix.users.helix_token', module_args=self._task.args,
                                           task_vars=task_vars))
        if result.get('token'):
            result['_ansible_no_log'] = True
        return result
