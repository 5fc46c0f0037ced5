package state

import "strconv"

// etcZones[h+12] is the IANA Etc zone for UTC+h, h in -12..14: the Etc zones
// invert the sign (POSIX style), so UTC+1 is "Etc/GMT-1" (M1). Precomputed so
// accounts share the strings.
var etcZones = func() (z [27]string) {
	for h := -12; h <= 14; h++ {
		switch {
		case h == 0:
			z[h+12] = "Etc/GMT"
		case h > 0:
			z[h+12] = "Etc/GMT-" + strconv.Itoa(h)
		default:
			z[h+12] = "Etc/GMT+" + strconv.Itoa(-h)
		}
	}
	return z
}()

// ZoneName derives user_context.tz from signup's timezone, in seconds east
// of UTC (M1): a whole number of hours within -12..+14 (S5's -43200..50400)
// gives its Etc zone (3600 -> "Etc/GMT-1", -18000 -> "Etc/GMT+5",
// 0 -> "Etc/GMT"); anything else, nil included, gives fallback. No IANA zone
// matches an offset such as +5:30 without knowing the place, hence the
// fallback.
func ZoneName(seconds *int, fallback string) string {
	if seconds == nil || *seconds%3600 != 0 {
		return fallback
	}
	h := *seconds / 3600
	if h < -12 || h > 14 {
		return fallback
	}
	return etcZones[h+12]
}
