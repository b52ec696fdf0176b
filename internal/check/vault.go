package check

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glacier"
)

// glacierEvents are the two events a vault's notifications must carry.
var glacierEvents = []string{"ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"}

// watcherGrace is how long after the NAS creates a vault in app mode the
// check waits for the stack's hourly watcher to configure it.
const watcherGrace = 90 * time.Minute

// vault checks a vault with the NAS's key: Glacier serves the account, the
// vault exists (or waits for the NAS), its notifications, tags and
// protection are as configured, and the key cannot delete it.
func (c *Checker) vault(ctx context.Context, t Target, info *stackInfo) {
	g := glacier.NewFromConfig(info.nas)
	name := info.outputs["VaultName"]
	stack := t.Stack
	deploy := "run cdk deploy " + stack + " again, which sets the vault's notifications, tags and protection."
	if t.Mode == "app" {
		deploy = "the stack's watcher sets it within the hour after the vault appears; if it has not, read the watcher's log group in CloudWatch, or set \"vaultMode\": \"existing\" for this vault in cdk.json and run cdk deploy " + stack + "."
	}

	cctx, cancel := c.callContext(ctx)
	defer cancel()
	_, err := g.ListVaults(cctx, &glacier.ListVaultsInput{AccountId: aws.String("-"), Limit: aws.Int32(1)})
	switch {
	case code(err) == "NoLongerSupportedException":
		c.add(stack, "glacier", Fail, "Amazon Glacier does not serve this account (NoLongerSupportedException: it takes no new customers since December 2025).",
			fmt.Sprintf("back up to an S3 bucket instead: move %q from \"vaults\" to \"buckets\" in cdk.json and run cdk deploy.", t.Name))
		return
	case isAccessDenied(err):
		c.add(stack, "glacier", Fail, "the NAS's key may not list vaults ("+short(err)+").", "run cdk deploy "+stack+" again to restore the user's policy.")
	case err != nil:
		c.add(stack, "glacier", Fail, "cannot reach Glacier: "+short(err)+".", "check the network and the region, and run the check again.")
		return
	default:
		c.add(stack, "glacier", OK, "Amazon Glacier serves this account.", "")
	}

	d, err := g.DescribeVault(cctx, &glacier.DescribeVaultInput{AccountId: aws.String("-"), VaultName: aws.String(name)})
	exists := err == nil
	switch {
	case exists:
		c.add(stack, "vault", OK, fmt.Sprintf("%s exists, %d archives at the last inventory.", name, d.NumberOfArchives), "")
	case code(err) == "ResourceNotFoundException" && t.Mode == "app":
		c.add(stack, "vault", Waiting, name+" does not exist yet: the NAS's backup app creates it on its first backup, with the stack's key.", "")
	case code(err) == "ResourceNotFoundException" && t.Mode == "existing":
		c.add(stack, "vault", Fail, name+" does not exist, and vaultMode is existing.",
			"set \"vaultMode\" to \"app\" to let the NAS create it, or \"stack\" to create it at deploy, and run cdk deploy "+stack+".")
	case code(err) == "ResourceNotFoundException":
		c.add(stack, "vault", Fail, name+" does not exist, though the stack creates it.", "run cdk deploy "+stack+" again.")
	default:
		c.add(stack, "vault", Fail, "the NAS's key cannot describe "+name+" ("+short(err)+").", "run cdk deploy "+stack+" again to restore the user's policy.")
	}

	if exists {
		// In app mode the watcher configures a new vault within the hour.
		young := t.Mode == "app" && c.created(d.CreationDate).After(c.now().Add(-watcherGrace))
		miss := func(check, detail string) {
			if young {
				c.add(stack, check, Waiting, detail+" The vault is new: the stack's watcher sets it within the hour.", "")
			} else {
				c.add(stack, check, Fail, detail, deploy)
			}
		}
		c.notifications(cctx, g, t, name, info.outputs["TopicArn"], miss)
		c.tags(cctx, g, t, name, miss)
		c.protection(cctx, g, t, name, miss)
	}
	c.vaultDelete(cctx, g, stack, name, exists, d)
}

func (c *Checker) created(date *string) time.Time {
	if date == nil {
		return time.Time{}
	}
	at, err := time.Parse(time.RFC3339, *date)
	if err != nil {
		return time.Time{}
	}
	return at
}

