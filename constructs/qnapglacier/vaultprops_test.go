package qnapglacier_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
)

func TestValidatePropsCollectsEveryProblem(t *testing.T) {
	props := &qnapglacier.BackupUserProps{
		VaultName:    jsii.String("my vault"),
		UserName:     jsii.String(strings.Repeat("u", 65)),
		UserPath:     jsii.String("automation"),
		KeySerial:    jsii.Number(-3),
		NotifyEmails: []string{"not-an-address", "a@example.com", "A@example.com"},
	}
	err := props.Validate()
	if !assert.Error(t, err) {
		return
	}
	lines := strings.Split(err.Error(), "\n")
	assert.Len(t, lines, 6, err.Error())
	for i, field := range []string{"VaultName: ", "UserName: ", "UserPath: ", "KeySerial: ", "NotifyEmails: ", "NotifyEmails: "} {
		assert.True(t, strings.HasPrefix(lines[i], field), "line %d %q should name %s", i, lines[i], field)
	}
	assert.Contains(t, lines[5], "listed twice")
}

func TestValidatePropsRejectsMissingVaultName(t *testing.T) {
	assert.EqualError(t, (&qnapglacier.BackupUserProps{}).Validate(), "VaultName: required")
	var nilProps *qnapglacier.BackupUserProps
	assert.ErrorContains(t, nilProps.Validate(), "VaultName")
}

func TestValidatePropsAcceptsMinimalProps(t *testing.T) {
	assert.NoError(t, (&qnapglacier.BackupUserProps{VaultName: jsii.String("v")}).Validate())
}

// The enums' lists are the ones internal/rules checks settings against
// (the app's cdk.json is read with those).
func TestEnumListsAreTheRulesLists(t *testing.T) {
	var modes, classes []string
	for _, m := range qnapglacier.VaultModes() {
		modes = append(modes, string(m))
	}
	for _, c := range qnapglacier.StorageClasses() {
		classes = append(classes, string(c))
	}
	assert.Equal(t, rules.VaultModes, modes)
	assert.Equal(t, rules.StorageClasses, classes)
	assert.EqualError(t, (&qnapglacier.BackupUserProps{VaultName: jsii.String("v"), VaultMode: "banana"}).Validate(),
		`VaultMode: "banana" is not a vault mode: must be one of app, existing, stack`)
}

func TestVaultModesCannotBeWidenedFromOutside(t *testing.T) {
	modes := qnapglacier.VaultModes()
	modes[0] = "bogus"
	_ = append(modes, "bogus")
	assert.Equal(t, []qnapglacier.VaultMode{"app", "existing", "stack"}, qnapglacier.VaultModes())
	assert.ErrorContains(t, rules.ValidateVaultMode("bogus"), "is not a vault mode")
	assert.ErrorContains(t, (&qnapglacier.BackupUserProps{VaultName: jsii.String("v"), VaultMode: "bogus"}).Validate(),
		`VaultMode: "bogus" is not a vault mode`)
}

func TestValidatePropsChecksTheVaultSettings(t *testing.T) {
	err := (&qnapglacier.BackupUserProps{
		VaultName:           jsii.String("v"),
		VaultMode:           "banana",
		ProtectArchivesDays: jsii.Number(-3),
		VaultTags:           map[string]string{"aws:x": "1"},
	}).Validate()
	assert.EqualError(t, err, `VaultMode: "banana" is not a vault mode: must be one of app, existing, stack`+"\n"+
		`ProtectArchivesDays: -3: must be a whole number of days from 0 (off) to 36500`+"\n"+
		`VaultTags: key "aws:x": must not start with "aws:", which AWS reserves`)
}

func TestRejectsTagsTheAppModeWatcherCannotCarry(t *testing.T) {
	big := map[string]string{}
	for i := range 10 {
		big[fmt.Sprintf("%03d", i)+strings.Repeat("k", 125)] = strings.Repeat("v", 256)
	}
	cases := []struct {
		name    string
		props   qnapglacier.BackupUserProps
		wantErr string
	}{
		{"rejects ten longest tags in app mode", qnapglacier.BackupUserProps{VaultName: jsii.String("Photos"), VaultTags: big},
			"VaultTags: 3901 characters of tags as JSON: in app mode the watcher carries them"},
		{"accepts them in existing mode, which carries no tags in a Lambda", qnapglacier.BackupUserProps{
			VaultName: jsii.String("Photos"), VaultTags: big, VaultMode: qnapglacier.VaultModeExisting}, ""},
		{"accepts a few tags with protection in app mode", qnapglacier.BackupUserProps{
			VaultName: jsii.String(strings.Repeat("v", 255)), VaultTags: map[string]string{"owner": "me", "site": "home"},
			ProtectArchivesDays: jsii.Number(90)}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.props.Validate()
			if c.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.wantErr)
				assert.Regexp(t, `this vault can carry at most \d+ characters of tags`, err.Error())
			}
		})
	}
}

// In app mode the watcher keeps a message SNS refused in a vault tag until
// it is sent, so the owner's tags leave it one of Glacier's 50: 2 are the
// stack's, 47 the owner's at most.
func TestAppModeLeavesTheWatcherOneTagForAnUnsentMessage(t *testing.T) {
	tags := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("t%02d", i)] = "v"
		}
		return m
	}
	props := func(n int, mode qnapglacier.VaultMode) *qnapglacier.BackupUserProps {
		return &qnapglacier.BackupUserProps{VaultName: jsii.String("Photos"), VaultTags: tags(n), VaultMode: mode}
	}
	assert.NoError(t, props(rules.MaxVaultTags-1, "").Validate())
	assert.EqualError(t, props(rules.MaxVaultTags, qnapglacier.VaultModeApp).Validate(),
		"VaultTags: 48 tags: at most 47 in app mode, where the watcher needs one of Glacier's 50 tags per vault "+
			"(qnap-glacier:unsent) to keep a message SNS refused until it is sent; use fewer tags, or existing mode once the vault exists")
	assert.NoError(t, props(rules.MaxVaultTags, qnapglacier.VaultModeExisting).Validate(), "existing mode has no watcher")
	code, err := os.ReadFile("watcher.js")
	if assert.NoError(t, err) {
		assert.Contains(t, string(code), "const UNSENT = 'qnap-glacier:unsent';", "the tag the message names is the watcher's")
	}
}
