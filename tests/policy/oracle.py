#!/usr/bin/python3
"""Differential-test oracle: Debian's python3-oslo.policy decides what lib/policy must decide.

Reads one JSON document on stdin, {"cases": [...]}, and writes {"results": [...]} on stdout,
one result per case, in order. Run with /usr/bin/python3 (the interpreter that sees Debian's
oslo packages). Case kinds ("op"):

- parse:   {"rule"}                                   -> {"str"}
- format:  {"fmt", "target"}                          -> {"value"} or {"error": ExceptionName}
- kind:    {"kind"}                                   -> {"type": literal|path|error, "str"?}
- enforce: {"policy"?: text, "dirs"?: [[{name:text}]], "defaults"?: [RuleDefault],
            "namespace"?: a service whose registered defaults to load (keystone),
            "conf"?: {enforce_scope, enforce_new_defaults, policy_default_rule},
            "checks": [{"rule", "target", "creds"}]}
           -> {"rules": {name: str(check)}, "check_rules": bool,
               "decisions": [{"enforce": bool | "error:Name", "authorize": "ok" | "Name",
                              "kleene"?: bool | "error"}]}
           where oslo.policy raises, "kleene" is the rule's value in Kleene's three-valued
           logic over oslo.policy's own checks (see kleene() below), which lib/policy follows.
- sample:  {"defaults", "exclude_deprecated"?}        -> {"yaml", "json"} (oslopolicy-sample-generator text)

RuleDefault JSON uses lib/policy's names: name, checkStr, description, operations, scopeTypes,
deprecatedRule {name, checkStr, deprecatedReason, deprecatedSince}, deprecatedForRemoval,
deprecatedReason, deprecatedSince.
"""
import ast
import copy
import json
import logging
import os
import shutil
import sys
import tempfile
import warnings

warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)

from oslo_config import cfg  # noqa: E402
from oslo_policy import _checks, _parser, generator, opts, policy  # noqa: E402


def rule_default(d):
    dep = None
    if d.get("deprecatedRule"):
        r = d["deprecatedRule"]
        dep = policy.DeprecatedRule(r["name"], r["checkStr"],
                                    deprecated_reason=r.get("deprecatedReason"),
                                    deprecated_since=r.get("deprecatedSince"))
    kw = dict(deprecated_rule=dep,
              deprecated_for_removal=d.get("deprecatedForRemoval", False),
              deprecated_reason=d.get("deprecatedReason"),
              deprecated_since=d.get("deprecatedSince"),
              scope_types=d.get("scopeTypes"))
    if d.get("operations") is not None:
        return policy.DocumentedRuleDefault(d["name"], d["checkStr"], d.get("description"),
                                            d["operations"], **kw)
    return policy.RuleDefault(d["name"], d["checkStr"], d.get("description"), **kw)


def outcome(fn):
    try:
        return fn()
    except Exception as e:  # the original raises; lib/policy must deny
        return "error:" + type(e).__name__


ERR = "error"


def kleene(check, target, creds, enforcer, current_rule):
    """The value of a check tree in Kleene's three-valued logic, "error" being unknown.

    The leaves are oslo.policy's own checks, called as oslo.policy calls them: a leaf that
    raises is unknown. `or` is true if any branch is true, else unknown if any is; `and` is
    false if any branch is false, else unknown if any is; `not` of unknown is unknown.
    Branches are tried in order until one decides, and a RecursionError (a cycle reached that
    way) abandons the whole decision, as in lib/policy. RuleCheck keeps oslo.policy's quirk:
    a KeyError inside the referenced rule is False.
    """
    if isinstance(check, (_checks.OrCheck, _checks.AndCheck)):
        stop = isinstance(check, _checks.OrCheck)
        unknown = False
        for r in check.rules:  # in order, stopping at the deciding value, as lib/policy does
            v = kleene(r, target, creds, enforcer, current_rule)
            if v == ERR:
                unknown = True
            elif v == stop:
                return stop
        return ERR if unknown else not stop
    if isinstance(check, _checks.NotCheck):
        v = kleene(check.rule, target, creds, enforcer, current_rule)
        return ERR if v == ERR else not v
    if isinstance(check, _checks.RuleCheck):
        try:
            return kleene(enforcer.rules[check.match], target, creds, enforcer, current_rule)
        except KeyError:
            return False
    try:
        return bool(_checks._check(check, target, creds, enforcer, current_rule))
    except (KeyError, RecursionError):
        raise
    except Exception:
        return ERR


