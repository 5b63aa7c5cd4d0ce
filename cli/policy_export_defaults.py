#!/usr/bin/python3
"""Exports a service's registered policy defaults as JSON (lib/policy's RuleDefault shape).

    /usr/bin/python3 cli/policy_export_defaults.py keystone > keystone_defaults.json
    /usr/bin/python3 cli/policy_export_defaults.py --list

The policy tools' helper for `--namespace` (cli/policy_tool.ts). Loads the defaults exactly as
oslopolicy-sample-generator does (oslo.policy's generator over the `oslo.policy.policies` entry
point of each namespace) and writes them in registration order, namespaces in the order given.
`--list` writes the namespaces this interpreter can load, as a JSON list.

Exit status 3, with {"missing": [...], "known": [...]} on stdout, when a namespace has no entry
point; 2 when oslo.policy is not importable.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")

try:
    from oslo_policy import generator  # noqa: E402
except ImportError as e:
    sys.stderr.write("oslo.policy is not importable: %s\n" % e)
    sys.exit(2)


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


def known():
    from importlib.metadata import entry_points
    return sorted({e.name for e in entry_points(group="oslo.policy.policies")})


def main():
    if sys.argv[1:] == ["--list"]:
        json.dump(known(), sys.stdout)
        sys.stdout.write("\n")
        return
    namespaces = sys.argv[1:] or ["keystone"]
    missing = [ns for ns in namespaces if ns not in known()]
    if missing:
        json.dump({"missing": missing, "known": known()}, sys.stdout)
        sys.stdout.write("\n")
        sys.exit(3)
    policies = generator.get_policies_dict(namespaces)
    rules = [export(r) for ns in namespaces for r in policies[ns]]
    json.dump(rules, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
