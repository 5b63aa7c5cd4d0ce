"""Oracle for the differential tests: runs cases through oslo.limit 2.0.1.

Reads a JSON array of cases on stdin, writes a JSON array of results on
stdout. Each case sets up oslo.limit's own LimitFixture with its registered and
project limits, builds one Enforcer (cache on, as by default) and runs its
steps in order against it:

  {"op": "enforce", "pid": P, "deltas": {...}}
  {"op": "calc", "pid": P, "resources": [...]}
  {"op": "reg", "resources": [...]}
  {"op": "plimits", "pid": P, "resources": [...]}
  {"op": "set", "reg": {...}, "proj": {...}}   # changes limits "in Keystone"

The usage callback answers from the case's "usage" (resources missing there
are missing from its answer) and records each call. Run with /usr/bin/python3.
"""

import json
import logging
import sys

from oslo_limit import exception
from oslo_limit import fixture
from oslo_limit import limit

logging.disable(logging.CRITICAL)


def run_case(case):
    fx = fixture.LimitFixture(case["reg"], case["proj"])
    fx.setUp()
    calls = []
    usage = case["usage"]

    def callback(project_id, names):
        calls.append([project_id, list(names)])
        return {n: usage[n] for n in names if n in usage}

    results = []
    try:
        enforcer = limit.Enforcer(callback)
        for step in case["steps"]:
            calls.clear()
            op = step["op"]
            out = {}
            try:
                if op == "enforce":
                    enforcer.enforce(step["pid"], step["deltas"])
                    out["ok"] = True
                elif op == "calc":
                    r = enforcer.calculate_usage(step["pid"], step["resources"])
                    out["value"] = {k: [v.limit, v.usage] for k, v in r.items()}
                elif op == "reg":
                    out["value"] = [list(p) for p in
                                    enforcer.get_registered_limits(step["resources"])]
                elif op == "plimits":
                    out["value"] = [list(p) for p in enforcer.get_project_limits(
                        step["pid"], step["resources"])]
                elif op == "set":
                    # The fixture reads these dicts at lookup time: mutate in place.
                    fx.reglimits.clear()
                    fx.reglimits.update(step["reg"])
                    fx.projlimits.clear()
                    fx.projlimits.update(step["proj"])
                    out["ok"] = True
            except exception.ProjectOverLimit as e:
                out["over"] = [[i.resource_name, i.limit, i.current_usage, i.delta]
                               for i in e.over_limit_info_list]
                out["message"] = str(e)
            except (ValueError, KeyError) as e:
                out["error"] = type(e).__name__
                out["message"] = str(e)
            out["calls"] = [list(c) for c in calls]
            results.append(out)
    finally:
        fx.cleanUp()
    return results


def main():
    cases = json.load(sys.stdin)
    json.dump([run_case(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
