"""Field definitions of the User and Group forms, and the seeded initial data."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class FieldDef:  # pylint: disable=too-many-instance-attributes
    """One form field. kind: char, grouplist, selection, integer, date, object, password, history.

    history (Status History) is stored as {status index: {"user", "timestamp"}} and read with
    the Status labels as keys.
    """

    name: str
    id: int
    kind: str = "char"
    labels: dict = None          # selection: index -> label
    required: bool = False
    readonly: bool = False       # set by the server only (Request ID, dates, history...)
    default: object = None       # stored value used on create when the field is not given
    unique: bool = False         # no two entries hold the same value (nulls excepted); User's Login Name has its own index


class FormDef:
    """A form: ordered fields, found by exact name or by numeric id ('101').

    Field 1 is the entry id, whatever its name (Request ID, Person ID...); new ids are
    id_prefix followed by a number, 15 characters in all (000000000000001, PPL000000000001).
    """

    def __init__(self, name, field_defs, writable=True, id_prefix=""):
        self.name = name
        self.fields = tuple(field_defs)
        self.writable = writable
        self.id_prefix = id_prefix
        self._by_name = {f.name: f for f in self.fields}
        self._by_id = {str(f.id): f for f in self.fields}
        self.id_name = self._by_id["1"].name

    def field(self, ref):
        """The FieldDef named or numbered by ref, or None."""
        ref = str(ref)
        return self._by_name.get(ref) or self._by_id.get(ref.strip())


# Status labels of the User form, by the status_labels setting: real User forms have two,
# the third-party guide documents four. Entries store the index, so either set reads them.
STATUS_LABELS = {
    "real": {0: "Current", 1: "Disabled"},
    "guide": {0: "Current", 1: "Obsolete", 2: "Proposed", 3: "Deleted"},
}
NOTIFY = {0: "None", 1: "Alert", 2: "Email"}
LICENSE = {0: "Read", 1: "Fixed", 2: "Floating", 3: "Restricted Read"}
FULL_TEXT_LICENSE = {0: "None", 1: "Fixed", 2: "Floating"}
GROUP_TYPE = {0: "None", 1: "View", 2: "Change"}
GROUP_CATEGORY = {0: "Regular", 1: "Dynamic", 2: "Computed"}

# Fields every AR form has; the server fills them in.
_CORE = (
    FieldDef("Request ID", 1, readonly=True),
    FieldDef("Submitter", 2, readonly=True),
    FieldDef("Create Date", 3, kind="date", readonly=True),
    FieldDef("Assigned To", 4),
    FieldDef("Last Modified By", 5, readonly=True),
    FieldDef("Modified Date", 6, kind="date", readonly=True),
)

USER_FORM = FormDef("User", _CORE + (
    FieldDef("Status", 7, kind="selection", labels=STATUS_LABELS["guide"], default=0),
    FieldDef("Full Name", 8, required=True),
    FieldDef("Status History", 15, kind="history", readonly=True),
    FieldDef("Login Name", 101, required=True),
    FieldDef("Password", 102, kind="password"),
    FieldDef("Email Address", 103),
    FieldDef("Group List", 104, kind="grouplist"),
    FieldDef("Default Notify Mechanism", 108, kind="selection", labels=NOTIFY, default=1),
    FieldDef("License Type", 109, kind="selection", labels=LICENSE, required=True),
    FieldDef("Full Text License Type", 110, kind="selection", labels=FULL_TEXT_LICENSE, default=0),
    # 117 is the authentication user name, 118 the Auth String (the authString of external authentication)
    FieldDef("Authentication Login Name", 117),
    FieldDef("Auth String", 118),
    FieldDef("Company", 1000000001),
    FieldDef("Department", 200000006),
    FieldDef("Last Name", 1000000018),
    FieldDef("First Name", 1000000019),
    FieldDef("Locale", 1000000020),
    FieldDef("Time Zone", 1000000021),
    FieldDef("Phone Number", 1000000056),
))


def _with_status_labels(form, labels):
    """A copy of form whose Status selection has these labels."""
    return FormDef(form.name, (replace(f, labels=labels) if f.name == "Status" else f for f in form.fields),
                   form.writable, form.id_prefix)


# The User form under each status_labels choice (USER_FORM itself has the guide's labels).
USER_FORMS = {choice: _with_status_labels(USER_FORM, labels) for choice, labels in STATUS_LABELS.items()}

GROUP_FORM = FormDef("Group", _CORE + (
    FieldDef("Long Group Name", 8),
    FieldDef("Group Name", 105, required=True),
    FieldDef("Group ID", 106, kind="integer", required=True),
    FieldDef("Group Type", 107, kind="selection", labels=GROUP_TYPE, default=0),
    FieldDef("Group Category", 120, kind="selection", labels=GROUP_CATEGORY, default=0),
), writable=False)

# (Group Name, Group ID, Long Group Name, Group Type index)
SEED_GROUPS = (
    ("Public", 0, "Public: every user", 1),
    ("Administrator", 1, "AR System administrators", 2),
    ("Customize", 2, "Users who may customise their views", 2),
    ("Sub Administrator", 3, "AR System sub-administrators", 2),
    ("Struct Admin", 4, "Structure administrators", 2),
    ("Struct Subadmin", 5, "Structure sub-administrators", 2),
    ("Service Desk", 1000000001, "Service Desk agents", 2),
    ("Incident Master", 1000000002, "Incident management masters", 2),
    ("Change Manager", 1000000003, "Change managers", 2),
    ("Asset Admin", 1000000004, "Asset administrators", 2),
    ("Knowledge User", 1000000005, "Knowledge base readers", 1),
    ("Problem Viewer", 1000000006, "Problem management viewers", 1),
    ("Service Request User", 1000000007, "Service request users", 1),
)

# Seeded users as API-style values (labels); Demo's Password comes from admin_users.
# Status is an index: asmith is deactivated and reads "Disabled" or "Obsolete" by status_labels.
SEED_USERS = (
    {"Login Name": "Demo", "Full Name": "Demo", "First Name": "Demo", "Last Name": "User",
     "Email Address": "demo@example.com", "License Type": "Fixed", "Group List": "1;", "Status": "Current"},
    {"Login Name": "jdoe", "Full Name": "John Doe", "First Name": "John", "Last Name": "Doe",
     "Email Address": "jdoe@example.com", "License Type": "Fixed", "Group List": "1000000001;", "Status": "Current"},
    {"Login Name": "asmith", "Full Name": "Alice Smith", "First Name": "Alice", "Last Name": "Smith",
     "Email Address": "asmith@example.com", "License Type": "Read", "Status": 1},
)

# Groups handed out round-robin to bulk-seeded users.
BULK_GROUP_IDS = ("1000000001", "1000000005", "1000000007", "1000000002", "1000000006")
