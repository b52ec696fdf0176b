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
// vaultaccountcheck.go), the stack's node, and the values its app shares
// (once). jsii hands Go the same value for a stack each time, so the stack
// is the key.
type stackState struct {
	claims       map[string]claimant
	provider     *customResourceProvider
	accountCheck constructs.IConstruct

	node   constructs.Node // read on first use
	shared map[string]any  // the app's, found on first use
}

var stackStates = struct {
	sync.Mutex
	m    map[awscdk.Stack]*stackState
	apps map[constructs.IConstruct]map[string]any // by the app (the tree's root)
}{m: map[awscdk.Stack]*stackState{}, apps: map[constructs.IConstruct]map[string]any{}}

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

// nodeOf returns the stack's node.
func (s *stackState) nodeOf(stack awscdk.Stack) constructs.Node {
	if s.node == nil {
		s.node = stack.Node()
	}
	return s.node
}

// once returns the value that make makes for key in stack's app, calling
// make only the first time the app asks for key.
//
// Values that are not constructs (principals, durations, the Lambda
// runtime and inline code, the watcher's schedule, a storage class) belong
// to no stack and never change once made, so each is made once and shared
// by every stack of the app: each costs a jsii round trip to make. Once per
// app, not per process: jsii.Close stops the kernel that holds them, and
// the next CDK call starts a new kernel (a test's TestMain may do that
// between apps), where they do not exist.
func once[T any](stack awscdk.Stack, key string, make func() T) T {
	s := stateOf(stack)
	if s.shared == nil {
		app := s.nodeOf(stack).Root()
		stackStates.Lock()
		if stackStates.apps[app] == nil {
			stackStates.apps[app] = map[string]any{}
		}
		s.shared = stackStates.apps[app]
		stackStates.Unlock()
	}
	if v, ok := s.shared[key]; ok {
		return v.(T)
	}
	v := make()
	s.shared[key] = v
	return v
}

// servicePrincipal is an AWS service's principal, such as
// lambda.amazonaws.com.
func servicePrincipal(stack awscdk.Stack, service string) awsiam.IPrincipal {
	return once(stack, "principal "+service, func() awsiam.IPrincipal {
		return awsiam.NewServicePrincipal(jsii.String(service), nil)
	})
}

// durationDays and durationHours are durations; n may be a token (a
// number that CDK resolves at synth), which is its own key.
func durationDays(stack awscdk.Stack, n *float64) awscdk.Duration {
	return once(stack, fmt.Sprint("days ", *n), func() awscdk.Duration { return awscdk.Duration_Days(n) })
}

func durationHours(stack awscdk.Stack, n float64) awscdk.Duration {
	return once(stack, fmt.Sprint("hours ", n), func() awscdk.Duration { return awscdk.Duration_Hours(jsii.Number(n)) })
}

// functionBasics returns the principal, runtime and timeout that every
// Lambda function of this package uses: Node.js 24, 60 seconds, run as a
// role that Lambda assumes.
func functionBasics(stack awscdk.Stack) (awsiam.IPrincipal, awslambda.Runtime, awscdk.Duration) {
	return servicePrincipal(stack, "lambda.amazonaws.com"),
		once(stack, "runtime", awslambda.Runtime_NODEJS_24_X),
		once(stack, "timeout", func() awscdk.Duration { return awscdk.Duration_Seconds(jsii.Number(60)) })
}

// storageClass is the lifecycle's S3 storage class for c.
func storageClass(stack awscdk.Stack, c StorageClass) awss3.StorageClass {
	return once(stack, "storage class "+string(c), func() awss3.StorageClass { return awss3.NewStorageClass(jsii.String(string(c))) })
}

// inlineCode is a Lambda function's code, given inline (the package's
// embedded watcher.js and accountcheck.js), shared by every function that
// runs it.
func inlineCode(stack awscdk.Stack, source string) awslambda.Code {
	return once(stack, "inline code "+source, func() awslambda.Code { return awslambda.Code_FromInline(jsii.String(source)) })
}
