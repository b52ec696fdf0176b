// Package check proves, after "cdk deploy", that each backup user's key
// works on AWS as the NAS will use it, and says what to fix when it does
// not. It finds the app's stacks with the caller's credentials, reads each
// user's key from its secret, and then tests with that key, never the
// caller's. It imports no CDK package, so cmd/check compiles quickly.
package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Status is a check's outcome.
type Status string

const (
	// OK: as configured.
	OK Status = "ok"
	// Fail: not as configured; the result says how to fix it.
	Fail Status = "FAIL"
	// Waiting: not there yet, as expected at this stage (a vault the NAS
	// has not created yet).
	Waiting Status = "waiting"
)

// Result is one check's outcome: one line of the report.
type Result struct {
	Stack  string `json:"stack"`
	Check  string `json:"check"`
	Status Status `json:"status"`
	// Detail says what was found.
	Detail string `json:"detail"`
	// Fix says, for a FAIL, what to do, in one sentence.
	Fix string `json:"fix,omitempty"`
}

// Line is the result as the report prints it.
func (r Result) Line() string {
	line := fmt.Sprintf("%-7s %s: %s: %s", r.Status, r.Stack, r.Check, r.Detail)
	if r.Fix != "" {
		line += " Fix: " + r.Fix
	}
	return line
}

// Report is a whole run, as --json prints it.
type Report struct {
	Account string   `json:"account,omitempty"`
	Region  string   `json:"region,omitempty"`
	OK      bool     `json:"ok"`
	Error   string   `json:"error,omitempty"`
	Results []Result `json:"results"`
}

// Failed reports whether any result is a FAIL.
func Failed(results []Result) bool {
	for _, r := range results {
		if r.Status == Fail {
			return true
		}
	}
	return false
}

// Checker runs the checks. Config holds the caller's credentials and
// region, used only to find the stacks and read the secrets.
type Checker struct {
	Config aws.Config
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Timeout bounds each group of AWS calls (the stack and its key, the
	// vault, the bucket, the subscriptions), retries included; 0 means one
	// minute.
	Timeout time.Duration

	account string
	results []Result
}

// FatalError is a problem that stops the whole check before any stack is
// read: no region, no credentials, credentials refused. Its message is one
// line that says what to do.
type FatalError struct{ Msg string }

func (e *FatalError) Error() string { return e.Msg }

var regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// Run checks every target and returns one result per check, in order. It
// returns a *FatalError when it cannot start.
func (c *Checker) Run(ctx context.Context, targets []Target) (*Report, error) {
	rep := &Report{Region: c.Config.Region}
	if c.Config.Region == "" {
		return rep, &FatalError{"no AWS region: set AWS_REGION (or a region in your AWS profile) to the region you deployed the stacks to"}
	}
	if !regionRe.MatchString(c.Config.Region) {
		return rep, &FatalError{fmt.Sprintf("AWS region %q is not a region name such as eu-west-1: set AWS_REGION to the region you deployed the stacks to", c.Config.Region)}
	}
	if c.Config.Credentials == nil {
		return rep, &FatalError{NoCredentials}
	}
	cctx, cancel := c.callContext(ctx)
	_, err := c.Config.Credentials.Retrieve(cctx)
	cancel()
	if err != nil {
		return rep, &FatalError{NoCredentials}
	}
	cctx, cancel = c.callContext(ctx)
	id, err := sts.NewFromConfig(c.Config).GetCallerIdentity(cctx, &sts.GetCallerIdentityInput{})
	cancel()
	if err != nil {
		return rep, &FatalError{"AWS refused your credentials (" + short(err) + "): sign in again (aws sso login, or a fresh access key in your profile) and run the check again"}
	}
	c.account = aws.ToString(id.Account)
	rep.Account = c.account
	for _, t := range targets {
		c.target(ctx, t)
	}
	rep.Results = c.results
	rep.OK = !Failed(c.results)
	return rep, nil
}

// NoCredentials is the one line printed when no credentials are found.
const NoCredentials = "no AWS credentials found: set AWS_PROFILE to the profile you deployed with (run aws sso login or aws configure first), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"

func (c *Checker) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d := c.Timeout
	if d == 0 {
		d = time.Minute
	}
	return context.WithTimeout(ctx, d)
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Checker) add(stack, check string, s Status, detail, fix string) {
	c.results = append(c.results, Result{Stack: stack, Check: check, Status: s, Detail: detail, Fix: fix})
}

