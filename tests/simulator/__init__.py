"""A simulator of the BMC Helix AR System REST API for tests (see harness.Simulator)."""

from .config import Settings
from .errors import ARError
from .grammar import QualificationError, compile_qualification, parse
from .harness import Simulator

__all__ = ["ARError", "QualificationError", "Settings", "Simulator", "compile_qualification", "parse"]
