// Command qnap-glacier is the CDK app: one stack per Glacier vault, each
// with an IAM user that can back up to that vault only. Settings come from
// CDK context; see README.md.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/internal/app"
)

func main() {
	code := run(nil, os.Getenv, os.Stderr)
	jsii.Close()
	os.Exit(code)
}

// run builds and synthesizes the app. Bad settings end in one line per
// problem on stderr and exit code 1, before anything is written.
func run(props *awscdk.AppProps, getenv func(string) string, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			report(stderr, fmt.Errorf("%v", r))
			code = 1
		}
	}()
	a, err := app.New(props, getenv)
	if err != nil {
		report(stderr, err)
		return 1
	}
	a.Synth(nil)
	return 0
}

func report(w io.Writer, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(w, "qnap-glacier: error: %s\n", line)
	}
}
