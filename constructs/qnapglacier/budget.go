package qnapglacier

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsbudgets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// A cost budget is an account's, not a stack's: AWS Budgets names are
// unique per account, and one budget covers every vault and bucket. So the
// app puts it in a stack of its own (BudgetStackName), which a vault or
// bucket coming or going leaves alone, instead of in one of their stacks.

// MaxMonthlyBudgetUsd bounds a cost budget's monthly limit. It is far above
// anything these stacks could cost (100,000 USD a month stores some 25 PB
// in Glacier at about $0.004 per GB-month), so a larger value is a typo
// (a misplaced decimal point, cents for dollars) rather than a plan.
const MaxMonthlyBudgetUsd = 100000

// maxBudgetEmails is AWS Budgets' limit on e-mail subscribers per
// notification.
const maxBudgetEmails = 10

// BudgetServices are the services the stacks use, as AWS Budgets (Cost
// Explorer's SERVICE dimension) spells them: the vault API, S3 (buckets,
// and the CDK's bootstrap assets), Secrets Manager (the key), SNS (the
// topics), Lambda (the watcher and the custom-resource handler) and
// CloudWatch (their logs and alarms).
var BudgetServices = []string{
	"Amazon Glacier",
	"Amazon Simple Storage Service",
	"AWS Secrets Manager",
	"Amazon Simple Notification Service",
	"AWS Lambda",
	"AmazonCloudWatch",
}

// budgetThresholds are the notifications: 80 % and 100 % of the actual
// spend, and 100 % of the forecast.
var budgetThresholds = []struct {
	kind    string
	percent float64
}{{"ACTUAL", 80}, {"ACTUAL", 100}, {"FORECASTED", 100}}

// CostBudgetProps configures a [CostBudget].
type CostBudgetProps struct {
	// MonthlyLimitUsd is the monthly spend, in US dollars, the budget
	// warns about: more than 0, at most [MaxMonthlyBudgetUsd], with at most
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

// Validate returns every problem with p, one per line, or nil.
func (p *CostBudgetProps) Validate() error {
	var errs []error
	if p.MonthlyLimitUsd == nil {
		errs = append(errs, errors.New("MonthlyLimitUsd: required"))
	} else if err := ValidateMonthlyBudgetUsd(*p.MonthlyLimitUsd); err != nil {
		errs = append(errs, fmt.Errorf("MonthlyLimitUsd: %w", err))
	}
	if err := ValidateBudgetEmails(p.NotifyEmails); err != nil {
		errs = append(errs, fmt.Errorf("NotifyEmails: %w", err))
	}
	return errors.Join(errs...)
}

// ValidateMonthlyBudgetUsd checks a monthly budget in US dollars.
func ValidateMonthlyBudgetUsd(usd float64) error {
	const allowed = "must be more than 0 and at most %d US dollars, with at most 2 decimals (cents)"
	if math.IsNaN(usd) || usd <= 0 || usd > MaxMonthlyBudgetUsd {
		return fmt.Errorf("%v: "+allowed, usd, MaxMonthlyBudgetUsd)
	}
	text := strconv.FormatFloat(usd, 'f', -1, 64)
	if _, frac, ok := strings.Cut(text, "."); ok && len(frac) > 2 {
		return fmt.Errorf("%s has %d decimals: "+allowed, text, len(frac), MaxMonthlyBudgetUsd)
	}
	return nil
}

// ValidateBudgetEmails checks a budget's e-mail subscribers: at least one
// (a budget that tells no one is a silent one), at most AWS Budgets' 10.
func ValidateBudgetEmails(emails []string) error {
	switch {
	case len(emails) == 0:
		return errors.New("no e-mail address: the budget e-mails its warnings, so give at least one")
	case len(emails) > maxBudgetEmails:
		return fmt.Errorf("%d e-mail addresses: AWS Budgets e-mails at most %d per warning", len(emails), maxBudgetEmails)
	}
	return ValidateNotifyEmails(emails)
}

// NewCostBudget creates a monthly cost budget, filtered to
// [BudgetServices], that e-mails props.NotifyEmails at 80 % and 100 % of
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
					Values: jsii.Strings(BudgetServices...),
				},
			},
		},
		NotificationsWithSubscribers: &notifications,
	})
	return this
}

// BudgetStackName is the name of the stack the qnap-glacier app puts its
// one cost budget in.
const BudgetStackName = stackNamePrefix + "Budget"

// BudgetStackProps configures a [BudgetStack].
type BudgetStackProps struct {
	awscdk.StackProps
	// CostBudget configures the stack's one [CostBudget].
	CostBudget CostBudgetProps
}

// NewBudgetStack creates a stack holding one [CostBudget] with the construct
// ID "CostBudget", tagged [ProjectTag] = [ProjectName]. It panics on bad
// props, as [NewCostBudget] does.
func NewBudgetStack(scope constructs.Construct, id *string, props *BudgetStackProps) awscdk.Stack {
	if props == nil {
		props = &BudgetStackProps{}
	}
	if err := props.CostBudget.Validate(); err != nil {
		panic(propsError(scope, id, err))
	}
	stack := awscdk.NewStack(scope, id, &props.StackProps)
	b := NewCostBudget(stack, jsii.String("CostBudget"), &props.CostBudget)
	awscdk.Tags_Of(stack).Add(jsii.String(ProjectTag), jsii.String(ProjectName), nil)
	output(stack, "BudgetName", b.Budget().Ref(), "The AWS Budgets cost budget over qnap-glacier's services.")
	return stack
}
