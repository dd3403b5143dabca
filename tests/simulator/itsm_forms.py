"""The Helix ITSM foundation forms behind the itsm switch: People, sites, permission and support groups.

Field names and the entry ids' shapes follow docs/ar-api.md ("People on Helix ITSM tenants");
field ids other than 1, 4 and 7 are the simulator's own. Seed data is API-style (labels), written
through the same create path as any client write, so the People workflow builds the User entries.
"""

from .forms import FULL_TEXT_LICENSE, LICENSE, NOTIFY, FieldDef, FormDef

PEOPLE = "CTM:People"
SITE = "SIT:Site"
PERMISSION_MAP = "LIC:SYS-License Permission Map"
PERMISSION_GROUPS = "CTM:People Permission Groups"
SUPPORT_GROUP = "CTM:Support Group"
SUPPORT_ASSOCIATION = "CTM:Support Group Association"
FUNCTIONAL_ROLE = "CTM:SupportGroupFunctionalRole"

# The status of foundation records (People's Profile Status, support groups, sites, associations).
RECORD_STATUS = {0: "Proposed", 1: "Enabled", 2: "Offline", 3: "Obsolete", 4: "Archive", 5: "Delete"}
ENABLED = 1
YES_NO = {0: "Yes", 1: "No"}
YES, NO = 0, 1
CLIENT_TYPE = {0: "Office-Based Employee", 1: "Field-Based Employee", 2: "Home-Based Employee",
               3: "Contractor", 4: "Customer", 5: "Prospect", 6: "Vendor"}
READ_LICENSE = 0
# What a permission group needs (the map) and what a person's row for it holds.
NEEDED_LICENSE = {0: "None", 1: "Fixed", 2: "Floating", 3: "Fixed/Floating"}
ROW_LICENSE = {0: "None", 1: "Fixed", 2: "Floating"}
# Map License Type index -> the row License Type indexes that satisfy it (None: any, also empty).
SATISFYING_LICENSES = {0: None, 1: {1}, 2: {2}, 3: {1, 2}}
PERMISSION_GROUP_TYPE = {1: "Application", 2: "Company"}
ROW_STATUS = {0: "Enabled", 1: "Disabled"}
ROW_ENABLED = 0
ASSOCIATION_ROLE = {0: "Member", 1: "Associate Member"}

# Login IDs the People workflow refuses: these characters anywhere, or one of these names (any case).
LOGIN_ID_FORBIDDEN_CHARACTERS = "&?"
LOGIN_ID_FORBIDDEN_NAMES = ("System",)


def _core(id_name, field_4=FieldDef("Assigned To", 4)):
    """Fields every AR form has, with this form's name for field 1 (the entry id)."""
    return (
        FieldDef(id_name, 1, readonly=True),
        FieldDef("Submitter", 2, readonly=True),
        FieldDef("Create Date", 3, kind="date", readonly=True),
        field_4,
        FieldDef("Last Modified By", 5, readonly=True),
        FieldDef("Modified Date", 6, kind="date", readonly=True),
    )


# Site address fields: SIT:Site and CTM:People name them differently (docs/ar-api.md), so a client copies each
# SIT:Site field into its People twin: (SIT:Site field, CTM:People field).
SITE_COPIES = (("Street", "Site Street"), ("City", "Site City"), ("State Province", "Site State Province"),
               ("Zip/Postal Code", "Site Zip/Postal Code"), ("Country", "Site Country"), ("Time Zone", "Time Zone"))
_SITE_ADDRESS = tuple(FieldDef(site, 260000002 + offset) for offset, (site, _people) in enumerate(SITE_COPIES))
_PEOPLE_SITE_ADDRESS = tuple(FieldDef(people, 260000102 + offset) for offset, (_site, people) in enumerate(SITE_COPIES))

PEOPLE_FORM = FormDef(PEOPLE, _core("Person ID", FieldDef("Remedy Login ID", 4, unique=True)) + (
    FieldDef("Profile Status", 7, kind="selection", labels=RECORD_STATUS, default=ENABLED),
    FieldDef("Full Name", 1000000017),
    FieldDef("Last Name", 1000000018, required=True),
    FieldDef("First Name", 1000000019),
    FieldDef("Company", 1000000001, required=True),
    FieldDef("Organization", 1000000010),
    FieldDef("Department", 200000006),
    FieldDef("Internet E-mail", 1000000048),
    FieldDef("Client Type", 1000000022, kind="selection", labels=CLIENT_TYPE, default=0),
    FieldDef("Support Staff", 1000000025, kind="selection", labels=YES_NO, default=NO),
    FieldDef("Assignment Availability", 1000000346, kind="selection", labels=YES_NO, default=YES),
    FieldDef("License Type", 1000000027, kind="selection", labels=LICENSE, default=READ_LICENSE),
    FieldDef("Full Text License Type", 1000000028, kind="selection", labels=FULL_TEXT_LICENSE, default=0),
    FieldDef("Default Notify Mechanism", 1000000029, kind="selection", labels=NOTIFY, default=2),
    FieldDef("Site", 260000001),
    FieldDef("Site ID", 260000000),
) + _PEOPLE_SITE_ADDRESS, id_prefix="PPL")

