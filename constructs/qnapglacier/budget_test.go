package qnapglacier_test

import (
	"strings"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
)

func TestValidateMonthlyBudgetUsd(t *testing.T) {
	for _, ok := range []float64{0.01, 1, 12.5, 12.34, 100000} {
		assert.NoError(t, rules.ValidateMonthlyBudgetUsd(ok), ok)
	}
	for bad, want := range map[float64]string{
		0:         "0: must be more than 0",
		-1:        "-1: must be more than 0",
		12.345:    "12.345 has 3 decimals: must be",
		0.001:     "0.001 has 3 decimals: must be",
		100000.01: "100000.01: must be more than 0 and at most 100000 US dollars",
		1e12:      "1e+12: must be",
	} {
		err := rules.ValidateMonthlyBudgetUsd(bad)
		if assert.Error(t, err, bad) {
			assert.True(t, strings.HasPrefix(err.Error(), want), err.Error())
		}
	}
}

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
