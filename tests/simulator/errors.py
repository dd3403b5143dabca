"""AR System error messages and the exception that carries them to an HTTP reply.

Every AR error body is a JSON array of message objects; ARError holds one of them
plus the HTTP status the simulator answers with.
"""

# Message numbers a real tenant uses (see docs/ar-api.md, "Error bodies and numbers"); texts follow AR wording.
NO_SUCH_USER = 59
RPC_TIMEOUT = 93
ENTRY_MISSING = 302
FORM_MISSING = 303
BAD_VALUE = 306
REQUIRED_MISSING = 307
NO_SUCH_FIELD = 314
FIELD_NO_ACCESS = 333
FORM_NO_ACCESS = 353
DUPLICATE = 382
AUTH_FAILED = 623
ACCOUNT_INVALID = 624
BAD_REQUEST = 1291
BAD_QUALIFICATION = 1587
SERVER_BUSY = 9093
# No documented number for "field is read-only"; the simulator picks one of its own.
READ_ONLY = 8755

TEXTS = {
    NO_SUCH_USER: "No such user",
    RPC_TIMEOUT: "Timeout during database query / server RPC queue timeout",
    ENTRY_MISSING: "Entry does not exist in database",
    FORM_MISSING: "Form does not exist on server",
    BAD_VALUE: "Value does not fall within the limits specified for the field",
    REQUIRED_MISSING: "Required field (without a default) not specified",
    NO_SUCH_FIELD: "Field does not exist on current form",
    READ_ONLY: "The field is read-only and cannot be set",
    FIELD_NO_ACCESS: "No access to field",
    FORM_NO_ACCESS: "No access to form",
    DUPLICATE: "The value(s) for this entry violate a unique index that has been defined for this form",
    AUTH_FAILED: "Authentication failed",
    ACCOUNT_INVALID: "Authentication failed: the user account is marked invalid",
    BAD_REQUEST: "The request is not valid",
    BAD_QUALIFICATION: "Syntax error in qualification",
    SERVER_BUSY: "The server is busy: too many requests",
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
