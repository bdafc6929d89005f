"""The one base class of every error bymonitor explains to its user in one sentence."""


class BymonitorError(Exception):
    """An expected failure: the CLI prints its message (no traceback) and exits non-zero."""