// stackInfo is what the check reads from a deployed stack.
type stackInfo struct {
	outputs map[string]string
	// key is the NAS's key, from the secret.
	key aws.Credentials
	// nas is the caller's configuration with the NAS's key instead.
	nas aws.Config
}

// target checks one vault or bucket: its stack, its secret, the key, then
// the vault or bucket and the topic.
func (c *Checker) target(ctx context.Context, t Target) {
	info, ok := c.stack(ctx, t)
	if !ok {
		return
	}
	if t.Kind == "vault" {
		c.vault(ctx, t, info)
		c.subscriptions(ctx, t, info.outputs["TopicArn"])
	} else {
		c.bucket(ctx, t, info)
		c.subscriptions(ctx, t, info.outputs["DigestTopicArn"])
	}
}

func (c *Checker) stack(ctx context.Context, t Target) (*stackInfo, bool) {
	cctx, cancel := c.callContext(ctx)
	defer cancel()
	out, err := cloudformation.NewFromConfig(c.Config).DescribeStacks(cctx, &cloudformation.DescribeStacksInput{StackName: aws.String(t.Stack)})
	if err != nil {
		if code(err) == "ValidationError" && strings.Contains(err.Error(), "does not exist") {
			c.add(t.Stack, "stack", Fail, fmt.Sprintf("not deployed in %s (account %s).", c.Config.Region, c.account),
				fmt.Sprintf("run cdk deploy %s with these credentials, or if you deployed it to another region or account, set AWS_REGION or AWS_PROFILE to that one.", t.Stack))
		} else {
			c.add(t.Stack, "stack", Fail, "cannot read the stack: "+short(err)+".",
				"run the check with the credentials you deploy with (they need cloudformation:DescribeStacks).")
		}
		return nil, false
	}
	if len(out.Stacks) == 0 {
		c.add(t.Stack, "stack", Fail, "not found.", "run cdk deploy "+t.Stack+".")
		return nil, false
	}
	st := out.Stacks[0]
	status := string(st.StackStatus)
	switch {
	case strings.HasSuffix(status, "_IN_PROGRESS"):
		c.add(t.Stack, "stack", Waiting, status+": a deployment is under way; run the check again when it ends.", "")
		return nil, false
	case st.StackStatus == cfntypes.StackStatusCreateComplete, st.StackStatus == cfntypes.StackStatusUpdateComplete,
		st.StackStatus == cfntypes.StackStatusImportComplete,
		// A failed update rolled back: the stack is as it was before it.
		st.StackStatus == cfntypes.StackStatusUpdateRollbackComplete:
	default:
		c.add(t.Stack, "stack", Fail, status+": the last deployment did not complete.",
			"read the stack's events in the CloudFormation console, fix the cause and run cdk deploy "+t.Stack+" again.")
		return nil, false
	}
	info := &stackInfo{outputs: map[string]string{}}
	for _, o := range st.Outputs {
		info.outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	want := []string{"SecretArn", "AccessKeyId", "UserName", "TopicArn"}
	if t.Kind == "vault" {
		want = append(want, "VaultName")
	} else {
		want = append(want, "BucketName", "DigestTopicArn")
	}
	for _, k := range want {
		if info.outputs[k] == "" {
			c.add(t.Stack, "stack", Fail, "has no output "+k+": it was deployed by an older or other app.",
				"run cdk deploy "+t.Stack+" from this project.")
			return nil, false
		}
	}
	c.add(t.Stack, "stack", OK, fmt.Sprintf("%s in %s, user %s.", status, c.Config.Region, info.outputs["UserName"]), "")

	if !c.secret(ctx, t, info) {
		return nil, false
	}
	return info, true
}

// secret reads the NAS's key from the stack's secret and proves AWS
// accepts it. Neither the secret's value nor the secret access key is ever
// put in a result.
func (c *Checker) secret(ctx context.Context, t Target, info *stackInfo) bool {
	cctx, cancel := c.callContext(ctx)
	defer cancel()
	arn := info.outputs["SecretArn"]
	out, err := secretsmanager.NewFromConfig(c.Config).GetSecretValue(cctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		c.add(t.Stack, "secret", Fail, "cannot read the key from the secret: "+short(err)+".",
			"run the check with the credentials you deploy with (they need secretsmanager:GetSecretValue on "+arn+").")
		return false
	}
	var key struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &key); err != nil || key.AccessKeyID == "" || key.SecretAccessKey == "" {
		c.add(t.Stack, "secret", Fail, "the secret does not hold accessKeyId and secretAccessKey.",
			"run cdk deploy "+t.Stack+" again to write the key back into the secret.")
		return false
	}
	if key.AccessKeyID != info.outputs["AccessKeyId"] {
		c.add(t.Stack, "secret", Fail, fmt.Sprintf("holds access key %s, but the stack's key is %s.", key.AccessKeyID, info.outputs["AccessKeyId"]),
			"run cdk deploy "+t.Stack+" again, then enter the stack's key on the NAS.")
		return false
	}
	info.key = aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey, Source: "qnap-glacier secret"}
	info.nas = c.Config.Copy()
	info.nas.Credentials = credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey, "")

	id, err := sts.NewFromConfig(info.nas).GetCallerIdentity(cctx, &sts.GetCallerIdentityInput{})
	switch {
	case err != nil:
		c.add(t.Stack, "key", Fail, "AWS refuses the key in the secret ("+short(err)+").",
			"raise keySerial in cdk.json and run cdk deploy "+t.Stack+" to issue a new key, then enter it on the NAS.")
		return false
	case !strings.HasSuffix(aws.ToString(id.Arn), "/"+info.outputs["UserName"]):
		c.add(t.Stack, "key", Fail, fmt.Sprintf("the key in the secret belongs to %s, not to user %s.", aws.ToString(id.Arn), info.outputs["UserName"]),
			"run cdk deploy "+t.Stack+" again to write the user's key into the secret.")
		return false
	}
	c.add(t.Stack, "key", OK, fmt.Sprintf("access key %s (from the secret) signs in as %s.", key.AccessKeyID, aws.ToString(id.Arn)), "")
	return true
}

// code is the AWS error code of err, or "".
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// short is err in a few words: the AWS error code and message, without
// the SDK's operation and request ID wrapping.
func short(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		msg := ae.ErrorMessage()
		if msg == "" || msg == ae.ErrorCode() {
			return ae.ErrorCode()
		}
		return ae.ErrorCode() + ": " + strings.TrimSuffix(msg, ".")
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return oe.Err.Error()
	}
	return err.Error()
}

// isAccessDenied reports whether err is AWS refusing a request for lack of
// permission, in any service's spelling.
func isAccessDenied(err error) bool {
	switch code(err) {
	case "AccessDenied", "AccessDeniedException":
		return true
	}
	return false
}

// Retryer is the retry policy of every client: the SDK's standard one with
// a few attempts, so that a throttled call is retried but a dead endpoint
// does not keep the owner waiting.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3 })
}

// Print writes the report as lines, or as JSON when asJSON.
func Print(w io.Writer, rep *Report, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
		return
	}
	for _, r := range rep.Results {
		fmt.Fprintln(w, r.Line())
	}
}
