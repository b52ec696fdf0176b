// Package rules holds what qnap-glacier's settings must be and what the
// names it derives from them are: the per-field checks, the name
// derivations, the action tables, the tags, the limits. It is plain Go,
// with no CDK import, so that the construct library
// (constructs/qnapglacier), the app's configuration (internal/config) and
// the post-deploy check (cmd/check, which must compile without the CDK) all
// share one copy.
//
// A check's error names the bad value and says what is allowed; it does not
// name the setting, which each caller knows by its own name (a props field,
// a cdk.json key). The "allowed" texts are also exported as constants
// (the *Allowed names), for callers that must say what is allowed before
// they have a value to check.
package rules
