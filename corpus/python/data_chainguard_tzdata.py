# distrolint-corpus: base=chainguard-python-latest installed=tzdata
"""The same calls with the `tzdata` distribution installed: zoneinfo falls back to it."""
import zoneinfo
from zoneinfo import ZoneInfo, available_timezones

USE_TZ = True  # ok: tzdata is installed


def zones(key):
    ZoneInfo("Europe/Paris")  # ok: tzdata has it
    zoneinfo.ZoneInfo.no_cache("UTC")  # ok: tzdata has it
    ZoneInfo("US/Pacific")  # ok: tzdata has the legacy names too
    ZoneInfo(key)  # ok: tzdata
    return available_timezones()  # ok: tzdata
