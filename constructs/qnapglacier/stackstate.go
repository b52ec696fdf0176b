package qnapglacier

import (
	"fmt"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// stackState is what this package keeps about one stack on the Go side
// rather than in the construct tree, where each look-up would be a jsii
// round trip: the IAM names claimed so far (unique.go), the custom-resource
// provider and the account check, once made (provider.go,
// vaultaccountcheck.go). jsii hands Go the same value for a stack each
// time, so the stack is the key.
type stackState struct {
	claims       map[string]claimant
	provider     *customResourceProvider
	accountCheck constructs.IConstruct
}

var stackStates = struct {
	sync.Mutex
	m map[awscdk.Stack]*stackState
}{m: map[awscdk.Stack]*stackState{}}

// stateOf returns stack's state, new and empty the first time.
func stateOf(stack awscdk.Stack) *stackState {
	stackStates.Lock()
	defer stackStates.Unlock()
	s := stackStates.m[stack]
	if s == nil {
		s = &stackState{claims: map[string]claimant{}}
		stackStates.m[stack] = s
	}
	return s
}

// Values that are not constructs (principals, durations, the Lambda
// runtime and inline code, the watcher's schedule, a storage class) belong
// to no stack and never change once made, so each is made once per
// process, on first use, and shared by every stack and app: each costs a
// jsii round trip to make. The jsii kernel that holds them lives as long
// as the process (jsii.Close ends both).
var shared = struct {
	sync.Mutex
	m map[string]any
}{m: map[string]any{}}

// once returns the value made by make for key, calling make only the first
// time the process asks for key.
func once[T any](key string, make func() T) T {
	shared.Lock()
	defer shared.Unlock()
	if v, ok := shared.m[key]; ok {
		return v.(T)
	}
	v := make()
	shared.m[key] = v
	return v
}

// servicePrincipal is an AWS service's principal, such as
// lambda.amazonaws.com.
func servicePrincipal(service string) awsiam.IPrincipal {
	return once("principal "+service, func() awsiam.IPrincipal {
		return awsiam.NewServicePrincipal(jsii.String(service), nil)
	})
}

// durationDays and durationHours are durations; n may be a token (a
// number that CDK resolves at synth), which is its own key.
func durationDays(n *float64) awscdk.Duration {
	return once(fmt.Sprint("days ", *n), func() awscdk.Duration { return awscdk.Duration_Days(n) })
}

func durationHours(n float64) awscdk.Duration {
	return once(fmt.Sprint("hours ", n), func() awscdk.Duration { return awscdk.Duration_Hours(jsii.Number(n)) })
}

// functionBasics returns the principal, runtime and timeout that every
// Lambda function of this package uses: Node.js 24, 60 seconds, run as a
// role that Lambda assumes.
func functionBasics() (awsiam.IPrincipal, awslambda.Runtime, awscdk.Duration) {
	return servicePrincipal("lambda.amazonaws.com"),
		once("runtime", awslambda.Runtime_NODEJS_24_X),
		once("timeout", func() awscdk.Duration { return awscdk.Duration_Seconds(jsii.Number(60)) })
}

// storageClass is the lifecycle's S3 storage class for c.
func storageClass(c StorageClass) awss3.StorageClass {
	return once("storage class "+string(c), func() awss3.StorageClass { return awss3.NewStorageClass(jsii.String(string(c))) })
}

// inlineCode is a Lambda function's code, given inline (the package's
// embedded watcher.js and accountcheck.js), shared by every function that
// runs it.
func inlineCode(source string) awslambda.Code {
	return once("inline code "+source, func() awslambda.Code { return awslambda.Code_FromInline(jsii.String(source)) })
}
