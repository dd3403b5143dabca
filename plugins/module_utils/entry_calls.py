# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The entry endpoints of the AR REST API (/api/arsys/v1/entry/...): list, get, create, update, delete.

A mixin of ARClient, which brings the transport (session, authentication, retries); kept apart so that
each stays readable. It knows entries and forms, nothing of users.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, unquote, urlsplit

from ansible_collections.helix.users.plugins.module_utils.errors import HelixAPIError

ENTRY_PATH = '/api/arsys/v1/entry/'


def fields_param(fields):
    """The fields= parameter of a list of field names or ids (None: every field)."""
    if not fields:
        return None
    return 'values(%s)' % ','.join(fields)


def last_segment(url):
    """The last path segment of a URL, decoded: the entry id of a self link or a Location header."""
    return unquote(urlsplit(url).path.rstrip('/').rsplit('/', 1)[-1])


class EntryCalls(object):
    """Entry endpoints on top of the client's request() and request_json() (see ARClient; its create_entry
    lives beside the retry loop it steers)."""

    @staticmethod
    def form_path(form, entry_id_=None):
        path = ENTRY_PATH + quote(form, safe='')
        if entry_id_ is not None:
            path += '/' + quote(str(entry_id_), safe='')
        return path

    def list_pages(self, form, q=None, fields=None, sort=None, page_size=500, limit=0, ahead=False):
        """Yield the entries matching q as lists, one per request.

        Pages continue until a page is empty or has no _links.next: a server cap (Maximum Entries
        Returned by GetList) can return a short page while more rows exist. The offset advances by
        what was received, not by what was asked for.

        :param ahead: ask for the next page while the caller works on this one (its offset is known as soon
            as this page arrives), so that the tenant's time and ours overlap; for callers that read to the
            end: one that stops early has had one page more read.
        """
        offset = 0
        page_size = max(1, int(page_size))

        def page_at(at):
            return self._list_page(form, q, fields, sort, at, page_size if not limit else min(page_size, limit - at))
        pool = ThreadPoolExecutor(max_workers=1) if ahead else None
        pending = None
        try:
            while True:
                entries, more = pending.result() if pending is not None else page_at(offset)
                offset += len(entries)
                more = more and bool(entries) and not (limit and offset >= limit)
                pending = pool.submit(page_at, offset) if more and pool is not None else None
                if entries:
                    yield entries
                if not more:
                    return
        finally:
            if pool is not None:
                pool.shutdown(wait=True)  # a page still on its way is waited for, and its answer dropped

    def _list_page(self, form, q, fields, sort, offset, want):
        """(entries, whether a next page may exist) of one list request."""
        params = dict(q=q or None, fields=fields_param(fields), sort=sort or None, offset=offset, limit=want)
        body = self.request_json('GET', self.form_path(form), params=params,
                                 operation='Listing form %r%s' % (form, ' with q=%s' % q if q else ''))
        if not isinstance(body, dict) or not isinstance(body.get('entries', []), list):
            raise HelixAPIError('Listing form %r: the answer is JSON but not an entry list (%s)' % (
                form, type(body).__name__))
        links = body.get('_links')
        # No _links at all (older servers, the guide's shape): go on until an empty page.
        return body.get('entries') or [], not (isinstance(links, dict) and not links.get('next'))

    def list_entries(self, form, q=None, fields=None, sort=None, page_size=500, limit=0, ahead=False):
        """Yield the entries matching q, across all pages (see list_pages)."""
        for page in self.list_pages(form, q=q, fields=fields, sort=sort, page_size=page_size, limit=limit, ahead=ahead):
            yield from page

    def get_entry(self, form, entry_id_, fields=None):
        """The values of the entry at an id (fields=None: every field), or None when there is none (404)."""
        try:
            body = self.request_json('GET', self.form_path(form, entry_id_), params=dict(fields=fields_param(fields)),
                                     operation='Reading %s entry %s' % (form, entry_id_))
        except HelixAPIError as exc:
            if exc.status == 404:
                return None
            raise
        if not isinstance(body, dict):
            raise HelixAPIError('Reading %s entry %s: the answer is JSON but not an entry (%s)' % (
                form, entry_id_, type(body).__name__))
        return body

    def update_entry(self, form, entry_id_, values):
        # a 404 is a failure: the entry moved, or was never at this id
        self.request('PUT', self.form_path(form, entry_id_), body={'values': values}, ok=(200, 204),
                     operation='Updating %s entry %s' % (form, entry_id_))

    def delete_entry(self, form, entry_id_):
        # a 404 is a failure, never "deleted": the entry was never at this id (or a lost try deleted it: the
        # error then says the outcome is unknown)
        self.request('DELETE', self.form_path(form, entry_id_), ok=(200, 204),
                     operation='Deleting %s entry %s' % (form, entry_id_))
