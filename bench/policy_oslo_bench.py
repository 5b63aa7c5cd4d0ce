#!/usr/bin/python3
"""oslo.policy's side of `deno task bench:policy`: Keystone's registered defaults in an
oslo.policy Enforcer, the decisions given on stdin as JSON [{rule, target, creds}] decided in a
loop for the given number of seconds; prints {"decisions", "seconds"} as JSON.

    /usr/bin/python3 bench/policy_oslo_bench.py SECONDS < cases.json
"""
import copy
import json
import logging
import sys
import time
import warnings

warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)

from oslo_config import cfg  # noqa: E402
from oslo_policy import generator, policy  # noqa: E402


def main():
    seconds = float(sys.argv[1])
    cases = json.load(sys.stdin)
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[], default_config_dirs=[])
    enforcer = policy.Enforcer(conf, policy_file="/nonexistent/policy.yaml")
    enforcer.register_defaults(generator.get_policies_dict(["keystone"])["keystone"])
    enforcer.load_rules()
    allowed = [bool(enforcer.enforce(c["rule"], c["target"], copy.copy(c["creds"]))) for c in cases]
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for c in cases:
            enforcer.enforce(c["rule"], c["target"], dict(c["creds"]))
        n += len(cases)
    json.dump({"decisions": n, "seconds": time.perf_counter() - start, "allowed": allowed},
              sys.stdout)


if __name__ == "__main__":
    main()
