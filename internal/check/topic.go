package check

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// subscriptions checks that each configured address is subscribed to
// topic and has confirmed: SNS sends e-mail only to confirmed addresses.
func (c *Checker) subscriptions(ctx context.Context, t Target, topic string) {
	if len(t.Emails) == 0 {
		c.add(t.Stack, "e-mail", OK, "no notifyEmails configured: nobody is e-mailed.", "")
		return
	}
	cctx, cancel := c.callContext(ctx)
	defer cancel()
	status := map[string]string{} // address -> subscription ARN
	p := sns.NewListSubscriptionsByTopicPaginator(sns.NewFromConfig(c.Config), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	for p.HasMorePages() {
		page, err := p.NextPage(cctx)
		if err != nil {
			c.add(t.Stack, "e-mail", Fail, "cannot list the topic's subscriptions: "+short(err)+".",
				"run the check with the credentials you deploy with (they need sns:ListSubscriptionsByTopic).")
			return
		}
		for _, s := range page.Subscriptions {
			if aws.ToString(s.Protocol) == "email" {
				status[strings.ToLower(aws.ToString(s.Endpoint))] = aws.ToString(s.SubscriptionArn)
			}
		}
	}
	var pending, absent []string
	for _, e := range t.Emails {
		arn, ok := status[strings.ToLower(e)]
		switch {
		case !ok:
			absent = append(absent, e)
		case arn == "PendingConfirmation" || !strings.HasPrefix(arn, "arn:"):
			pending = append(pending, e)
		}
	}
	if len(absent) > 0 {
		c.add(t.Stack, "e-mail", Fail, "not subscribed: "+strings.Join(absent, ", ")+".", "run cdk deploy "+t.Stack+" again, which subscribes them.")
	}
	if len(pending) > 0 {
		c.add(t.Stack, "e-mail", Fail, "subscription not confirmed: "+strings.Join(pending, ", ")+".",
			"confirm the mail sent to "+strings.Join(pending, " and ")+" (subject \"AWS Notification - Subscription Confirmation\"); if it is gone, remove the address, deploy, add it back and deploy again.")
	}
	if len(absent) == 0 && len(pending) == 0 {
		c.add(t.Stack, "e-mail", OK, fmt.Sprintf("confirmed: %s.", strings.Join(slices.Clone(t.Emails), ", ")), "")
	}
}
