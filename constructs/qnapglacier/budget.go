package qnapglacier

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsbudgets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// A cost budget is an account's, not a stack's: AWS Budgets names are
// unique per account, and one budget covers every vault and bucket. So the
// app puts it in a stack of its own (BudgetStackName), which a vault or
// bucket coming or going leaves alone, instead of in one of their stacks.

// budgetThresholds are the notifications: 80 % and 100 % of the actual
// spend, and 100 % of the forecast.
var budgetThresholds = []struct {
	kind    string
	percent float64
}{{"ACTUAL", 80}, {"ACTUAL", 100}, {"FORECASTED", 100}}

// CostBudgetProps configures a [CostBudget].
type CostBudgetProps struct {
	// MonthlyLimitUsd is the monthly spend, in US dollars, the budget
	// warns about: more than 0, at most 100,000, with at most
	// two decimals. Required.
	MonthlyLimitUsd *float64
	// NotifyEmails are e-mailed by AWS Budgets directly (no SNS topic) at
	// 80 % and 100 % of the actual spend and at 100 % of the forecast: 1 to
	// 10 addresses. Required.
	NotifyEmails []string
	// BudgetName names the budget; names are unique per account.
	//
	// Default: "qnap-glacier-monthly-<region>" (the stack's region, so the
	// app's budgets in two regions of one account do not collide).
	BudgetName *string
}

// CostBudget is a monthly AWS Budgets cost budget over the services the
// stacks use, e-mailing its warnings directly.
type CostBudget interface {
	constructs.Construct
	// Budget is the budget resource.
	Budget() awsbudgets.CfnBudget
}

type costBudget struct {
	constructs.Construct
	budget awsbudgets.CfnBudget
}

func (b *costBudget) Budget() awsbudgets.CfnBudget { return b.budget }

// Validate reports every problem with props, one per line, each naming
// the field, the bad value and what is allowed. [NewCostBudget] panics
// with the same problems.
func (p *CostBudgetProps) Validate() error {
	if p == nil {
		return errors.New("props: required, with at least MonthlyLimitUsd and NotifyEmails")
	}
	var errs []error
	if p.MonthlyLimitUsd == nil {
		errs = append(errs, errors.New("MonthlyLimitUsd: required"))
	} else if err := rules.ValidateMonthlyBudgetUsd(*p.MonthlyLimitUsd); err != nil {
		errs = append(errs, fmt.Errorf("MonthlyLimitUsd: %w", err))
	}
	if err := rules.ValidateBudgetEmails(p.NotifyEmails); err != nil {
		errs = append(errs, inField("NotifyEmails", ": ", err)...)
	}
	return errors.Join(errs...)
}

