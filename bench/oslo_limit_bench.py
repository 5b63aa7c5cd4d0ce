"""Baseline for bench/limit_bench.ts: oslo.limit's Enforcer.enforce on its
cached path (LimitFixture limits; every limit a project limit, so after the
first call every lookup is a cache hit). Prints JSON: microseconds per call.
Run with /usr/bin/python3."""

import json
import logging
import sys
import time

from oslo_limit import fixture
from oslo_limit import limit

logging.disable(logging.CRITICAL)


def per_call(n_resources, iterations):
    names = ["r%d" % i for i in range(n_resources)]
    fx = fixture.LimitFixture({n: 1000 for n in names}, {"p": {n: 100 for n in names}})
    fx.setUp()
    usage = {n: 10 for n in names}
    enforcer = limit.Enforcer(lambda pid, rs: usage)
    deltas = {n: 1 for n in names}
    for _ in range(1000):
        enforcer.enforce("p", deltas)
    t0 = time.perf_counter()
    for _ in range(iterations):
        enforcer.enforce("p", deltas)
    elapsed = time.perf_counter() - t0
    fx.cleanUp()
    return elapsed / iterations * 1e6


iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
print(json.dumps({"1": per_call(1, iterations), "10": per_call(10, iterations // 4)}))
