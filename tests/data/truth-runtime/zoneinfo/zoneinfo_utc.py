# Even UTC is read from a file: zoneinfo has no built-in zone.
import zoneinfo

result = zoneinfo.ZoneInfo("UTC")
