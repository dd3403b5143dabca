# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The field metadata endpoint (GET /api/arsys/v1.0/fields/{form}), read once per form per run and kept in the client.

A mixin of ARClient, beside EntryCalls. Without the endpoint (older servers: 404; no permission: 403; an answer
of a shape field_metadata.FormFields can not read) a form has no metadata (None) and the collection works as it
did before it read any: the server's own errors tell of unknown fields. That is said once, in the client's notes,
which every module returns (Ansible shows them at -v).

The client also keeps what reads learned: fields a task only reads for display or copying that the tenant's form
lacks (customised, older), so later reads and writes of the run leave them out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from urllib.parse import quote

from ansible_collections.helix.users.plugins.module_utils.errors import AR_NO_SUCH_FORM, HelixAPIError
from ansible_collections.helix.users.plugins.module_utils.field_metadata import FormFields

FIELDS_PATH = '/api/arsys/v1.0/fields/'


def _key(form):
    return str(form or '').strip().casefold()


class FieldCalls(object):
    """Field metadata on top of the client's request_json() (see ARClient)."""

    def init_field_state(self):
        self._form_fields = {}
        self._no_metadata = None  # why the endpoint is out of use for the whole run (an older server), or None
        self._field_lock = threading.Lock()
        self.missing_fields = {}  # {form: [field names]}: fields read for display or copying the form lacks
        self.notes = []

    def note(self, text):
        """Something a user may want to know at -v (once per run)."""
        with self._field_lock:
            if text not in self.notes:
                self.notes.append(text)

    def form_fields(self, form):
        """The field_metadata.FormFields of a form, or None when the tenant does not tell (then noted once)."""
        key = _key(form)
        with self._field_lock:
            if key in self._form_fields:
                return self._form_fields[key]
            if self._no_metadata is not None:
                return None
        meta = None
        path = FIELDS_PATH + quote(str(form).strip(), safe='')
        try:
            meta = FormFields.parse(str(form).strip(), self.request_json(
                'GET', path, operation='Reading the field definitions of form %r' % form))
            if meta is None:
                self.note('the field definitions of form %r came in a shape this collection does not read: its field'
                          ' names are not checked before the requests' % form)
        except HelixAPIError as exc:
            if exc.has_number(AR_NO_SUCH_FORM):
                pass  # no such form: the entry requests say so
            elif exc.status == 404:
                with self._field_lock:
                    self._no_metadata = 'HTTP 404'
                self.note('the tenant does not serve field metadata (GET %s... answered HTTP 404, an older server):'
                          ' field names, required fields and selection labels are not checked before the requests;'
                          ' the server\'s own errors tell of them' % FIELDS_PATH)
            else:
                why = '; the account may not read form definitions' if exc.status == 403 else ''
                self.note('the field definitions of form %r could not be read (%s): its field names are not checked'
                          ' before the requests%s' % (form, exc, why))
        with self._field_lock:
            self._form_fields.setdefault(key, meta)
            return self._form_fields[key]

    def field_names(self, form):
        """{id: name} the server told for a form ({} when it told nothing), for fields.field_name()."""
        meta = self.form_fields(form)
        return meta.names() if meta is not None else {}

    def lacks(self, form, names):
        """Record fields a form of this tenant does not have (learned from the metadata or from AR 314)."""
        with self._field_lock:
            known = self.missing_fields.setdefault(str(form).strip(), [])
            known.extend(name for name in names if name not in known)

    def lacking(self, form):
        """The fields of a form this run learned it lacks."""
        with self._field_lock:
            return list(self.missing_fields.get(str(form).strip(), []))
