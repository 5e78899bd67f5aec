package emulator

import "time"

// faultsJSON is the management form of Faults: durations in milliseconds
// (Retry-After in seconds, as the header carries it). Pointers let PUT
// merge: absent fields keep their values. A delay of 0 is an instant
// transition and a rate_limit of 0 no limit, so that GET answers what is in
// effect and PUT of what GET answered changes nothing.
type faultsJSON struct {
	LatencyMS         *int64   `json:"latency_ms"`
	ThrottleShare     *float64 `json:"throttle_share"`
	RetryAfterSeconds *float64 `json:"retry_after_seconds"`
	ServerErrorShare  *float64 `json:"server_error_share"`
	DropShare         *float64 `json:"drop_share"`
	DeleteDelayMS     *int64   `json:"delete_delay_ms"`
	RecoverDelayMS    *int64   `json:"recover_delay_ms"`
	PurgeDelayMS      *int64   `json:"purge_delay_ms"`
	RateLimit         *int     `json:"rate_limit"`
	RateWindowMS      *int64   `json:"rate_window_ms"`
}

func faultsToJSON(f Faults) faultsJSON {
	ms := func(d time.Duration) *int64 { v := max(d, 0).Milliseconds(); return &v }
	ra := f.RetryAfter.Seconds()
	limit := max(f.RateLimit, 0)
	return faultsJSON{
		LatencyMS: ms(f.Latency), ThrottleShare: &f.ThrottleShare, RetryAfterSeconds: &ra,
		ServerErrorShare: &f.ServerErrorShare, DropShare: &f.DropShare,
		DeleteDelayMS: ms(f.DeleteDelay), RecoverDelayMS: ms(f.RecoverDelay), PurgeDelayMS: ms(f.PurgeDelay),
		RateLimit: &limit, RateWindowMS: ms(f.RateWindow),
	}
}

// mergeInto applies the fields present in j onto f.
func (j faultsJSON) mergeInto(f *Faults) {
	ms := func(p *int64, d *time.Duration) {
		if p != nil {
			*d = time.Duration(*p) * time.Millisecond
		}
	}
	delay := func(p *int64, d *time.Duration) {
		if p != nil {
			*d = time.Duration(*p) * time.Millisecond
			if *d <= 0 {
				*d = NoDelay
			}
		}
	}
	share := func(p *float64, s *float64) {
		if p != nil {
			*s = min(max(*p, 0), 1)
		}
	}
	ms(j.LatencyMS, &f.Latency)
	delay(j.DeleteDelayMS, &f.DeleteDelay)
	delay(j.RecoverDelayMS, &f.RecoverDelay)
	delay(j.PurgeDelayMS, &f.PurgeDelay)
	ms(j.RateWindowMS, &f.RateWindow)
	share(j.ThrottleShare, &f.ThrottleShare)
	share(j.ServerErrorShare, &f.ServerErrorShare)
	share(j.DropShare, &f.DropShare)
	if j.RetryAfterSeconds != nil {
		f.RetryAfter = time.Duration(*j.RetryAfterSeconds * float64(time.Second))
	}
	if j.RateLimit != nil {
		f.RateLimit = *j.RateLimit
		if f.RateLimit <= 0 {
			f.RateLimit = NoRateLimit
		}
	}
}
