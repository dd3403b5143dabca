"""The Helix ITSM People workflow: what the server refuses before a write and does after it.

People -> User, one way: a People save writes the User entry of its Remedy Login ID, and the
person's enabled permission-group rows are that User's Group List. A direct User write leaves
People alone. For every form outside the ITSM set the workflow does nothing.
"""

from .errors import (DUPLICATE, INVALID_LOGIN_ID, LICENSE_NEEDED, NO_SUCH_PERMISSION_GROUP, NO_SUCH_PERSON,
                     NO_SUCH_SUPPORT_GROUP, NOT_IN_SUPPORT_GROUP, NOT_SUPPORT_STAFF, REQUIRED_MISSING,
                     SUPPORT_STAFF_NEEDS_LOGIN, UNKNOWN_COMPANY, ARError)
from .itsm_forms import (COMPANIES, FUNCTIONAL_ROLE, LOGIN_ID_FORBIDDEN_CHARACTERS, LOGIN_ID_FORBIDDEN_NAMES,
                         NEEDED_LICENSE, PEOPLE, PERMISSION_GROUPS, PERMISSION_MAP, READ_LICENSE, ROW_ENABLED,
                         SATISFYING_LICENSES, SUPPORT_ASSOCIATION, SUPPORT_GROUP, YES)

USER_CURRENT, USER_DISABLED = 0, 1


def _left_support(old, new):
    """This write turns a support staff person into a non-support one."""
    return old is not None and old["Support Staff"] == YES and new["Support Staff"] != YES


_GROUP_FIELDS = ("Permission Group ID", "Permission Group", "Permission Group Type")


def _group_named(values, old):
    """What a permission-group row names its group by. On update, the fields the write changed win:
    the stored others were filled from the old group and do not count."""
    named = {name: values[name] for name in _GROUP_FIELDS}
    changed = {name: value for name, value in named.items() if old is not None and value != old[name]}
    return {name: changed.get(name) for name in _GROUP_FIELDS} if changed else named


def _check_login_id(login):
    forbidden = any(character in login for character in LOGIN_ID_FORBIDDEN_CHARACTERS)
    if forbidden or login.casefold() in {name.casefold() for name in LOGIN_ID_FORBIDDEN_NAMES}:
        raise ARError(400, INVALID_LOGIN_ID, f"Remedy Login ID (4) = '{login}'")