SITE_FORM = FormDef(SITE, _core("Site ID") + (
    FieldDef("Status", 7, kind="selection", labels=RECORD_STATUS, default=ENABLED),
    FieldDef("Site", 260000001, required=True),
    FieldDef("Company", 1000000001, required=True),
) + _SITE_ADDRESS, id_prefix="STE_")

PERMISSION_MAP_FORM = FormDef(PERMISSION_MAP, _core("Request ID") + (
    FieldDef("Permission Group", 1000001578, required=True, unique=True),
    FieldDef("Permission Group ID", 1000001579, kind="integer", required=True, unique=True),
    FieldDef("License Type", 1000001580, kind="selection", labels=NEEDED_LICENSE, default=0),
    FieldDef("Permission Group Type", 1000001581, kind="selection", labels=PERMISSION_GROUP_TYPE, default=1),
))

PERMISSION_GROUPS_FORM = FormDef(PERMISSION_GROUPS, _core("Request ID") + (
    FieldDef("Status", 7, kind="selection", labels=ROW_STATUS, default=ROW_ENABLED),
    FieldDef("Person ID", 1000000080, required=True),
    FieldDef("Login ID", 1000000081),
    FieldDef("Permission Group", 1000001578),
    FieldDef("Permission Group ID", 1000001579, kind="integer"),
    FieldDef("Permission Group Type", 1000001581, kind="selection", labels=PERMISSION_GROUP_TYPE),
    FieldDef("License Type", 1000001580, kind="selection", labels=ROW_LICENSE),
))

SUPPORT_GROUP_FORM = FormDef(SUPPORT_GROUP, _core("Support Group ID") + (
    FieldDef("Status", 7, kind="selection", labels=RECORD_STATUS, default=ENABLED),
    FieldDef("Company", 1000000001, required=True),
    FieldDef("Support Organization", 1000000014, required=True),
    FieldDef("Support Group Name", 1000000015, required=True),
), id_prefix="SGP")

SUPPORT_ASSOCIATION_FORM = FormDef(SUPPORT_ASSOCIATION, _core("Support Group Association ID") + (
    FieldDef("Status", 7, kind="selection", labels=RECORD_STATUS, default=ENABLED),
    FieldDef("Login ID", 1000000081),
    FieldDef("Person ID", 1000000080, required=True),
    FieldDef("Full Name", 1000000017),
    FieldDef("Support Group ID", 1000000079, required=True),
    FieldDef("Support Group Association Role", 1000000171, kind="selection", labels=ASSOCIATION_ROLE, default=0),
    FieldDef("Default", 1000000075, kind="selection", labels=YES_NO, default=NO),
))

# A person's functional roles in a support group (field names as docs/ar-api.md lists them).
FUNCTIONAL_ROLE_FORM = FormDef(FUNCTIONAL_ROLE, _core("SupportGroupFunctionalRole ID") + (
    FieldDef("Status", 7, kind="selection", labels=RECORD_STATUS, default=ENABLED),
    FieldDef("Person ID", 1000000080, required=True),
    FieldDef("Login ID", 1000000081),
    FieldDef("Support Group ID", 1000000079, required=True),
    FieldDef("Functional Role", 1000000171, required=True),
    FieldDef("FunctionalRoleAlias", 1000003780),
    FieldDef("Default", 1000000075, kind="selection", labels=YES_NO, default=NO),
))

# In seeding order: every form's seed rows may refer to the forms before it.
ITSM_FORMS = (SITE_FORM, PERMISSION_MAP_FORM, SUPPORT_GROUP_FORM, PEOPLE_FORM, PERMISSION_GROUPS_FORM,
              SUPPORT_ASSOCIATION_FORM, FUNCTIONAL_ROLE_FORM)

# The companies a person's Company must name (a tenant keeps them in COM:Company; not a form here).
COMPANIES = ("Calbro Services", "Petramco", "Invention, Inc.")

# Groups of the Group form that exist only on ITSM tenants (Group Name, Group ID, Long Group Name, Group Type):
# added to the Group form when itsm is on, so Group Lists the People workflow writes hold known ids.
ITSM_GROUPS = (
    ("Incident User", 1000000008, "Incident management users", 2),
    ("Incident Viewer", 1000000009, "Incident management viewers", 1),
    ("Change User", 1000000010, "Change management users", 2),
    ("Calbro Services", 1000000101, "Company access: Calbro Services", 1),
    ("Petramco", 1000000102, "Company access: Petramco", 1),
    ("Invention, Inc.", 1000000103, "Company access: Invention, Inc.", 1),
)

