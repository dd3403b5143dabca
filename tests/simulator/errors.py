"""AR System error messages and the exception that carries them to an HTTP reply.

Every AR error body is a JSON array of message objects; ARError holds one of them
plus the HTTP status the simulator answers with.
"""

# Message numbers a real tenant uses (see docs/ar-api.md, "Error bodies and numbers"), as AR's arerrno.h names
# them; texts follow AR wording.
NO_SUCH_USER = 59
# AR_ERROR_RPC_TIMEOUT, _2, _3: the server's RPC timeouts. A write answered with one may have been applied.
RPC_TIMEOUT_UPDATE = 92
RPC_TIMEOUT = 93
RPC_TIMEOUT_BUSY = 94
ENTRY_MISSING = 302
FORM_MISSING = 303
BAD_VALUE = 306
REQUIRED_MISSING = 307
MODIFIED_SINCE_READ = 309   # AR_ERROR_MODIFIED_SINCE_GET
NO_SUCH_FIELD = 314
NO_WRITE_ACCESS = 330       # AR_ERROR_NO_WRITE_ACCESS: what the simulator answers a write of a read-only field
FIELD_NO_ACCESS = 333
FORM_NO_ACCESS = 353
DUPLICATE = 382
AUTH_FAILED = 623
ACCOUNT_INVALID = 624
BAD_REQUEST = 1291
BAD_QUALIFICATION = 1587
# AR_ERROR_USER_HOST_IP_OVERRIDE_OPTION: a non-administrator account is logged in from another IP address.
HOST_IP_OVERRIDE = 9093
# arerrno.h has no number of its own for "the field is read-only": AR_ERROR_NO_WRITE_ACCESS (330) is the nearest
# (no write access), with the field named in messageAppendedText. (8755 is AR_ERROR_NO_PLUGIN, nothing of the kind.)
READ_ONLY = NO_WRITE_ACCESS
# Refusals of the Helix ITSM People workflow (itsm switch). Tenants answer these from workflow with numbers
# of the application's own; these are the simulator's (10000 and up, where AR puts workflow messages).
INVALID_LOGIN_ID = 10101
UNKNOWN_COMPANY = 10102
SUPPORT_STAFF_NEEDS_LOGIN = 10103
NO_SUCH_PERSON = 10104
NO_SUCH_PERMISSION_GROUP = 10105
LICENSE_NEEDED = 10106
NOT_SUPPORT_STAFF = 10107
NO_SUCH_SUPPORT_GROUP = 10108
NOT_IN_SUPPORT_GROUP = 10109

TEXTS = {
    NO_SUCH_USER: "No such user",
    RPC_TIMEOUT_UPDATE: "Timeout during database update -- the operation has been accepted by the server and will"
                        " usually complete successfully",
    RPC_TIMEOUT: "Timeout during database query / server RPC queue timeout",
    RPC_TIMEOUT_BUSY: "Timeout during data retrieval due to busy server -- retry the operation",
    ENTRY_MISSING: "Entry does not exist in database",
    FORM_MISSING: "Form does not exist on server",
    BAD_VALUE: "Value does not fall within the limits specified for the field",
    REQUIRED_MISSING: "Required field (without a default) not specified",
    NO_SUCH_FIELD: "Field does not exist on current form",
    MODIFIED_SINCE_READ: "The entry has been modified since you retrieved it",
    NO_WRITE_ACCESS: "No write access to the field",
    FIELD_NO_ACCESS: "No access to field",
    FORM_NO_ACCESS: "No access to form",
    DUPLICATE: "The value(s) for this entry violate a unique index that has been defined for this form",
    AUTH_FAILED: "Authentication failed",
    ACCOUNT_INVALID: "Authentication failed: the user account is marked invalid",
    BAD_REQUEST: "The request is not valid",
    BAD_QUALIFICATION: "Syntax error in qualification",
    HOST_IP_OVERRIDE: "This user is currently logged in from another IP address; a non-administrator may be logged in"
                      " from one IP address at a time",
    INVALID_LOGIN_ID: "The Login ID cannot contain the characters & or ?, and cannot be System",
    UNKNOWN_COMPANY: "The Company is not valid: select a company that exists",
    SUPPORT_STAFF_NEEDS_LOGIN: "A support staff person must have a Login ID",
    NO_SUCH_PERSON: "The person (Person ID) does not exist on the People form",
    NO_SUCH_PERMISSION_GROUP: "The permission group is not in the license permission map",
    LICENSE_NEEDED: "This permission group requires a Fixed or Floating license",
    NOT_SUPPORT_STAFF: "Only support staff can be associated with a support group",
    NO_SUCH_SUPPORT_GROUP: "The support group (Support Group ID) does not exist",
    NOT_IN_SUPPORT_GROUP: "A functional role needs the person to be a member of its support group",
}


def message(number, appended=None, message_type="ERROR"):
    """One AR message object, the element of every error array."""
    return {
        "messageType": message_type,
        "messageNumber": number,
        "messageText": TEXTS.get(number, "Error"),
        "messageAppendedText": appended,
    }


class ARError(Exception):
    """An AR error to answer with: HTTP status plus one AR message."""

    def __init__(self, status, number, appended=None):
        super().__init__(f"{status} ARERR {number}: {TEXTS.get(number, 'Error')} {appended or ''}".strip())
        self.status = status
        self.number = number
        self.appended = appended

    def body(self):
        """The JSON-ready error array."""
        return [message(self.number, self.appended)]
