package qnapglacier

import (
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// stackState is what this package keeps about one stack on the Go side
// rather than in the construct tree, where each look-up would be a jsii
// round trip: the IAM names claimed so far (unique.go), the custom-resource
// provider and the account check, once made (provider.go,
// vaultaccountcheck.go), and values its Lambda functions share. jsii hands Go
// the same value for a stack each time, so the stack is the key.
type stackState struct {
	claims       map[string]claimant
	provider     *customResourceProvider
	accountCheck constructs.IConstruct

	// Made on first use and shared by the stack's functions and roles:
	// each costs a jsii round trip to make, and none is a construct.
	lambdaPrincipal awsiam.IPrincipal
	nodeRuntime     awslambda.Runtime
	functionTimeout awscdk.Duration
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

// functionBasics returns the principal, runtime and timeout that every
// Lambda function of this package in the stack uses: Node.js 24, 60
// seconds, run as a role that Lambda assumes.
func (s *stackState) functionBasics() (awsiam.IPrincipal, awslambda.Runtime, awscdk.Duration) {
	if s.lambdaPrincipal == nil {
		s.lambdaPrincipal = awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil)
		s.nodeRuntime = awslambda.Runtime_NODEJS_24_X()
		s.functionTimeout = awscdk.Duration_Seconds(jsii.Number(60))
	}
	return s.lambdaPrincipal, s.nodeRuntime, s.functionTimeout
}
