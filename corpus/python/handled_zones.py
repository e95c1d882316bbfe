# distrolint-corpus: base=chainguard-python-latest
"""Time zones handled where Chainguard python has no zone data: a handler
that catches ZoneInfoNotFoundError (or KeyError) and falls back to UTC."""
import zoneinfo
from datetime import timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(key):
    try:
        return ZoneInfo("Europe/Paris")  # expect: DL501/info
    except ZoneInfoNotFoundError:  # ok: the handler
        return timezone.utc


def zone_by_base_class():
    try:
        return zoneinfo.ZoneInfo("Europe/Paris")  # expect: DL501/info
    except KeyError:  # ok: ZoneInfoNotFoundError is a KeyError
        return timezone.utc


def zone_not_handled():
    try:
        return ZoneInfo("Europe/Paris")  # expect: DL501/error
    except ValueError:  # ok: not what it raises
        return timezone.utc
