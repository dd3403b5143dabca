#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_token
short_description: Log in to a BMC Helix tenant once, or log a token out
version_added: 0.1.0
description:
  - Logs in to the AR System REST API of a BMC Helix tenant (C(POST /api/jwt/login)) and returns the token,
    so that every later task of a play can use one session through O(helix_token) instead of logging in and out itself.
  - With O(state=absent), logs out the token given in O(helix_token) (C(POST /api/jwt/logout)).
  - The result of a login holds a secret, so it is hidden from Ansible's output as if the task had C(no_log);
    register it to use the token.
options:
  state:
    description:
      - V(present) logs in with O(helix_username) and O(helix_password) and returns a token.
      - V(absent) logs out the token in O(helix_token).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.attributes
attributes:
  check_mode:
    description:
      - A login also runs in check mode, since it changes no managed data and later tasks need the token.
      - A logout runs in check mode too, so that a dry run leaves no session open on the tenant (AR limits sessions per user).
    support: full
  diff_mode:
    description: No diff; a session is not managed data.
    support: none
notes:
  - Logging in and logging out change no managed data, so both report C(changed=false) and a rerun of an unchanged
    play reports nothing changed. RV(logged_out) says whether the server still accepted the token it logged out.
  - A play-level C(module_defaults) that sets O(helix_token) from the login task's result is templated for the login
    task too, before the session exists. Write the default as C("{{ helix_session.token | default(omit) }}"), as the
    examples show; the login ignores no token, it simply gets none.
  - The server may refuse an unknown user with HTTP 200 and a guest token (AR message 59 in C(X-AR-Messages));
    the module treats that as a failed login.
seealso:
  - module: helix.users.helix_user
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: Log in once for the whole play
  helix.users.helix_token:
    helix_url: https://acme-restapi.onbmc.com
    helix_username: "{{ vault_helix_username }}"
    helix_password: "{{ vault_helix_password }}"
  register: helix_session

- name: Use the token in every later helix.users task
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: Read one user
      helix.users.helix_user_info:
        login_name: jdoe
  always:
    - name: Log the token out
      helix.users.helix_token:
        state: absent

- name: A play whose module_defaults set the token for every task, the login task included
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      # omitted until the login below has registered helix_session
      helix_token: "{{ helix_session.token | default(omit) }}"
  tasks:
    - name: Log in
      helix.users.helix_token:
        helix_username: "{{ vault_helix_username }}"
        helix_password: "{{ vault_helix_password }}"
      register: helix_session
    - name: Later tasks use the token
      helix.users.helix_user_info:
        login_name: jdoe
    - name: Log out
      helix.users.helix_token:
        state: absent

- name: Log in with the HELIX_URL, HELIX_USERNAME and HELIX_PASSWORD environment variables (an AWX credential)
  helix.users.helix_token:
  register: helix_session
'''

RETURN = r'''
token:
  description: The bare token (without the C(AR-JWT) prefix). Pass it to O(helix_token) of later tasks.
  returned: state is present
  type: str
  sample: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJEZW1vIn0.c2lnbmF0dXJl
authorization:
  description: The value of the C(Authorization) header for this token, for tasks that call the API directly.
  returned: state is present
  type: str
  sample: AR-JWT eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJEZW1vIn0.c2lnbmF0dXJl
expires_at:
  description: When the token expires (ISO 8601, UTC, from its C(exp) claim), or null when the token does not say.
  returned: state is present
  type: str
  sample: '2026-11-27T10:45:00Z'
logged_out:
  description: Whether the server accepted the logout; V(false) when the token had expired or was already logged out.
  returned: state is absent
  type: bool
  sample: true
ar_messages:
  description: The AR messages of the tenant's answer to a failed request (C(number), C(type), C(text), C(appended_text)).
  returned: failure
  type: list
  elements: dict
  sample: [{"number": 623, "type": "ERROR", "text": "Authentication failed", "appended_text": null}]
status:
  description: The HTTP status of the tenant's answer to a failed request, when there was one.
  returned: failure
  type: int
  sample: 401
api_calls:
  description: HTTP requests the module sent, retries included.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.helix.users.plugins.module_utils.tokens import token_expiry
from ansible_collections.helix.users.plugins.module_utils.module import HelixModule


def log_in(client):
    token = client.login()
    client.keep_token()  # handed to the play: the client must not log it out when it closes
    # The action plugin of the same name hides this result from output: the token is a secret.
    return dict(changed=False, token=token, authorization='AR-JWT ' + token, expires_at=token_expiry(token))


def log_out(client):
    # Logging out changes no managed data, and a dry run must not leave a session open: it runs in
    # check mode too, and reports no change (an unchanged play's rerun reports nothing changed).
    return dict(changed=False, logged_out=client.logout())


def main():
    module = HelixModule(dict(state=dict(type='str', choices=['present', 'absent'], default='present')))
    if module.params['state'] == 'present':
        if not (module.params['helix_username'] and module.params['helix_password']):
            module.fail_json(msg='state=present logs in: give helix_username and helix_password'
                                 ' (or the HELIX_USERNAME and HELIX_PASSWORD environment variables)')
        module.run(log_in)
    else:
        if not module.params['helix_token']:
            module.fail_json(msg='state=absent logs out the token given in helix_token (or HELIX_TOKEN)')
        module.run(log_out)


if __name__ == '__main__':
    main()
