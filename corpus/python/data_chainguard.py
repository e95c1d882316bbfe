# distrolint-corpus: base=chainguard-python-latest
"""Time zones on Chainguard python: no /usr/share/zoneinfo, no tzdata installed."""
import zoneinfo
from zoneinfo import ZoneInfo, available_timezones

from backports import zoneinfo as backport

USE_TZ = True  # expect: DL503/error
TIME_ZONE = "Europe/Paris"  # ok: reported on USE_TZ


def zones(key):
    ZoneInfo("Europe/Paris")  # expect: DL501/error
    zoneinfo.ZoneInfo.no_cache("UTC")  # expect: DL501/error
    backport.ZoneInfo("US/Pacific")  # expect: DL501/error
    ZoneInfo(key)  # expect: DL501/warning
    return available_timezones()  # expect: DL501/warning


def zones_ok():
    import datetime

    return datetime.timezone.utc  # ok: no zone data needed


def settings_ok():
    USE_TZ = True  # ok: not a module-level setting
    return USE_TZ
