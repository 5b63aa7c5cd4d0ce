"""Oracle for lib/config's differential tests: oslo.config 9.0.0 itself.

Reads one JSON array of requests on stdin, writes one JSON array of answers on
stdout (one process per batch). Requests:

  {"op": "ini", "text": str}
      -> {"sections": {...}, "ordered": [[section, [[key, values]]]]} or {"error": {"msg", "lineno"}}
  {"op": "type", "type": spec, "value": any}
      -> {"value": v} or {"error": str} or {"construct_error": str}
  {"op": "conf", "opts": [optspec], "files": [text], "args": [str], "env": {}}
      -> {"values": {"group/name": {"value", "location", "detail"}}} or {"error": str}

Run with /usr/bin/python3 (Debian's python3-oslo.config).
"""
import copy
import json
import logging
import os
import sys
import tempfile

from oslo_config import cfg
from oslo_config import types


def build_type(spec):
    kind = spec["kind"]
    args = {k: v for k, v in spec.items() if k != "kind"}
    if kind in ("List", "Dict"):
        inner = args.pop("item_type", None) or args.pop("value_type", None)
        key = "item_type" if kind == "List" else "value_type"
        if inner is not None:
            args[key] = build_type(inner)
    if "choices" in args and args["choices"] is not None:
        args["choices"] = [tuple(c) if isinstance(c, list) else c for c in args["choices"]]
    return getattr(types, kind)(**args)


def encode(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"float": repr(v)}
    if isinstance(v, range):
        return {"range": [v.start, v.stop, v.step]}
    if isinstance(v, (list, tuple)):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        return {"dict": [[k, encode(x)] for k, x in v.items()]}
    return {"repr": repr(v)}


def op_ini(req):
    fd, path = tempfile.mkstemp(suffix=".conf")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(req["text"].encode("utf-8"))
        sections = {}
        parser = cfg.ConfigParser(path, sections)
        try:
            parser.parse()
        except cfg.ParseError as e:
            return {"error": {"msg": e.msg, "lineno": e.lineno}}
        # JSON objects lose the order of integer-like keys once parsed: send it as lists too.
        ordered = [[s, [[k, v] for k, v in keys.items()]] for s, keys in sections.items()]
        return {"sections": sections, "ordered": ordered}
    finally:
        os.unlink(path)


def op_type(req):
    try:
        t = build_type(req["type"])
    except Exception as e:  # noqa
        return {"construct_error": "%s: %s" % (type(e).__name__, e)}
    try:
        return {"value": encode(t(req["value"]))}
    except ValueError as e:
        return {"error": str(e)}
    except Exception as e:  # noqa: non-ValueError failures are reported apart
        return {"crash": "%s: %s" % (type(e).__name__, e)}


OPT_CLASSES = {
    "StrOpt": cfg.StrOpt, "IntOpt": cfg.IntOpt, "BoolOpt": cfg.BoolOpt,
    "ListOpt": cfg.ListOpt, "MultiStrOpt": cfg.MultiStrOpt, "FloatOpt": cfg.FloatOpt,
}


def op_conf(req):
    conf = cfg.ConfigOpts()
    for spec in req["opts"]:
        kw = dict(spec.get("kw", {}))
        if "deprecated_opts" in kw:
            kw["deprecated_opts"] = [cfg.DeprecatedOpt(d.get("name"), group=d.get("group"))
                                     for d in kw["deprecated_opts"]]
        opt = OPT_CLASSES[spec["class"]](spec["name"], **kw)
        group = spec.get("group")
        if spec.get("cli"):
            conf.register_cli_opt(opt, group=group)
        else:
            conf.register_opt(opt, group=group)
    tmp = tempfile.mkdtemp()
    args = []
    for i, text in enumerate(req["files"]):
        path = os.path.join(tmp, "f%d.conf" % i)
        with open(path, "w") as f:
            f.write(text)
    for a in req["args"]:
        if a.startswith("@file"):
            args.append(os.path.join(tmp, "f%s.conf" % a[5:]))
        else:
            args.append(a)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(req.get("env", {}))
    out = {}
    try:
        conf(args=args, default_config_files=[], default_config_dirs=[])
        for spec in req["opts"]:
            group = spec.get("group")
            name = spec["name"].replace("-", "_")
            key = "%s/%s" % (group or "DEFAULT", name)
            try:
                value = conf[group][name] if group else conf[name]
                loc = conf.get_location(name, group)
                out[key] = {"value": encode(value),
                            "location": loc.location.name if loc else None}
            except Exception as e:  # noqa
                out[key] = {"error": type(e).__name__}
        return {"values": out}
    except BaseException as e:  # noqa: SystemExit from argparse too
        return {"error": type(e).__name__}
    finally:
        os.environ.clear()
        os.environ.update(saved)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []
        self.setFormatter(logging.Formatter(logging.BASIC_FORMAT))

    def emit(self, record):
        self.lines.append(self.format(record))


def op_validate(req):
    """Runs oslo-config-validator's main() with argv, capturing its log lines."""
    from oslo_config import validator
    if not hasattr(validator, "_cached_load"):
        # The same --opt-data for every case: parse the YAML once (PyYAML is slow).
        validator._cached_load = validator.load_opt_data
        cache = {}

        def load(conf):
            if conf.opt_data not in cache:
                cache[conf.opt_data] = validator._cached_load(conf)
            return copy.deepcopy(cache[conf.opt_data])
        validator.load_opt_data = load
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "input.conf")
    with open(path, "w") as f:
        f.write(req["text"])
    argv = [a.replace("@input", path) for a in req["argv"]]
    root = logging.getLogger()
    capture = _Capture()
    root.handlers = [capture]
    root.setLevel(logging.INFO)
    saved = sys.argv
    sys.argv = ["oslo-config-validator"] + argv
    try:
        rc = validator.main()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    except Exception as e:  # noqa: the CLI would die with a traceback, exit 1
        capture.lines.append("TRACEBACK:%s" % type(e).__name__)
        rc = 1
    finally:
        sys.argv = saved
        os.unlink(path)
    return {"rc": rc, "lines": capture.lines}


def main():
    reqs = json.load(sys.stdin)
    ops = {"ini": op_ini, "type": op_type, "conf": op_conf, "validate": op_validate}
    json.dump([ops[r["op"]](r) for r in reqs], sys.stdout)


if __name__ == "__main__":
    main()
