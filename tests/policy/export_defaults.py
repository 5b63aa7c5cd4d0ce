#!/usr/bin/python3
"""Exports a service's registered policy defaults as JSON (lib/policy's RuleDefault shape).

    /usr/bin/python3 tests/policy/export_defaults.py keystone > keystone_defaults.json

Loads the defaults exactly as oslopolicy-sample-generator does (oslo.policy's generator over the
`oslo.policy.policies` entry point of the namespace) and writes them in registration order.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")

from oslo_policy import generator  # noqa: E402


def export(rule):
    out = {"name": rule.name, "checkStr": rule.check_str}
    if rule.description is not None:
        out["description"] = rule.description
    if getattr(rule, "operations", None) is not None:
        out["operations"] = [{"path": o["path"], "method": o["method"]} for o in rule.operations]
    if rule.scope_types is not None:
        out["scopeTypes"] = list(rule.scope_types)
    dep = rule.deprecated_rule
    if dep:
        d = {"name": dep.name, "checkStr": dep.check_str}
        if dep.deprecated_reason is not None:
            d["deprecatedReason"] = dep.deprecated_reason
        if dep.deprecated_since is not None:
            d["deprecatedSince"] = dep.deprecated_since
        out["deprecatedRule"] = d
    if rule.deprecated_for_removal:
        out["deprecatedForRemoval"] = True
    if rule.deprecated_reason is not None:
        out["deprecatedReason"] = rule.deprecated_reason
    if rule.deprecated_since is not None:
        out["deprecatedSince"] = rule.deprecated_since
    return out


def main():
    namespaces = sys.argv[1:] or ["keystone"]
    policies = generator.get_policies_dict(namespaces)
    rules = [export(r) for ns in namespaces for r in policies[ns]]
    json.dump(rules, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
