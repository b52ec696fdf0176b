package qnapglacier

import (
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// nagSuppression is one cdk-nag finding this package accepts on purpose,
// with the reason a reviewer reads in the template.
type nagSuppression struct {
	id        string
	reason    string
	appliesTo []string
}

// suppressNag records suppressions on the CloudFormation resource behind c in
// the metadata format cdk-nag reads (what NagSuppressions writes), so that
// callers running cdk-nag see this package's reasons without this package
// loading cdk-nag at every synth.
func suppressNag(c constructs.IConstruct, rules ...nagSuppression) {
	addNagMetadata(c, true, rules)
}

// suppressNagOnNew is suppressNag for a construct this package has just
// created, whose resource has no cdk-nag metadata yet: it saves the jsii
// round trip that reads it.
func suppressNagOnNew(c constructs.IConstruct, rules ...nagSuppression) {
	addNagMetadata(c, false, rules)
}

func addNagMetadata(c constructs.IConstruct, keep bool, rules []nagSuppression) {
	cfn, ok := c.Node().DefaultChild().(awscdk.CfnResource)
	if !ok {
		cfn, ok = c.(awscdk.CfnResource)
	}
	if !ok {
		panic("qnapglacier: no CloudFormation resource behind " + *c.Node().Path())
	}
	addNagToResource(cfn, keep, rules)
}

// addNagToResource records rules on cfn; keep reads and keeps what is
// recorded there already (a jsii round trip).
func addNagToResource(cfn awscdk.CfnResource, keep bool, rules []nagSuppression) {
	// Keep what others (the caller, cdk-nag's NagSuppressions) recorded on
	// the same resource, and record each rule once.
	var list []any
	if keep {
		if old, ok := cfn.GetMetadata(jsii.String("cdk_nag")).(map[string]any); ok {
			list, _ = old["rules_to_suppress"].([]any)
		}
	}
	for _, r := range rules {
		if slices.ContainsFunc(list, func(x any) bool { m, _ := x.(map[string]any); return m["id"] == r.id }) {
			continue
		}
		m := map[string]any{"id": r.id, "reason": r.reason}
		if len(r.appliesTo) > 0 {
			m["applies_to"] = r.appliesTo
		}
		list = append(list, m)
	}
	cfn.AddMetadata(jsii.String("cdk_nag"), map[string]any{"rules_to_suppress": list})
}
