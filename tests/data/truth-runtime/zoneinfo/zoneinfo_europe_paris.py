from zoneinfo import ZoneInfo

result = ZoneInfo("Europe/Paris")
