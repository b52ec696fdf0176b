package qnapglacier

import (
	"strings"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// The names this package derives from a vault or bucket target's name
// (user, policy, stack, bucket) are derived in internal/rules, which the
// qnap-glacier app's configuration shares.

// idFor is a construct ID that is stable for a value whatever its position
// in a list, so reordering a list never replaces a resource.
func idFor(kind, value string) string {
	return kind + rules.ShortHash(strings.ToLower(value))
}

// fitName is rules.FitName: a derived name cut to a limit with a hash.
func fitName(prefix, name, suffix string, max int) string {
	return rules.FitName(prefix, name, suffix, max)
}

// maxDisplayNameLen is SNS's limit on a topic's display name.
const maxDisplayNameLen = rules.MaxDisplayNameLen
