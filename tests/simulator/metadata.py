"""Field metadata as GET /api/arsys/v1.0/fields/{form} answers it, made from the simulator's form definitions.

BMC documents each field's id, name, datatype, field_option (REQUIRED, OPTIONAL, SYSTEM, DISPLAY), create_mode
and limit (for CHAR: max_length, pattern, char_menu...). BMC's published examples show no ENUM limit; the
simulator writes the one it can justify (docs/ar-api.md, "Field metadata"): the AR Java API's EnumLimitInfo in the
snake_case the endpoint uses for CharacterLimitInfo (getMaxLength -> max_length): list_style REGULAR with
string_list (labels numbered from 0 in order) where the numbers are 0, 1, 2..., else list_style CUSTOM with
custom_list items {enum_item_name, enum_item_number}.
"""

DATATYPES = {"char": "CHAR", "grouplist": "CHAR", "password": "CHAR", "selection": "ENUM", "integer": "INTEGER",
             "date": "TIME", "history": "STATUS_HISTORY", "object": "CHAR"}
# What the simulator's fields hold at most: AR's CHAR limits are per field; these are the simulator's own,
# but for the User form's Group List, whose 4,000 characters BMC documents.
MAX_LENGTHS = {"Group List": 4000}
DEFAULT_MAX_LENGTH = 254


def field_option(field):
    if field.readonly:
        return "SYSTEM"
    return "REQUIRED" if field.required else "OPTIONAL"


def enum_limit(labels):
    numbers = sorted(labels)
    if numbers == list(range(len(numbers))):
        return {"datatype": "ENUM", "list_style": "REGULAR", "string_list": [labels[number] for number in numbers]}
    return {"datatype": "ENUM", "list_style": "CUSTOM",
            "custom_list": [{"enum_item_name": labels[number], "enum_item_number": number} for number in numbers]}


def limit(field):
    if field.kind == "selection":
        return enum_limit(field.labels or {})
    if DATATYPES.get(field.kind) == "CHAR":
        return {"datatype": "CHAR", "max_length": MAX_LENGTHS.get(field.name, DEFAULT_MAX_LENGTH), "pattern": None,
                "char_menu": None}
    if field.kind == "integer":
        return {"datatype": "INTEGER", "range_low": -2147483648, "range_high": 2147483647}
    return None


def default_value(field):
    if field.default is None:
        return None
    if field.kind == "selection":
        return (field.labels or {}).get(field.default, field.default)
    return field.default


def field_json(field):
    """One field as the endpoint describes it."""
    return {
        "id": field.id,
        "name": field.name,
        "datatype": DATATYPES.get(field.kind, "CHAR"),
        "field_option": field_option(field),
        "create_mode": "PROTECTED" if field.readonly else "OPEN",
        "default_value": default_value(field),
        "limit": limit(field),
    }
