package qnapglacier_test

import (
	"testing"

	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/stretchr/testify/assert"
)

func TestCostBudgetPropsRejectNoLimitAndNoOrTooManyEmails(t *testing.T) {
	err := (&qnapglacier.CostBudgetProps{}).Validate()
	assert.EqualError(t, err, "MonthlyLimitUsd: required\nNotifyEmails: no e-mail address: the budget e-mails its warnings, so give at least one")
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = string(rune('a'+i)) + "@example.com"
	}
	limit := 10.0
	err = (&qnapglacier.CostBudgetProps{MonthlyLimitUsd: &limit, NotifyEmails: eleven}).Validate()
	assert.EqualError(t, err, "NotifyEmails: 11 e-mail addresses: AWS Budgets e-mails at most 10 per warning")
}
