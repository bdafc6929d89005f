"""bymonitor: yearly monitoring of the ten towns of Nordland."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bymonitor")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
