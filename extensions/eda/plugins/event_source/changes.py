# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event source helix.users.changes: changes of BMC Helix users (or people, or any AR form) as events.

The logic lives in plugins/module_utils/changes.py (polling, state file, callbacks, event shape) on the
collection's one core (connection options, client, reads, qualifications); this file is the asynchronous
glue ansible-rulebook runs: the poll loop with its backoff, and the webhook listener.
"""

from __future__ import annotations

DOCUMENTATION = r"""
---
short_description: Changes of BMC Helix users or people, by polling or from AR System webhooks.
description:
  - Emits one event per change of an entry of an AR form (default V(User); V(CTM:People) on Helix ITSM tenants),
    each C({helix: {form, entry_id, key, operation, values, modified_date}}).
  - C(key) is the Login Name on the User form, the Person ID on CTM:People, else the entry id (see O(key_field)).
    C(operation) is V(create), V(update), V(merge) or V(delete) (polling tells only V(create) and V(update)).
    C(values) are the entry's values as read after the change, never a secret field (Password, Auth String,
    anything named like a password, token or secret); C(modified_date) is its Modified Date as the tenant
    returns it.
  - In O(mode=poll) the source logs in once for its life (again when the token expires), and asks every
    O(interval) seconds for the entries whose Modified Date is at or past a watermark less O(overlap) seconds
    (dates as integers of seconds, as AR qualifications take them), so an entry committed late in a second
    already seen is not missed; an entry is reported once per Modified Date. The watermark is kept in
    O(state_file), written once the events are queued, so a restart neither loses nor repeats events. Without a
    state file, it starts after the newest change the tenant has (the tenant's clock, not this host's).
  - A tenant that does not answer is asked again after a backoff (the interval, doubled per failure, at most
    O(backoff_max) seconds); the source keeps running and logs each failure, free of secrets, and the recovery.
  - In O(mode=webhook) the source listens on O(host) and O(port) (TLS with O(certfile)) for the calls of AR
    System webhooks (registered by an administrator for create, update, merge and delete of the form, with Basic
    authentication whose password is O(secret)). A call without the secret is refused with 401 and logged without
    its body. Each call is turned into the same event by re-reading the entry by its id (and O(query)); the
    payload's values are never trusted. A call for another form is acknowledged and ignored.
  - Takes the connection options of every module of the collection, with the same environment variables
    (helix_url or E(HELIX_URL), helix_username or E(HELIX_USERNAME), helix_password or E(HELIX_PASSWORD),
    helix_auth_string, helix_token, validate_certs, ca_path, timeout, max_retries; see the
    C(helix.users.connection) documentation fragment).
options:
  mode:
    description: V(poll) asks the tenant every O(interval) seconds; V(webhook) listens for AR System webhook calls.
    type: str
    choices: [poll, webhook]
    default: poll
  form:
    description: The AR form to watch.
    type: str
    default: User
  query:
    description: An AR qualification that narrows the entries watched, ANDed with the Modified Date window.
    type: str
  fields:
    description: The fields to read (default every field); the key field and the dates are always read.
    type: list
    elements: str
  key_field:
    description: The field an event's C(key) comes from (default Login Name on User, the entry id elsewhere).
    type: str
  interval:
    description: Polling - seconds between two polls.
    type: float
    default: 60
  overlap:
    description: Polling - seconds the window of each poll reaches back before the watermark.
    type: int
    default: 5
  backoff_max:
    description: Most seconds between two tries while the tenant does not answer.
    type: float
    default: 300
  state_file:
    description: Polling - a file that keeps the watermark across restarts (created, mode 0600).
    type: path
  host:
    description: The address the webhook listener binds.
    type: str
    default: 0.0.0.0
  port:
    description: The port the webhook listener binds; required with O(mode=webhook).
    type: int
  secret:
    description:
      - The password the tenant sends (Basic authentication) with every webhook call; required with O(mode=webhook).
      - If not set, the value of the E(HELIX_WEBHOOK_SECRET) environment variable is used.
    type: str
  certfile:
    description: A PEM certificate (chain) to serve the listener over TLS.
    type: path
  keyfile:
    description: The key of O(certfile), when it is not in that file.
    type: path
