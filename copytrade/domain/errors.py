"""Domain errors: one base class, with a message a user can act on."""


class DomainError(Exception):
    """Base class of every error raised by the domain core."""


class InvalidValueError(DomainError, ValueError):
    """A value is malformed or out of range (negative quantity, bad percent...)."""


class CurrencyMismatchError(DomainError):
    """Two amounts of different currencies were combined."""


class InvalidTransitionError(DomainError):
    """A lifecycle event does not apply to the object's current state."""
