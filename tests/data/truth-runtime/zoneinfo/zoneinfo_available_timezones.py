# Without zone data this returns an empty set rather than raising.
import zoneinfo

result = zoneinfo.available_timezones()