"""

EXAMPLES = r"""
- name: Users created or re-enabled outside the pipeline
  hosts: localhost
  sources:
    - helix.users.changes:
        form: User
        interval: 30
        state_file: /var/lib/eda/helix-users.json
  rules:
    - name: Audit
      condition: event.helix.values.Status == "Current"
      action:
        run_playbook:
          name: helix.users.audit

- name: People from AR System webhooks
  hosts: localhost
  sources:
    - helix.users.changes:
        mode: webhook
        form: CTM:People
        port: 5443
        certfile: /etc/eda/listener.pem
        secret: "{{ helix_webhook_secret }}"
  rules:
    - name: Print
      condition: event.helix.operation is defined
      action:
        debug:
"""

import asyncio
import base64
import binascii
import hmac
import json
import logging
import os
import ssl
from typing import Any

LOG = logging.getLogger("helix.users.changes")
# the largest webhook call read (an AR callback names a form, an event and an entry id: a few hundred bytes)
MAX_BODY = 1024 * 1024


def _core():
    """The collection's module_utils: importable where the collection is installed and on Ansible's collections path;
    when ansible-rulebook runs this file by path from elsewhere, through Ansible's own collection loader, given the
    folder above this file's ansible_collections (no sys.path edit)."""
    try:
        from ansible_collections.helix.users.plugins.module_utils import changes
    except ImportError:
        from ansible.plugins.loader import init_plugin_loader

        # .../ansible_collections/helix/users/extensions/eda/plugins/event_source/changes.py: eight levels up
        root = os.path.abspath(__file__)
        for _dummy in range(8):
            root = os.path.dirname(root)
        init_plugin_loader([root])
        from ansible_collections.helix.users.plugins.module_utils import changes
    return changes


async def main(queue: asyncio.Queue, args: dict[str, Any]) -> None:
    """Entry point of ansible-rulebook: put the events of the changes on queue, until cancelled."""
    changes = _core()
    params, problems = changes.source_params(args)
    if problems:
        raise ValueError("helix.users.changes: %s" % "; ".join(problems))
    if params["mode"] == "webhook":
        await listen(queue, params, changes)
    else:
        await poll(queue, params, changes)


def _described(exc, client, changes):
    """An error in words, free of every secret the client holds."""
    from ansible_collections.helix.users.plugins.module_utils.errors import HelixError

    text = str(exc) if isinstance(exc, HelixError) else "unexpected %s: %s" % (type(exc).__name__, exc)
    if client is not None:
        return client.redact(text)
    return changes.redact(text, [])


async def poll(queue: asyncio.Queue, params: dict[str, Any], changes) -> None:
    """Poll for ever: one client (one login) while the tenant answers, a new one after a refused login."""
    from ansible_collections.helix.users.plugins.module_utils.connection import build_client
    from ansible_collections.helix.users.plugins.module_utils.errors import HelixAuthError

    loop = asyncio.get_running_loop()
    backoff = changes.Backoff(params["interval"], params["backoff_max"])
    client = poller = None
    try:
        while True:
            try:
                if client is None:
                    client = build_client(params, pool_size=2)
                    if poller is None:
                        poller = changes.Poller(
                            client, form=params["form"], query=params.get("query"), fields=params.get("fields"),
                            key_field=params.get("key_field"), overlap=params["overlap"],
                            state_file=params.get("state_file"), log=LOG)
                    poller.client = client
                events = await loop.run_in_executor(None, poller.poll)
                queued = 0
                try:
                    for event in events:
                        await queue.put(event)
                        queued += 1
                        _log_event(event)
                finally:
                    # what was queued is remembered at once (a stop right now repeats nothing), the rest comes again
                    poller.commit(queued)
                if backoff.succeeded():
                    LOG.warning("helix.users.changes: %s answers again; polling every %s s", params["helix_url"],
                                params["interval"])
                delay = params["interval"]
            except Exception as exc:  # pylint: disable=broad-except  # a long-lived source outlives any one failure
                delay = backoff.failed()
                LOG.error("helix.users.changes: polling %s on %s failed (%s); the source keeps running, next try in"
                          " %.1f s (%d failure(s) in a row)", params["form"], params["helix_url"],
                          _described(exc, client, changes), delay, backoff.failures)
                if isinstance(exc, HelixAuthError) and client is not None:
                    # the client keeps a refused login; the next try logs in afresh (at most once per backoff)
                    await loop.run_in_executor(None, client.close)
                    client = None
            await asyncio.sleep(delay)
    finally:
        if client is not None:
            client.close()


