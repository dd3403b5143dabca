# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the helix_user module, handing it the text of a users_file read on the controller.

The file is found the way the src of copy is (the role's files/, the playbook's folder) and read
here, so the task works when it is delegated too; the module parses it once, without the per-item
templating that makes a large vars file slow.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):

    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        if '_users_file_content' in args:
            result.update(failed=True, msg='_users_file_content is internal: give users_file, the path of the file')
            return result
        source = args.get('users_file')
        if source is not None:
            try:
                path = self._find_needle('files', to_text(source))
                # as copy does: a vault-encrypted file is decrypted (into a temporary file the loader removes)
                real = self._loader.get_real_file(path, decrypt=True)
                try:
                    with open(real, 'rb') as handle:
                        text = handle.read().decode('utf-8-sig')  # a byte-order mark is no part of the text
                finally:
                    self._loader.cleanup_tmp_file(real)
            except AnsibleError as exc:
                # the first line: the rest of Ansible's text is about copy's remote_src
                result.update(failed=True, msg='nothing was sent: users_file %s was not found: %s' % (
                    source, to_text(exc.message).splitlines()[0]))
                return result
            except (IOError, OSError, UnicodeDecodeError) as exc:
                result.update(failed=True, msg='nothing was sent: users_file %s can not be read as UTF-8 text: %s' % (
                    source, exc))
                return result
            args.update(users_file=path, _users_file_content=text)
        result.update(self._execute_module(module_name='helix.users.helix_user', module_args=args, task_vars=task_vars))
        return result
