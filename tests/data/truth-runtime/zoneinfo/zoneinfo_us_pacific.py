# A legacy name: Debian 13 ships it in tzdata-legacy, the tzdata wheel has it.
from zoneinfo import ZoneInfo

result = ZoneInfo("US/Pacific")