def _log_event(event):
    helix = event["helix"]
    LOG.info("helix.users.changes: %s of %s entry %s (%s), modified %s", helix["operation"], helix["form"],
             helix["entry_id"], helix["key"], helix["modified_date"])


# ---------------------------------------------------------------------------------------------------- webhooks
def authorized(header: str | None, secret: str) -> bool:
    """True when an Authorization header carries the secret: Basic (any user name, the secret as password; what AR
    webhooks send) or Bearer. Compared in constant time."""
    scheme, _space, credentials = (header or "").strip().partition(" ")
    given = None
    if scheme.lower() == "basic":
        try:
            given = base64.b64decode(credentials.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return False
    elif scheme.lower() == "bearer":
        given = credentials.strip()
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def tls_context(params: dict[str, Any]) -> ssl.SSLContext | None:
    if not params.get("certfile"):
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(params["certfile"], params.get("keyfile") or None)
    return context


async def listen(queue: asyncio.Queue, params: dict[str, Any], changes) -> None:
    """Serve webhook calls until cancelled."""
    try:
        from aiohttp import web
    except ImportError:
        raise ValueError("helix.users.changes: mode webhook needs the Python package aiohttp") from None
    from ansible_collections.helix.users.plugins.module_utils.connection import build_client
    from ansible_collections.helix.users.plugins.module_utils.errors import HelixError

    loop = asyncio.get_running_loop()
    client = build_client(params, pool_size=4)
    callbacks = changes.Callbacks(client, form=params["form"], query=params.get("query"),
                                  fields=params.get("fields"), key_field=params.get("key_field"), log=LOG)
    secret = params["secret"]

    async def handle(request):
        if not authorized(request.headers.get("Authorization"), secret):
            # never the body nor the header: they may hold what the caller thought was the secret
            LOG.warning("helix.users.changes: refused a %s call from %s without the shared secret (body not logged)",
                        request.method, request.remote)
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="helix.users.changes"'})
        if request.method != "POST":
            return web.Response(status=405, headers={"Allow": "POST"})
        try:
            payload = await request.json(loads=json.loads)
        except web.HTTPRequestEntityTooLarge:
            LOG.warning("helix.users.changes: a call from %s is larger than %d bytes: refused (body not read)",
                        request.remote, MAX_BODY)
            return web.json_response({"accepted": False, "reason": "too large"}, status=413)
        except (ValueError, RecursionError):  # RecursionError: JSON nested deeper than Python parses
            LOG.warning("helix.users.changes: a call from %s is not JSON: ignored (body not logged)", request.remote)
            return web.json_response({"accepted": False, "reason": "not JSON"}, status=400)
        try:
            event = await loop.run_in_executor(None, callbacks.event, payload)
        except HelixError as exc:
            LOG.error("helix.users.changes: re-reading the entry of a call failed (%s); answered 503 so the tenant"
                      " may call again", client.redact(str(exc)))
            return web.json_response({"accepted": False, "reason": "the tenant could not be read"}, status=503)
        if event is not None:
            await queue.put(event)
            _log_event(event)
        return web.json_response({"accepted": event is not None})

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, params["host"], params["port"], ssl_context=tls_context(params))
        await site.start()
        LOG.info("helix.users.changes: listening for %s webhook calls on %s://%s:%s", params["form"],
                 "https" if params.get("certfile") else "http", params["host"], params["port"])
        await asyncio.Future()
    finally:
        await runner.cleanup()
        client.close()
