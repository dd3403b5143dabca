"""AR System webhooks as the simulator models them: registered by an administrator, called after each write.

BMC documents webhooks (AR System 20.02+: the "AR System Webhook" form, or registration through the REST API
by an administrator) that call a URL on create, update, merge and delete of a form's entries, with no
authentication or Basic authentication, carrying the form, the event and the entry id. The exact JSON of a
registration and of a call is not in the material we have: both shapes here are the simulator's own
(docs/ar-api.md lists them as assumptions), and a receiver must tolerate others.

Registration (admin accounts only, else 403 + AR 353):
    POST /api/arsys/v1/webhook {"form": "User", "events": ["create", "update", "merge", "delete"],
                                 "url": "https://eda.example.com:5443/", "enabled": true,
                                 "authentication": {"type": "basic", "username": "...", "password": "..."}}
    -> 201, Location .../api/arsys/v1/webhook/WH00000001
    GET /api/arsys/v1/webhook (list), GET|DELETE /api/arsys/v1/webhook/{id}; the password reads back as "***".
A call (one POST per event, from a background thread after the write committed, no retry):
    {"webhookId": "WH00000001", "formName": "User", "entryEvent": "Update", "entryId": "000000000000004",
     "timestamp": "2026-11-27T08:45:00.000+0000"}
with "Authorization: Basic ..." when registered so. No values are sent: the receiver re-reads the entry.
"""

import base64
import json
import queue
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

EVENTS = ("create", "update", "merge", "delete")


class WebhookError(ValueError):
    """A registration the simulator refuses (400)."""


class Webhooks:
    """The registered webhooks, and a sender thread that calls them in the order of the writes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._hooks = {}
        self._number = 0
        self._queue = queue.Queue()
        self._deliveries = []
        self._thread = None

    # ------------------------------------------------------------ registration
    def register(self, body, user):
        if not isinstance(body, dict):
            raise WebhookError("a webhook is a JSON object")
        form, url = body.get("form"), body.get("url")
        if not isinstance(form, str) or not form:
            raise WebhookError("form is required")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise WebhookError("url must be an http:// or https:// URL")
        events = body.get("events", list(EVENTS))
        if not isinstance(events, list) or not events or any(str(e).lower() not in EVENTS for e in events):
            raise WebhookError(f"events must be a list of {', '.join(EVENTS)}")
        auth = body.get("authentication") or {"type": "none"}
        if not isinstance(auth, dict) or str(auth.get("type", "none")).lower() not in ("none", "basic"):
            raise WebhookError("authentication type must be none or basic")
        if str(auth.get("type")).lower() == "basic" and not (auth.get("username") and auth.get("password")):
            raise WebhookError("basic authentication needs username and password")
        with self._lock:
            self._number += 1
            hook_id = f"WH{self._number:08d}"
            self._hooks[hook_id] = {"id": hook_id, "form": form, "url": url, "events": [str(e).lower() for e in events],
                                    "enabled": bool(body.get("enabled", True)), "owner": user,
                                    "authentication": {"type": str(auth.get("type", "none")).lower(),
                                                       "username": auth.get("username"),
                                                       "password": auth.get("password")}}
        return hook_id

    def list(self):
        with self._lock:
            return [self._shown(hook) for hook in self._hooks.values()]

    def get(self, hook_id):
        with self._lock:
            hook = self._hooks.get(hook_id)
            return None if hook is None else self._shown(hook)

    def delete(self, hook_id):
        with self._lock:
            return self._hooks.pop(hook_id, None) is not None

    @staticmethod
    def _shown(hook):
        shown = dict(hook, authentication=dict(hook["authentication"]))
        if shown["authentication"].get("password"):
            shown["authentication"]["password"] = "***"
        return shown

    def clear(self):
        """No webhook, no delivery (reset)."""
        with self._lock:
            self._hooks.clear()
            self._number = 0
            self._deliveries = []

    def deliveries(self):
        """Every call made since the last reset: hook, event, entry id, status (or error), seconds taken."""
        with self._lock:
            return [dict(delivery) for delivery in self._deliveries]

    # ------------------------------------------------------------ calls
    def notify(self, form, event, entry_id):
        """A write committed: queue one call per enabled webhook of the form and event (called under the store lock)."""
        with self._lock:
            hooks = [dict(hook) for hook in self._hooks.values()
                     if hook["enabled"] and hook["form"] == form and event in hook["events"]]
        if not hooks:
            return
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime())
        for hook in hooks:
            self._queue.put((hook, {"webhookId": hook["id"], "formName": form, "entryEvent": event.capitalize(),
                                    "entryId": entry_id, "timestamp": stamp}))
        self._start()

    def _start(self):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._send_all, name="simulator-webhooks", daemon=True)
                self._thread.start()

    def _send_all(self):
        while True:
            hook, payload = self._queue.get()
            try:
                if hook is None:
                    return
                self._send(hook, payload)
            finally:
                self._queue.task_done()

    def _send(self, hook, payload):
        headers = {"Content-Type": "application/json"}
        auth = hook["authentication"]
        if auth["type"] == "basic":
            pair = f"{auth['username']}:{auth['password']}".encode("utf-8")
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        request = urllib.request.Request(hook["url"], data=json.dumps(payload).encode("utf-8"), headers=headers,
                                         method="POST")
        started = time.time()
        record = {"hook": hook["id"], "event": payload["entryEvent"].lower(), "entry_id": payload["entryId"],
                  "status": None, "error": None}
        try:
            # the tests' listeners use certificates of their own CA: the simulator calls without checking them
            context = None
            if hook["url"].startswith("https://"):
                import ssl  # pylint: disable=import-outside-toplevel
                context = ssl._create_unverified_context()  # pylint: disable=protected-access
            with urllib.request.urlopen(request, timeout=10, context=context) as response:
                record["status"] = response.status
        except urllib.error.HTTPError as exc:
            record["status"] = exc.code
        except (OSError, ValueError) as exc:
            record["error"] = type(exc).__name__
        record["seconds"] = round(time.time() - started, 3)
        with self._lock:
            self._deliveries.append(record)

    def wait_idle(self, timeout=10.0):
        """Wait until every queued call was made (tests)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.02)
        return False

    def stop(self):
        if self._thread is not None and self._thread.is_alive():
            self._queue.put((None, None))