# Site addresses as SIT:Site holds them, and as People rows carry their copies.
_HOUSTON = {"Street": "1500 Main Street", "City": "Houston", "State Province": "Texas", "Zip/Postal Code": "77002",
            "Country": "United States", "Time Zone": "(GMT-06:00) Central Time (US & Canada)"}
_LONDON = {"Street": "10 Bridge Street", "City": "London", "State Province": None, "Zip/Postal Code": "SW1A 2JR",
           "Country": "United Kingdom", "Time Zone": "(GMT+00:00) London"}
_PARIS = {"Street": "5 Rue de la Paix", "City": "Paris", "State Province": None, "Zip/Postal Code": "75002",
          "Country": "France", "Time Zone": "(GMT+01:00) Paris"}


def _copied(site):
    """The CTM:People copies of a site's address fields."""
    return {people: site[source] for source, people in SITE_COPIES}


# Seed rows per form. Ids come from the forms' counters in this order (STE_00000000001, SGP000000000001,
# PPL000000000001...), which the rows below refer to.
SEED = {
    SITE: (
        {"Site": "Calbro Headquarters", "Company": "Calbro Services", **_HOUSTON},
        {"Site": "Calbro Europe", "Company": "Calbro Services", **_LONDON},
        {"Site": "Petramco Paris", "Company": "Petramco", **_PARIS},
    ),
    PERMISSION_MAP: (
        {"Permission Group": "Incident Viewer", "Permission Group ID": 1000000009, "License Type": "None"},
        {"Permission Group": "Incident User", "Permission Group ID": 1000000008, "License Type": "Fixed/Floating"},
        {"Permission Group": "Incident Master", "Permission Group ID": 1000000002, "License Type": "Fixed/Floating"},
        {"Permission Group": "Knowledge User", "Permission Group ID": 1000000005, "License Type": "None"},
        {"Permission Group": "Change User", "Permission Group ID": 1000000010, "License Type": "Fixed/Floating"},
        {"Permission Group": "Calbro Services", "Permission Group ID": 1000000101, "Permission Group Type": "Company"},
        {"Permission Group": "Petramco", "Permission Group ID": 1000000102, "Permission Group Type": "Company"},
        {"Permission Group": "Invention, Inc.", "Permission Group ID": 1000000103, "Permission Group Type": "Company"},
    ),
    SUPPORT_GROUP: (
        {"Company": "Calbro Services", "Support Organization": "IT Support", "Support Group Name": "Service Desk"},
        {"Company": "Calbro Services", "Support Organization": "IT Support", "Support Group Name": "Network Support"},
        {"Company": "Petramco", "Support Organization": "Operations", "Support Group Name": "Facilities"},
    ),
    PEOPLE: (
        {"Remedy Login ID": "allen", "First Name": "Allen", "Last Name": "Allbrook",
         "Internet E-mail": "allen@calbro.example.com", "Company": "Calbro Services", "Organization": "IT Support",
         "Department": "Service Desk", "Site": "Calbro Headquarters", "Site ID": "STE_00000000001", **_copied(_HOUSTON),
         "Client Type": "Office-Based Employee", "Profile Status": "Enabled", "Support Staff": "Yes",
         "Assignment Availability": "Yes", "License Type": "Fixed", "Full Text License Type": "None",
         "Default Notify Mechanism": "Email"},
        {"Remedy Login ID": "mary", "First Name": "Mary", "Last Name": "Mann",
         "Internet E-mail": "mary@calbro.example.com", "Company": "Calbro Services", "Organization": "Finance",
         "Department": "Accounts", "Site": "Calbro Europe", "Site ID": "STE_00000000002", **_copied(_LONDON),
         "Client Type": "Office-Based Employee", "Profile Status": "Enabled", "Support Staff": "No",
         "Assignment Availability": "No", "License Type": "Read", "Default Notify Mechanism": "Email"},
        {"First Name": "Paul", "Last Name": "Pierce", "Internet E-mail": "paul.pierce@petramco.example.com",
         "Company": "Petramco", "Client Type": "Customer", "Profile Status": "Enabled", "Support Staff": "No"},
    ),
    PERMISSION_GROUPS: (
        {"Person ID": "PPL000000000001", "Permission Group": "Incident User", "License Type": "Fixed"},
        {"Person ID": "PPL000000000001", "Permission Group": "Calbro Services"},
    ),
    SUPPORT_ASSOCIATION: (
        {"Person ID": "PPL000000000001", "Support Group ID": "SGP000000000001",
         "Support Group Association Role": "Member", "Default": "Yes"},
    ),
    FUNCTIONAL_ROLE: (
        {"Person ID": "PPL000000000001", "Support Group ID": "SGP000000000001",
         "Functional Role": "Incident Manager", "Default": "Yes"},
    ),
}
