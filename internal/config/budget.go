package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// readBudget reads "monthlyBudgetUsd", a setting of the whole app: one
// budget, e-mailing every address any vault or bucket notifies.
func readBudget(v any, c *Config, errs *problems) {
	if v == nil {
		return
	}
	where := inSetting(KeyMonthlyBudget)
	usd, err := number(v, rules.ValidateMonthlyBudgetUsd, rules.MonthlyBudgetUsdAllowed)
	if err != nil {
		errs.add(where, err)
		return
	}
	var emails []string
	for _, vault := range c.Vaults {
		emails = append(emails, c.Settings[vault].NotifyEmails...)
	}
	for _, bucket := range c.Buckets {
		emails = append(emails, c.BucketSettings[bucket].NotifyEmails...)
	}
	slices.Sort(emails)
	emails = slices.Compact(emails)
	if len(emails) == 0 {
		errs.add(where, fmt.Errorf("%v given, but no vault or bucket has %q: the budget e-mails its warnings to those addresses, so set %q too", usd, KeyNotifyEmails, KeyNotifyEmails))
		return
	}
	if err := rules.ValidateBudgetEmails(emails); err != nil {
		errs.add(where, fmt.Errorf("the budget e-mails every vault's and bucket's %q: %w", KeyNotifyEmails, err))
		return
	}
	for _, name := range append(slices.Clone(c.Vaults), c.Buckets...) {
		if strings.EqualFold(rules.StackName(name), rules.BudgetStackName) {
			errs.add(where, fmt.Errorf("%q would get stack %q, the budget's stack: rename it, or drop %q", name, rules.StackName(name), KeyMonthlyBudget))
		}
	}
	c.MonthlyBudgetUsd, c.BudgetEmails = usd, emails
}
