"""In-memory User and Group forms: write validation, indexes, queries and rendering.

Stored values use the server's types (selection -> index, date -> epoch seconds,
Password -> salted hash); rendering turns them into what the REST API returns
(labels, ISO dates, "***").
"""

import copy
import hashlib
import hmac
import os
import threading
import time

from .errors import (ARError, BAD_REQUEST, BAD_VALUE, DUPLICATE, ENTRY_MISSING, FIELD_NO_ACCESS, FORM_MISSING,
                     FORM_NO_ACCESS, NO_SUCH_FIELD, READ_ONLY, REQUIRED_MISSING)
from .forms import BULK_GROUP_IDS, GROUP_FORM, SEED_GROUPS, SEED_USERS, USER_FORM, USER_FORMS, FormDef
from .itsm_forms import ITSM_FORMS, ITSM_GROUPS, SEED as ITSM_SEED
from .people import PeopleWorkflow
from .grammar import BadValueError, QualificationError, compile_qualification, equality_sets, parse, selection_index

SYSTEM_USER = "Demo"


def iso(epoch):
    """AR REST date format, e.g. 2026-11-27T08:45:00.000+0000."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(epoch))


def hash_password(password):
    salt = os.urandom(8).hex()
    return salt + "$" + hashlib.sha256((salt + password).encode()).hexdigest()


def check_password(stored, password):
    if stored is None:
        return password == ""  # AR lets a user without a password in with an empty one
    salt, digest = stored.split("$", 1)
    return hmac.compare_digest(digest, hashlib.sha256((salt + password).encode()).hexdigest())


_UNRENDERED = object()


def _detached(row):
    """A copy of a rendered row that callers may change without touching the cache."""
    return {name: copy.deepcopy(value) if isinstance(value, (dict, list)) else value for name, value in row.items()}


class FormData:
    """Entries of one form, with a rendering cache and (User form) a Login Name index."""

    def __init__(self, definition):
        self.base = definition      # as defined; definition is what the settings make of it now (labels, drop_fields)
        self.definition = definition
        self.entries = {}       # entry id (field 1) -> stored values; insertion order is id order
        self.rendered = {}      # entry id -> API values, dropped whenever the entry changes
        self.next_number = 1

    def new_id(self):
        prefix = self.definition.id_prefix
        entry_id = f"{prefix}{self.next_number:0{15 - len(prefix)}d}"
        self.next_number += 1
        return entry_id


class EntryStore:
    """All form data behind one lock; every public method is safe to call from any thread."""

    def __init__(self, settings):
        self.settings = settings
        self.lock = threading.RLock()
        self.forms = {}
        self.logins = {}        # folded Login Name -> [Request ID]; rebuilt when case rule changes
        self._folded = not settings.case_sensitive
        self.workflow = PeopleWorkflow(self)
        # called as listener(form, event, entry id) after each committed write, workflow writes included (webhooks)
        self.listener = None
        self._trimmed = {}      # (form definition, dropped field names) -> the definition without them
        self.reset()

    # ------------------------------------------------------------ set-up

    def reset(self):
        with self.lock:
            self.forms = {"User": FormData(USER_FORMS[self.settings.status_labels]), "Group": FormData(GROUP_FORM)}
            self.logins = {}
            self._folded = not self.settings.case_sensitive
            self._seed_groups(SEED_GROUPS + (ITSM_GROUPS if self.settings.itsm else ()))
            for seed in SEED_USERS:
                seed = dict(seed)
                password = self.settings.admin_users.get(seed["Login Name"])
                if password:
                    seed["Password"] = password
                self.create("User", seed, SYSTEM_USER, seeding=True)
            if self.settings.itsm:
                self._seed_itsm()

    def _seed_groups(self, seeds):
        groups = self.forms["Group"]
        for name, group_id, long_name, group_type in seeds:
            values = {"Group Name": name, "Group ID": group_id, "Long Group Name": long_name,
                      "Group Type": group_type, "Group Category": 0}
            self._insert(groups, values, SYSTEM_USER)

    def _seed_itsm(self):
        """The ITSM forms and their seed rows, written through create() so the People workflow runs."""
        for definition in ITSM_FORMS:
            self.forms[definition.name] = FormData(definition)
        for definition in ITSM_FORMS:
            for seed in ITSM_SEED[definition.name]:
                self.create(definition.name, seed, SYSTEM_USER, seeding=True)

    def seed_users(self, count, prefix="user", password=None):
        """Add count valid users prefix00001.. quickly, bypassing per-field validation."""
        with self.lock:
            users = self.forms["User"]
            index = self._login_index()
            start = 1
            while self._key(f"{prefix}{start:05d}") in index:
                start += 1
            now = int(time.time())
            history = {0: {"user": SYSTEM_USER, "timestamp": iso(now)}}
            for number in range(start, start + count):
                login = f"{prefix}{number:05d}"
                if self._key(login) in index:
                    raise ValueError(f"user {login} already exists")
                values = {f.name: f.default for f in USER_FORM.fields}
                values.update({
                    "Login Name": login, "Full Name": f"{prefix.title()} {number:05d}",
                    "First Name": prefix.title(), "Last Name": f"{number:05d}",
                    "Email Address": f"{login}@example.com", "License Type": 0 if number % 3 == 0 else 1,
                    "Group List": BULK_GROUP_IDS[number % len(BULK_GROUP_IDS)] + ";",
                    "Password": hash_password(password) if password else None,
                    "Status History": history,
                })
                self._insert(users, values, SYSTEM_USER, now)
            return count

    # ------------------------------------------------------------ reads

    def form(self, name):
        form = self.forms.get(name)
        if form is None:
            raise ARError(404, FORM_MISSING, name)
        self._follow_settings(form)
        return form

    def _follow_settings(self, form):
        """Give a form the definition the settings ask for now: the User form's Status labels, and without the
        fields drop_fields removes (a customised or older form). Stored values stay; only what is shown changes."""
        wanted = USER_FORMS[self.settings.status_labels] if form.base.name == "User" else form.base
        dropped = frozenset(field for name, field in self.dropped_fields() if name == form.base.name)
        if dropped:
            key = (wanted, dropped)
            if key not in self._trimmed:
                kept = [field for field in wanted.fields if field.name not in dropped or field.id == 1]
                self._trimmed[key] = FormDef(wanted.name, kept, wanted.writable, wanted.id_prefix)
            wanted = self._trimmed[key]
        if form.definition is not wanted:
            form.definition = wanted
            form.rendered.clear()

    def dropped_fields(self):
        """[(form name, field name)] of the drop_fields setting ("Form=Field" each)."""
        return [tuple(part.strip() for part in item.split("=", 1)) for item in self.settings.drop_fields if "=" in item]

    def field_definitions(self, form_name, field_refs=None):
        """The definitions of a form's fields (all, or those named or numbered by field_refs), as the form has
        them now; ARError 303 when there is no such form."""
        with self.lock:
            fields = self.form(form_name).definition.fields
            if field_refs:
                wanted = {str(ref).strip() for ref in field_refs}
                fields = [field for field in fields if str(field.id) in wanted or field.name in wanted]
            return list(fields)

    def list_page(self, form_name, qualification, field_refs, sort, offset, size, user):
        """One page of rendered entries: ([(id, values)], more_rows_exist)."""
        with self.lock:
            form = self.form(form_name)
            names = self._field_names(form, field_refs)
            order = self._sort_keys(form, sort)
            rows = self._matching(form, qualification, user)
            for name, descending in reversed(order):
                rows.sort(key=self._sort_key(form.definition.field(name)), reverse=descending)
            page = rows[offset:offset + size] if size else rows[offset:]
            id_name = form.definition.id_name
            fields = self._fields_of(form, names)  # looked up once per page, not once per entry and field
            result = [(v[id_name], self._render(form, v, names, fields)) for v in page]
            return result, offset + len(page) < len(rows)

    def get(self, form_name, entry_id, field_refs=None):
        with self.lock:
            form = self.form(form_name)
            names = self._field_names(form, field_refs)
            values = form.entries.get(self._entry_id(form, entry_id))
            if values is None:
                raise ARError(404, ENTRY_MISSING, f"{form_name} {entry_id}")
            return self._render(form, values, names)

    def request_id(self, form_name, entry_id):
        """The Request ID an entry URL's {id} stands for (see login_name_ids)."""
        with self.lock:
            return self._entry_id(self.form(form_name), entry_id)

    def rows(self, form_name):
        """All entries of a form, rendered (copies)."""
        with self.lock:
            form = self.form(form_name)
            return [_detached(self._render(form, values)) for values in form.entries.values()]

    def user(self, login):
        with self.lock:
            values = self._user_values(login)
            return None if values is None else _detached(self._render(self.form("User"), values))

    def authenticate(self, login, password):
        """'ok', 'bad' (known user, wrong password or not Current) or 'unknown', and the stored login."""
        with self.lock:
            values = self._user_values(login)
            if values is None:
                return "unknown", login
            if values["Status"] != 0 or not check_password(values["Password"], password):
                return "bad", values["Login Name"]
            return "ok", values["Login Name"]

    def password_matches(self, login, password):
        with self.lock:
            values = self._user_values(login)
            return values is not None and values["Password"] is not None and check_password(values["Password"], password)

    # ------------------------------------------------------------ writes

    def create(self, form_name, raw, user, seeding=False):
        """Validate and insert; return the new entry id. Seeding skips field permissions."""
        with self.lock:
            form = self._writable(form_name)
            changes = self._convert(form, raw, check_permissions=not seeding)
            values = {f.name: f.default for f in form.definition.fields}
            values.update(changes)
            for field in form.definition.fields:
                if field.required and values.get(field.name) is None:
                    raise ARError(400, REQUIRED_MISSING, f"{field.name} ({field.id})")
            self.workflow.before_write(form_name, values, None)
            self._check_unique(form, values, None)
            entry_id = self._insert(form, values, user)
            self.workflow.after_write(form_name, None, values, user)
            if not seeding:
                self._changed(form_name, "create", entry_id)
            return entry_id

    def update(self, form_name, entry_id, raw, user):
        with self.lock:
            form = self._writable(form_name)
            entry_id = self._entry_id(form, entry_id)
            old = form.entries.get(entry_id)
            if old is None:
                raise ARError(404, ENTRY_MISSING, f"{form_name} {entry_id}")
            changes = self._convert(form, raw)
            for name, value in changes.items():
                field = form.definition.field(name)
                if field.required and value is None:
                    raise ARError(400, REQUIRED_MISSING, f"{field.name} ({field.id}) cannot be cleared")
            new = {**old, **changes}
            self.workflow.before_write(form_name, new, old)
            self._check_unique(form, new, entry_id)
            self._replace(form, entry_id, new, user)
            self.workflow.after_write(form_name, old, form.entries[entry_id], user)
            self._changed(form_name, "update", entry_id)

    def delete(self, form_name, entry_id, user=SYSTEM_USER):
        with self.lock:
            form = self._writable(form_name)
            if form_name == "User" and not self.settings.delete_allowed:
                raise ARError(403, FORM_NO_ACCESS, "delete is not allowed on the User form")
            values = self._remove(form, self._entry_id(form, entry_id))
            if values is None:
                raise ARError(404, ENTRY_MISSING, f"{form_name} {entry_id}")
            self.workflow.after_delete(form_name, values, user)
            self._changed(form_name, "delete", values[form.definition.id_name])

    # ------------------------------------------------------------ writes of workflow (no validation, no hooks)

    def entries_where(self, form_name, equal):
        """Stored entries (the live dicts: read only) whose fields equal these values (a dict), by the case rule."""
        wanted = {name: self.fold(value) for name, value in equal.items()}
        return [values for values in self.forms[form_name].entries.values()
                if all(self.fold(values.get(name)) == value for name, value in wanted.items())]

    def set_fields(self, form_name, entry_id, changes, user):
        """Store changes (stored types) into one entry as a server-side workflow would."""
        form = self.forms[form_name]
        self._replace(form, entry_id, {**form.entries[entry_id], **changes}, user)
        self._changed(form_name, "update", entry_id)

    def insert_entry(self, form_name, changes, user):
        """A new entry from stored values plus the form's defaults; returns its id."""
        form = self.forms[form_name]
        values = {f.name: f.default for f in form.definition.fields}
        values.update(changes)
        entry_id = self._insert(form, values, user)
        self._changed(form_name, "create", entry_id)
        return entry_id

    def remove_entry(self, form_name, entry_id):
        if self._remove(self.forms[form_name], entry_id) is not None:
            self._changed(form_name, "delete", entry_id)

    def _changed(self, form_name, event, entry_id):
        if self.listener is not None:
            self.listener(form_name, event, entry_id)

    def backdate(self, form_name, entry_id, epoch):
        """Set an entry's Modified Date (epoch seconds) as if nobody had touched it since then."""
        with self.lock:
            form = self.forms[form_name]
            form.entries[entry_id]["Modified Date"] = int(epoch)
            form.rendered.pop(entry_id, None)

    def user_values(self, login):
        """The stored User entry of a Login Name (by the case rule), or None."""
        return self._user_values(login)

    # ------------------------------------------------------------ helpers

    def _writable(self, form_name):
        form = self.form(form_name)
        if not form.definition.writable:
            raise ARError(403, FORM_NO_ACCESS, f"the {form_name} form is read-only for this user")
        return form

    def _entry_id(self, form, entry_id):
        """The Request ID an entry URL names: itself, or (login_name_ids, User form) a Login Name's entry."""
        if entry_id in form.entries or not self.settings.login_name_ids or form.definition.name != "User":
            return entry_id
        holders = self._login_index().get(self._key(entry_id), ())
        return holders[0] if holders else entry_id

    def _replace(self, form, entry_id, new, user):
        """Store new as the entry's values: Modified Date and By, Status History, indexes, cache."""
        old = form.entries[entry_id]
        now = int(time.time())
        new["Last Modified By"], new["Modified Date"] = user, now
        if "Status History" in new and new.get("Status") != old.get("Status"):
            new["Status History"] = {**(old.get("Status History") or {}),
                                     new["Status"]: {"user": user, "timestamp": iso(now)}}
        self._unindex(form, old)
        form.entries[entry_id] = new
        form.rendered.pop(entry_id, None)
        self._index(form, new)

    def _remove(self, form, entry_id):
        """Drop an entry; its stored values, or None when there was none."""
        values = form.entries.pop(entry_id, None)
        if values is not None:
            form.rendered.pop(entry_id, None)
            self._unindex(form, values)
        return values

    def _insert(self, form, values, user, now=None):
        now = int(time.time()) if now is None else now
        entry_id = form.new_id()
        values.update({form.definition.id_name: entry_id, "Submitter": user, "Create Date": now,
                       "Last Modified By": user, "Modified Date": now})
        status = form.definition.field("Status History")
        if status and values.get("Status History") is None:
            values["Status History"] = {values["Status"]: {"user": user, "timestamp": iso(now)}}
        form.entries[entry_id] = values
        self._index(form, values)
        return entry_id

    def _convert(self, form, raw, check_permissions=True):
        """API values -> stored values, raising the AR error a tenant gives for bad input."""
        if not isinstance(raw, dict):
            raise ARError(400, BAD_REQUEST, 'the body must be {"values": {...}}')
        fields = []
        for ref in raw:
            field = form.definition.field(ref)
            if field is None:
                raise ARError(400, NO_SUCH_FIELD, f"'{ref}' is not a field of form {form.definition.name}")
            fields.append((field, raw[ref]))
        forbidden = set(self.settings.forbidden_fields) if check_permissions else set()
        for field, unused_value in fields:
            if field.readonly:
                raise ARError(400, READ_ONLY, f"{field.name} ({field.id})")
            if field.name in forbidden or str(field.id) in forbidden:
                # A field permission, answered as AR does: 400 with message 333, the field appended.
                raise ARError(400, FIELD_NO_ACCESS, field.name)
        return {field.name: self._convert_value(field, value) for field, value in fields}

    def _convert_value(self, field, value):
        if value is None or value == "":
            return None
        kind = field.kind
        try:
            if kind == "selection":
                return selection_index(field, value)
            if kind == "grouplist":
                return self._group_list(value)
            if isinstance(value, (dict, list, bool)):
                raise BadValueError(f"{field.name}: {value!r}")
            if kind == "password":
                return hash_password(str(value))
            if kind == "integer":
                return int(value)
            return str(value)
        except BadValueError as exc:
            raise ARError(400, BAD_VALUE, exc.message) from None
        except ValueError:
            raise ARError(400, BAD_VALUE, f"{field.name}: {value!r}") from None

    def _group_list(self, value):
        """Group List from a ';' string or a JSON array, per group_list_mode."""
        if isinstance(value, list):
            tokens = [str(item).strip() for item in value]
        elif isinstance(value, (str, int)):
            tokens = str(value).split(";")
        else:
            raise BadValueError(f"Group List: {value!r}")
        if self.settings.group_list_mode == "as-written":
            text = value if isinstance(value, str) else ";".join(tokens)
            return text or None
        by_id, by_name = {}, {}
        for group in self.forms["Group"].entries.values():
            by_id[str(group["Group ID"])] = str(group["Group ID"])
            by_name[group["Group Name"].casefold()] = str(group["Group ID"])
        ids = []
        for token in (t.strip() for t in tokens):
            if not token:
                continue
            group_id = by_id.get(token) or by_name.get(token.casefold())
            if group_id is None:
                raise BadValueError(f"Group List: no such group '{token}'")
            ids.append(group_id)
        return "".join(i + ";" for i in ids) or None

    def _check_unique(self, form, values, entry_id):
        if form.definition.name != "User":
            self._check_unique_fields(form, values, entry_id)
            return
        holders = self._login_index().get(self._key(values["Login Name"]), ())
        if any(holder != entry_id for holder in holders):
            raise ARError(400, DUPLICATE, f"Login Name (101) = '{values['Login Name']}'")

    def _check_unique_fields(self, form, values, entry_id):
        """Fields marked unique (other than the User form's indexed Login Name): 382 when another entry holds the value."""
        for field in form.definition.fields:
            value = values.get(field.name)
            if not field.unique or value is None:
                continue
            key = self.fold(value)
            if any(other_id != entry_id and self.fold(other.get(field.name)) == key
                   for other_id, other in form.entries.items()):
                raise ARError(400, DUPLICATE, f"{field.name} ({field.id}) = '{value}'")

    def fold(self, value):
        """A value as the server's case rule compares it (strings casefolded when case_sensitive is off)."""
        if isinstance(value, str) and not self.settings.case_sensitive:
            return value.casefold()
        return value

    # The Login Name index: folded keys when comparisons are case-insensitive.

    def _key(self, login):
        return login.casefold() if self._folded else login

    def _login_index(self):
        if self._folded == self.settings.case_sensitive:
            self._folded = not self.settings.case_sensitive
            self.logins = {}
            for values in self.forms["User"].entries.values():
                self.logins.setdefault(self._key(values["Login Name"]), []).append(values["Request ID"])
        return self.logins

    def _index(self, form, values):
        if form.definition.name == "User":
            self._login_index().setdefault(self._key(values["Login Name"]), []).append(values["Request ID"])

    def _unindex(self, form, values):
        if form.definition.name == "User":
            key = self._key(values["Login Name"])
            holders = [h for h in self._login_index().get(key, ()) if h != values["Request ID"]]
            if holders:
                self.logins[key] = holders
            else:
                self.logins.pop(key, None)

    def _user_values(self, login):
        if not isinstance(login, str):
            return None
        users = self.forms["User"]
        for entry_id in self._login_index().get(self._key(login), ()):
            return users.entries[entry_id]
        return None

    def _matching(self, form, qualification, user):
        """Stored rows matching q, in Request ID order; uses an index when q pins Request ID or Login Name."""
        if not qualification or not qualification.strip():
            return list(form.entries.values())
        try:
            node = parse(qualification)
            predicate = compile_qualification(node, form.definition, user=user,
                                              case_sensitive=self.settings.case_sensitive)
        except QualificationError as exc:
            detail = exc.field if exc.number == NO_SUCH_FIELD else exc.message
            raise ARError(400, exc.number, detail) from None
        rows = self._candidates(form, node)
        if rows is None:
            rows = form.entries.values()
        return [values for values in rows if predicate(values)]

    def _candidates(self, form, node):
        def canonical(ref):
            field = form.definition.field(ref)
            return field.name if field else None
        pinned = equality_sets(node, canonical)
        if pinned is None:
            return None
        name, literals = pinned
        if name == form.definition.id_name:
            ids = [lit for lit in literals if lit in form.entries]
        elif name == "Login Name" and form.definition.name == "User":
            index = self._login_index()
            keys = {self._key(literal) for literal in literals}
            ids = [entry_id for key in keys for entry_id in index.get(key, ())]
        else:
            return None
        return [form.entries[i] for i in sorted(set(ids))]

    def _field_names(self, form, refs):
        if not refs:
            return None
        names = []
        for ref in refs:
            field = form.definition.field(ref)
            if field is None:
                raise ARError(400, NO_SUCH_FIELD, ref)
            names.append(field.name)
        return names

    def _sort_keys(self, form, sort):
        order = []
        for part in (p.strip() for p in (sort or "").split(",")):
            if not part:
                continue
            name, direction = part.rpartition(".")[::2]
            if direction.lower() not in ("asc", "desc"):
                name, direction = part, "asc"
            field = form.definition.field(name.strip())
            if field is None:
                raise ARError(400, NO_SUCH_FIELD, name.strip())
            order.append((field.name, direction.lower() == "desc"))
        return order

    def _sort_key(self, field):
        name, fold = field.name, field.kind in ("char", "grouplist") and not self.settings.case_sensitive

        def key(values):
            value = values.get(name)
            if value is None:
                return (False, "")
            return (True, value.casefold() if fold else value)
        return key

    @staticmethod
    def _history(form, history):
        """Status History keyed by the Status labels in force (an index without a label stays a number)."""
        labels = form.definition.field("Status").labels
        return {str(labels.get(index, index)): dict(change) for index, change in history.items()}

    @staticmethod
    def _fields_of(form, names):
        """[(name, FieldDef)] of the names a read asks for (None: every field of the form)."""
        if names is None:
            return [(field.name, field) for field in form.definition.fields]
        return [(name, form.definition.field(name)) for name in names]

    def _render(self, form, values, names=None, fields=None):
        """API-shaped values; names selects fields (fields: their _fields_of, when the caller has them). Each field
        is rendered once per entry, when first asked for (cached until the entry changes): a page of seven fields
        need not render dates and histories it omits."""
        entry_id = values[form.definition.id_name]
        cached = form.rendered.get(entry_id)
        if cached is None:
            cached = form.rendered[entry_id] = {}
        shown = {}
        for name, field in fields or self._fields_of(form, names):
            value = cached.get(name, _UNRENDERED)
            if value is _UNRENDERED:
                value = cached[name] = self._rendered_value(form, field, values.get(name))
            shown[name] = value
        return shown

    def _rendered_value(self, form, field, value):
        if value is None:
            return None
        if field.kind == "selection":
            return field.labels.get(value, value)
        if field.kind == "date":
            return iso(value)
        if field.kind == "password":
            return "***"
        if field.kind == "history":
            return self._history(form, value)
        return value
