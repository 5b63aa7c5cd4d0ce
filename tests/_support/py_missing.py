"""Prints, one a line, which of the Python modules named on the command line
cannot be found, without importing them: importlib.util.find_spec on the
top-level package, then a path search for each dotted part in its parent's
locations, so `oslo_middleware.healthcheck` is found without running
oslo_middleware's __init__ (find_spec on a dotted name would import it).

    /usr/bin/python3 tests/_support/py_missing.py oslo_config oslo_middleware.healthcheck
"""
import importlib.machinery
import importlib.util
import sys


def found(name):
    top, *parts = name.split(".")
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    for part in parts:
        locations = spec.submodule_search_locations if spec else None
        if not locations:
            return False
        spec = importlib.machinery.PathFinder.find_spec(part, list(locations))
    return spec is not None


for name in sys.argv[1:]:
    if not found(name):
        print(name)
