package qnapglacier

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
)

// constructError is a problem with the props of the construct that would
// be at path. Every line of its message starts with that path, as
// aws-cdk-lib's own errors name their construct, so a caller who builds
// constructs in a loop sees which one failed. It unwraps to the error
// Validate returned.
type constructError struct {
	path string
	err  error
}

func (e *constructError) Error() string {
	lines := strings.Split(e.err.Error(), "\n")
	for i, l := range lines {
		lines[i] = e.path + ": " + l
	}
	return strings.Join(lines, "\n")
}

func (e *constructError) Unwrap() error { return e.err }

// propsError is err, from validating the props of the construct about to be
// created as id under scope, named with that construct's path.
func propsError(scope constructs.Construct, id *string, err error) error {
	path := ""
	if scope != nil {
		path = *scope.Node().Path()
	}
	if id != nil {
		if path != "" {
			path += "/"
		}
		path += *id
	}
	return &constructError{path: path, err: err}
}

// problems is err as a list: the errors an errors.Join holds, each one
// problem, or err alone.
func problems(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, problems(e)...)
		}
		return out
	}
	return []error{err}
}

// inField names field as the place of each problem in err: with sep ": "
// for a value ("VaultTags: key ..."), with "." for a nested props struct
// ("BackupUser.VaultName: ..."). Each problem stays one error of its own,
// so a problem is one line.
func inField(field, sep string, err error) []error {
	var out []error
	for _, e := range problems(err) {
		out = append(out, &fieldError{field: field + sep, err: e})
	}
	return out
}

// fieldError is a problem with a props field; it unwraps to the problem.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.field + e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }
