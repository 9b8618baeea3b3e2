package meshtest

import (
	"encoding/json"
	"strconv"
	"strings"
)

// decimal is the exact value of a JSON number: 0.digits × 10^exp, negated when neg.
// digits has no leading or trailing zero, and is "" for zero (of either sign). The
// rules compare it exactly, so that -1e-400 (which a float64 rounds to -0) is
// negative and 1.0000000000000000001 (which rounds to 1) is above 1. math/big's Rat
// reads a number exactly too, but its memory grows with the exponent (1e1000000000
// takes gigabytes): one hostile number must not knock the fake over.
type decimal struct {
	neg    bool
	digits string
	exp    int64
}

// parseDecimal reads a number that json.Valid accepted.
func parseDecimal(n json.Number) decimal {
	s := string(n)
	var d decimal
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		d.neg, s = true, rest
	}
	var e int64
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, _ = strconv.ParseInt(s[i+1:], 10, 64) // clamped on overflow, which is enough
		s = s[:i]
	}
	const limit = 1 << 40 // keeps exp from overflowing; far beyond any finite float
	e = max(-limit, min(limit, e))
	whole, frac, _ := strings.Cut(s, ".")
	digits := whole + frac
	d.exp = e + int64(len(whole))
	trimmed := strings.TrimLeft(digits, "0")
	d.exp -= int64(len(digits) - len(trimmed))
	d.digits = strings.TrimRight(trimmed, "0")
	return d
}

// negative reports whether d < 0 (-0 is not).
func (d decimal) negative() bool { return d.neg && d.digits != "" }

// cmpOne compares d with 1: -1, 0 or +1.
func (d decimal) cmpOne() int {
	switch {
	case d.neg || d.digits == "" || d.exp < 1:
		return -1
	case d.exp > 1 || d.digits != "1":
		return 1
	}
	return 0
}