// NewCostBudget creates a monthly cost budget, filtered to
// the services the stacks use (Amazon Glacier, Amazon Simple Storage
// Service, AWS Secrets Manager, Amazon Simple Notification Service, AWS
// Lambda, AmazonCloudWatch), that e-mails props.NotifyEmails at 80 % and 100 % of
// the actual spend and at 100 % of the forecast. A budget with
// notifications only costs nothing. It panics on bad props, with every
// problem, one per line.
func NewCostBudget(scope constructs.Construct, id *string, props *CostBudgetProps) CostBudget {
	if props == nil {
		props = &CostBudgetProps{}
	}
	if err := props.Validate(); err != nil {
		panic(propsError(scope, id, err))
	}
	this := &costBudget{}
	constructs.NewConstruct_Override(this, scope, id)
	name := props.BudgetName
	if name == nil {
		name = awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("qnap-glacier-monthly-"), awscdk.Aws_REGION()})
	}
	var subscribers []any
	for _, e := range props.NotifyEmails {
		subscribers = append(subscribers, &awsbudgets.CfnBudget_SubscriberProperty{
			SubscriptionType: jsii.String("EMAIL"),
			Address:          jsii.String(e),
		})
	}
	var notifications []any
	for _, t := range budgetThresholds {
		notifications = append(notifications, &awsbudgets.CfnBudget_NotificationWithSubscribersProperty{
			Notification: &awsbudgets.CfnBudget_NotificationProperty{
				NotificationType:   jsii.String(t.kind),
				ComparisonOperator: jsii.String("GREATER_THAN"),
				Threshold:          jsii.Number(t.percent),
				ThresholdType:      jsii.String("PERCENTAGE"),
			},
			Subscribers: &subscribers,
		})
	}
	// "Budget" is the construct ID of a live resource.
	this.budget = awsbudgets.NewCfnBudget(this, jsii.String("Budget"), &awsbudgets.CfnBudgetProps{
		Budget: &awsbudgets.CfnBudget_BudgetDataProperty{
			BudgetName: name,
			BudgetType: jsii.String("COST"),
			TimeUnit:   jsii.String("MONTHLY"),
			BudgetLimit: &awsbudgets.CfnBudget_SpendProperty{
				Amount: props.MonthlyLimitUsd,
				Unit:   jsii.String("USD"),
			},
			// FilterExpression, not the older CostFilters, which AWS Budgets
			// has deprecated.
			FilterExpression: &awsbudgets.CfnBudget_ExpressionProperty{
				Dimensions: &awsbudgets.CfnBudget_ExpressionDimensionValuesProperty{
					Key:    jsii.String("SERVICE"),
					Values: jsii.Strings(rules.BudgetServices...),
				},
			},
		},
		NotificationsWithSubscribers: &notifications,
	})
	return this
}

// BudgetStackProps configures a [BudgetStack].
type BudgetStackProps struct {
	awscdk.StackProps
	// CostBudget configures the stack's one [CostBudget], with at least
	// its MonthlyLimitUsd and NotifyEmails. Required.
	CostBudget CostBudgetProps
}

// Validate reports every problem with props, one per line, each naming
// its field path ("CostBudget.MonthlyLimitUsd: ..."). [NewBudgetStack]
// panics with the same problems.
func (p *BudgetStackProps) Validate() error {
	if p == nil {
		return errors.New("props: required, with at least CostBudget.MonthlyLimitUsd and CostBudget.NotifyEmails")
	}
	return errors.Join(inField("CostBudget", ".", p.CostBudget.Validate())...)
}

// BudgetStack is a stack holding one [CostBudget]. A budget is the
// account's, not a backup target's: give it a stack of its own, which a
// vault or bucket coming or going leaves alone.
type BudgetStack interface {
	awscdk.Stack
	// CostBudget is the stack's cost budget.
	CostBudget() CostBudget
}

type budgetStack struct {
	awscdk.Stack
	costBudget CostBudget
}

func (s *budgetStack) CostBudget() CostBudget { return s.costBudget }

// NewBudgetStack creates a stack holding one [CostBudget] with the construct
// ID "CostBudget" (the path of its live resource: keep it), tagged
// project = qnap-glacier, with the output BudgetName. It panics on bad
// props, with every problem, one per line, each line starting with the
// stack's path; [BudgetStackProps.Validate] returns the same problems as
// an error.
func NewBudgetStack(scope constructs.Construct, id *string, props *BudgetStackProps) BudgetStack {
	if props == nil {
		props = &BudgetStackProps{}
	}
	if err := props.Validate(); err != nil {
		panic(propsError(scope, id, err))
	}
	s := &budgetStack{}
	awscdk.NewStack_Override(s, scope, id, &props.StackProps)
	stack := s.Stack
	b := NewCostBudget(stack, jsii.String("CostBudget"), &props.CostBudget)
	s.costBudget = b
	awscdk.Tags_Of(stack).Add(jsii.String(rules.ProjectTag), jsii.String(rules.ProjectName), nil)
	output(stack, "BudgetName", b.Budget().Ref(), "The AWS Budgets cost budget over qnap-glacier's services.")
	return s
}