class PeopleWorkflow:
    """Filters of the ITSM forms, called by the store around each client (and seed) write."""

    def __init__(self, store):
        self.store = store
        self._checks = {PEOPLE: self._check_person, PERMISSION_GROUPS: self._check_permission_row,
                        SUPPORT_ASSOCIATION: self._check_association, FUNCTIONAL_ROLE: self._check_functional_role}
        self._effects = {PEOPLE: self._person_written, PERMISSION_GROUPS: self._permission_row_written}
        self._deletions = {PEOPLE: self._person_deleted, PERMISSION_GROUPS: self._permission_row_deleted}

    def before_write(self, form_name, values, old):
        """Refuse (ARError) or complete values (stored types) about to be created (old None) or updated."""
        check = self._checks.get(form_name)
        if check:
            check(values, old)

    def after_write(self, form_name, old, new, user):
        effect = self._effects.get(form_name)
        if effect:
            effect(old, new, user)

    def after_delete(self, form_name, values, user):
        effect = self._deletions.get(form_name)
        if effect:
            effect(values, user)

    # ------------------------------------------------------------ CTM:People

    def _check_person(self, values, old):
        login = values["Remedy Login ID"]
        if login is not None:
            _check_login_id(login)
        if self.store.fold(values["Company"]) not in {self.store.fold(company) for company in COMPANIES}:
            raise ARError(400, UNKNOWN_COMPANY, f"Company (1000000001) = '{values['Company']}'")
        values["Full Name"] = " ".join(part for part in (values["First Name"], values["Last Name"]) if part)
        if _left_support(old, values):
            values["License Type"] = READ_LICENSE
        if values["Support Staff"] == YES and login is None:
            raise ARError(400, SUPPORT_STAFF_NEEDS_LOGIN, "Remedy Login ID (4)")

    def _person_written(self, old, new, user):
        if _left_support(old, new):
            self._remove_rows(SUPPORT_ASSOCIATION, new["Person ID"])
            self._remove_rows(PERMISSION_GROUPS, new["Person ID"])
        old_login, login = old and old["Remedy Login ID"], new["Remedy Login ID"]
        if old_login is not None and (login is None or self.store.fold(login) != self.store.fold(old_login)):
            self._disable_user(old_login, user)
        if login is not None:
            self._write_user(new, user)

    def _person_deleted(self, values, user):
        self._remove_rows(FUNCTIONAL_ROLE, values["Person ID"])
        self._remove_rows(SUPPORT_ASSOCIATION, values["Person ID"])
        self._remove_rows(PERMISSION_GROUPS, values["Person ID"])
        if values["Remedy Login ID"] is not None:
            self._disable_user(values["Remedy Login ID"], user)

    # ------------------------------------------------------------ CTM:People Permission Groups

    def _check_permission_row(self, values, old):
        person = self._person(values["Person ID"])
        group = self._permission_group(_group_named(values, old))
        values["Permission Group"] = group["Permission Group"]
        values["Permission Group ID"] = group["Permission Group ID"]
        values["Permission Group Type"] = group["Permission Group Type"]
        if values["Login ID"] is None:
            values["Login ID"] = person["Remedy Login ID"]
        satisfying = SATISFYING_LICENSES[group["License Type"]]
        if satisfying is not None and values["License Type"] not in satisfying:
            needed = NEEDED_LICENSE[group["License Type"]]
            raise ARError(400, LICENSE_NEEDED, f"{group['Permission Group']} needs a {needed} license")
        self._refuse_duplicate(PERMISSION_GROUPS, values, old, "Person ID", "Permission Group ID")

    def _permission_group(self, named):
        """The map row named by Permission Group ID or by name; the name and a Type, when given, must agree with it."""
        group_id, name, kind = named["Permission Group ID"], named["Permission Group"], named["Permission Group Type"]
        if group_id is None and name is None:
            raise ARError(400, REQUIRED_MISSING, "Permission Group (1000001578)")
        key = {"Permission Group ID": group_id} if group_id is not None else {"Permission Group": name}
        found = self.store.entries_where(PERMISSION_MAP, key)
        group = found[0] if found else None
        if group is None or (name is not None and self.store.fold(name) != self.store.fold(group["Permission Group"])) \
                or (kind is not None and kind != group["Permission Group Type"]):
            raise ARError(400, NO_SUCH_PERMISSION_GROUP, f"Permission Group '{name}', ID {group_id}, Type {kind}")
        return group

    def _permission_row_written(self, old, new, user):
        for person_id in {new["Person ID"]} | ({old["Person ID"]} if old else set()):
            self._refresh_group_list(person_id, user)

    def _permission_row_deleted(self, values, user):
        self._refresh_group_list(values["Person ID"], user)

    # ------------------------------------------------------------ CTM:Support Group Association

    def _check_association(self, values, old):
        person = self._person(values["Person ID"])
        if person["Support Staff"] != YES:
            raise ARError(400, NOT_SUPPORT_STAFF, f"Person ID {person['Person ID']}")
        if values["Support Group ID"] not in self.store.forms[SUPPORT_GROUP].entries:
            raise ARError(400, NO_SUCH_SUPPORT_GROUP, f"Support Group ID '{values['Support Group ID']}'")
        if values["Login ID"] is None:
            values["Login ID"] = person["Remedy Login ID"]
        if values["Full Name"] is None:
            values["Full Name"] = person["Full Name"]
        self._refuse_duplicate(SUPPORT_ASSOCIATION, values, old, "Person ID", "Support Group ID")

    # ------------------------------------------------------------ CTM:SupportGroupFunctionalRole

    def _check_functional_role(self, values, old):
        person = self._person(values["Person ID"])
        if person["Support Staff"] != YES:
            raise ARError(400, NOT_SUPPORT_STAFF, f"Person ID {person['Person ID']}")
        group_id = values["Support Group ID"]
        if group_id not in self.store.forms[SUPPORT_GROUP].entries:
            raise ARError(400, NO_SUCH_SUPPORT_GROUP, f"Support Group ID '{group_id}'")
        if not self.store.entries_where(SUPPORT_ASSOCIATION, {"Person ID": person["Person ID"],
                                                              "Support Group ID": group_id}):
            raise ARError(400, NOT_IN_SUPPORT_GROUP, f"Person ID {person['Person ID']}, Support Group ID '{group_id}'")
        if values["Login ID"] is None:
            values["Login ID"] = person["Remedy Login ID"]
        if values["FunctionalRoleAlias"] is None:
            values["FunctionalRoleAlias"] = values["Functional Role"]
        self._refuse_duplicate(FUNCTIONAL_ROLE, values, old, "Person ID", "Support Group ID", "Functional Role")

    # ------------------------------------------------------------ shared

    def _person(self, person_id):
        person = self.store.forms[PEOPLE].entries.get(person_id)
        if person is None:
            raise ARError(400, NO_SUCH_PERSON, f"Person ID '{person_id}'")
        return person

    def _refuse_duplicate(self, form_name, values, old, *key_fields):
        """382 when another row holds the same values in key_fields (a unique index over them)."""
        others = [row for row in self.store.entries_where(form_name, {name: values[name] for name in key_fields})
                  if row is not old]
        if others:
            pairs = ", ".join(f"{name} = '{values[name]}'" for name in key_fields)
            raise ARError(400, DUPLICATE, pairs)

    def _remove_rows(self, form_name, person_id):
        id_name = self.store.forms[form_name].definition.id_name  # field 1 is named per form
        for row in self.store.entries_where(form_name, {"Person ID": person_id}):
            self.store.remove_entry(form_name, row[id_name])

    def _group_list(self, person_id):
        """The Group List of a person's enabled permission-group rows: "id;id;" (None when there are none)."""
        ids = []
        for row in self.store.entries_where(PERMISSION_GROUPS, {"Person ID": person_id, "Status": ROW_ENABLED}):
            if str(row["Permission Group ID"]) not in ids:
                ids.append(str(row["Permission Group ID"]))
        return "".join(group_id + ";" for group_id in ids) or None

    def _write_user(self, person, user):
        """Write (create if missing) the User entry of the person's Remedy Login ID."""
        changes = {"Full Name": person["Full Name"], "Email Address": person["Internet E-mail"],
                   "License Type": person["License Type"], "Full Text License Type": person["Full Text License Type"],
                   "Default Notify Mechanism": person["Default Notify Mechanism"], "Status": USER_CURRENT,
                   "Group List": self._group_list(person["Person ID"])}
        existing = self.store.user_values(person["Remedy Login ID"])
        if existing is None:
            self.store.insert_entry("User", {"Login Name": person["Remedy Login ID"], **changes}, user)
        else:
            self.store.set_fields("User", existing["Request ID"], changes, user)

    def _disable_user(self, login, user):
        existing = self.store.user_values(login)
        if existing is not None and existing["Status"] != USER_DISABLED:
            self.store.set_fields("User", existing["Request ID"], {"Status": USER_DISABLED}, user)

    def _refresh_group_list(self, person_id, user):
        person = self.store.forms[PEOPLE].entries.get(person_id)
        existing = person and person["Remedy Login ID"] and self.store.user_values(person["Remedy Login ID"])
        if existing:
            group_list = self._group_list(person_id)
            if existing["Group List"] != group_list:
                self.store.set_fields("User", existing["Request ID"], {"Group List": group_list}, user)
