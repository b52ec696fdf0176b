package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// The CDK CLI hands an app the "context" object of cdk.json (read from the
// directory the CLI runs in, which is also where it runs the app) and of
// ~/.cdk.json, and every key of cdk.context.json; the other top-level keys
// of cdk.json and ~/.cdk.json are the CLI's own settings ("app", "watch",
// "profile" ...), which it keeps to itself (aws-cdk 2.1148.1,
// Configuration.loadConfigFiles). A setting of this app put there is
// silently ignored by the CLI, so the app reads those two files itself and
// refuses it. cdk.context.json needs no check: all of it is context.

// MisplacedSettings reports every setting of this app found at the top
// level of a CDK configuration file (cdk.json or ~/.cdk.json), where the
// CDK CLI does not pass it to the app. name is how the message names the
// file; raw is its content. A file that is not a JSON object is an error
// too: the CLI would not have run the app.
func MisplacedSettings(name string, raw []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return fmt.Errorf("%s: not a JSON object: %v", name, err)
	}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(top)) {
		if slices.Contains(Keys, k) {
			errs = append(errs, fmt.Errorf("%s: setting %q is at the top level, where the CDK CLI does not pass it to the app: move it into %q", name, k, "context"))
		}
	}
	return errors.Join(errs...)
}