def kleene_enforce(enforcer, rule, target, creds):
    if creds.get("system_scope"):
        creds["system"] = creds.get("system_scope")
    try:
        return kleene(enforcer.rules[rule], target, creds, enforcer, rule)
    except (KeyError, RecursionError):
        return ERR


def op_parse(case):
    return {"str": str(_parser.parse_rule(case["rule"]))}


def op_format(case):
    try:
        return {"value": case["fmt"] % case["target"]}
    except Exception as e:
        return {"error": type(e).__name__}


def op_kind(case):
    try:
        return {"type": "literal", "str": str(ast.literal_eval(case["kind"]))}
    except ValueError:
        return {"type": "path"}
    except Exception:
        return {"type": "error"}


def op_enforce(case, tmp):
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[], default_config_dirs=[])
    opts._register(conf)
    c = case.get("conf", {})
    for key in ("enforce_scope", "enforce_new_defaults", "policy_default_rule"):
        if key in c:
            conf.set_override(key, c[key], "oslo_policy")
    dirs = []
    for i, files in enumerate(case.get("dirs", [])):
        d = os.path.join(tmp, "d%d" % i)
        os.mkdir(d)
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        dirs.append(d)
    conf.set_override("policy_dirs", dirs, "oslo_policy")
    path = os.path.join(tmp, "policy.yaml")
    if case.get("policy") is not None:
        with open(path, "w") as f:
            f.write(case["policy"])
    enforcer = policy.Enforcer(conf, policy_file=path)
    enforcer.register_defaults([rule_default(d) for d in case.get("defaults", [])])
    if case.get("namespace"):
        ns = case["namespace"]
        enforcer.register_defaults(generator.get_policies_dict([ns])[ns])
    enforcer.load_rules()
    decisions = []
    for chk in case.get("checks", []):
        rule, target = chk["rule"], chk.get("target", {})
        e = outcome(lambda: bool(enforcer.enforce(rule, target, copy.deepcopy(chk["creds"]))))

        def auth():
            enforcer.authorize(rule, target, copy.deepcopy(chk["creds"]), do_raise=True)
            return "ok"
        a = outcome(auth)
        d = {"enforce": e, "authorize": a.replace("error:", "")}
        if isinstance(e, str):
            d["kleene"] = kleene_enforce(enforcer, rule, target, copy.deepcopy(chk["creds"]))
        decisions.append(d)
    rules = {k: str(v) for k, v in enforcer.rules.items()}
    return {"rules": rules, "check_rules": enforcer.check_rules(), "decisions": decisions}


def op_sample(case):
    defaults = [rule_default(d) for d in case["defaults"]]
    ex = case.get("exclude_deprecated", False)
    yaml_text = "".join(generator._sort_and_format_by_section(
        {"ns": defaults}, "yaml", exclude_deprecated=ex))
    json_text = "{\n    " + ",\n    ".join(generator._sort_and_format_by_section(
        {"ns": defaults}, "json", exclude_deprecated=ex)) + "\n}\n"
    return {"yaml": yaml_text, "json": json_text}


def main():
    cases = json.load(sys.stdin)["cases"]
    results = []
    for case in cases:
        tmp = tempfile.mkdtemp(prefix="oslo-oracle-")
        try:
            op = case["op"]
            if op == "parse":
                results.append(op_parse(case))
            elif op == "format":
                results.append(op_format(case))
            elif op == "kind":
                results.append(op_kind(case))
            elif op == "enforce":
                results.append(op_enforce(case, tmp))
            elif op == "sample":
                results.append(op_sample(case))
            else:
                results.append({"error": "unknown op %s" % op})
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