func (c *Checker) notifications(ctx context.Context, g *glacier.Client, t Target, name, topic string, miss func(string, string)) {
	out, err := g.GetVaultNotifications(ctx, &glacier.GetVaultNotificationsInput{AccountId: aws.String("-"), VaultName: aws.String(name)})
	if code(err) == "ResourceNotFoundException" {
		miss("notifications", "the vault has no notifications: finished retrievals announce nothing.")
		return
	}
	if err != nil {
		c.add(t.Stack, "notifications", Fail, "cannot read them: "+short(err)+".", "run cdk deploy "+t.Stack+" again to restore the user's policy.")
		return
	}
	cfg := out.VaultNotificationConfig
	got := aws.ToString(cfg.SNSTopic)
	if got != topic {
		miss("notifications", fmt.Sprintf("they go to %s, not to the stack's topic %s.", got, topic))
		return
	}
	var missing []string
	for _, e := range glacierEvents {
		if !slices.Contains(cfg.Events, e) {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 {
		miss("notifications", "they lack "+strings.Join(missing, " and ")+".")
		return
	}
	c.add(t.Stack, "notifications", OK, "both events go to the stack's topic.", "")
}

func (c *Checker) tags(ctx context.Context, g *glacier.Client, t Target, name string, miss func(string, string)) {
	out, err := g.ListTagsForVault(ctx, &glacier.ListTagsForVaultInput{AccountId: aws.String("-"), VaultName: aws.String(name)})
	if err != nil {
		c.add(t.Stack, "tags", Fail, "cannot read them: "+short(err)+".", "run cdk deploy "+t.Stack+" again to restore the user's policy.")
		return
	}
	var wrong []string
	for _, k := range slices.Sorted(maps.Keys(t.Tags)) {
		if v, ok := out.Tags[k]; !ok || v != t.Tags[k] {
			wrong = append(wrong, fmt.Sprintf("%s=%s", k, t.Tags[k]))
		}
	}
	if len(wrong) > 0 {
		miss("tags", "missing or different: "+strings.Join(wrong, ", ")+".")
		return
	}
	c.add(t.Stack, "tags", OK, fmt.Sprintf("the %d configured tags are set.", len(t.Tags)), "")
}

// protection checks the vault access policy: with protectArchivesDays it
// must deny glacier:DeleteArchive for archives younger than that.
func (c *Checker) protection(ctx context.Context, g *glacier.Client, t Target, name string, miss func(string, string)) {
	out, err := g.GetVaultAccessPolicy(ctx, &glacier.GetVaultAccessPolicyInput{AccountId: aws.String("-"), VaultName: aws.String(name)})
	if t.ProtectDays <= 0 {
		c.add(t.Stack, "protection", OK, "off (protectArchivesDays is not set): the NAS's key may delete any archive.", "")
		return
	}
	days := strconv.FormatFloat(t.ProtectDays, 'f', 0, 64)
	if code(err) == "ResourceNotFoundException" {
		miss("protection", "the vault has no access policy: archives younger than "+days+" days can be deleted.")
		return
	}
	if err != nil {
		c.add(t.Stack, "protection", Fail, "cannot read the vault access policy: "+short(err)+".", "run cdk deploy "+t.Stack+" again to restore the user's policy.")
		return
	}
	var doc struct {
		Statement []struct {
			Effect    string
			Action    any
			Condition map[string]map[string]any
		}
	}
	if out.Policy != nil {
		_ = json.Unmarshal([]byte(aws.ToString(out.Policy.Policy)), &doc)
	}
	for _, s := range doc.Statement {
		if s.Effect == "Deny" && fmt.Sprint(s.Action) == "glacier:DeleteArchive" &&
			fmt.Sprint(s.Condition["NumericLessThan"]["glacier:ArchiveAgeInDays"]) == days {
			c.add(t.Stack, "protection", OK, "the vault access policy denies deleting archives younger than "+days+" days.", "")
			return
		}
	}
	miss("protection", "the vault access policy does not deny deleting archives younger than "+days+" days.")
}

// vaultDelete proves the NAS's key cannot delete the vault. IAM answers
// before Glacier looks at the vault, so for a vault that does not exist
// the answer is IAM's alone. Glacier refuses to delete a vault that holds
// archives, so trying then is harmless too; an empty vault is not tried,
// since a key that may delete it would.
func (c *Checker) vaultDelete(ctx context.Context, g *glacier.Client, stack, name string, exists bool, d *glacier.DescribeVaultOutput) {
	if exists && d.NumberOfArchives == 0 {
		c.add(stack, "vault delete", Waiting, "not tried while the vault is empty (a key allowed to delete it would); tried once it holds archives.", "")
		return
	}
	_, err := g.DeleteVault(ctx, &glacier.DeleteVaultInput{AccountId: aws.String("-"), VaultName: aws.String(name)})
	if isAccessDenied(err) {
		c.add(stack, "vault delete", OK, "DeleteVault by the NAS's key is refused (AccessDenied).", "")
		return
	}
	detail := "DeleteVault by the NAS's key was not refused for lack of permission"
	if err != nil {
		detail += " (" + short(err) + ")"
	}
	c.add(stack, "vault delete", Fail, detail+": a stolen key could delete the vault once it is empty.",
		"remove glacier:DeleteVault from every policy attached to the backup user, and from the vault access policy.")
}
