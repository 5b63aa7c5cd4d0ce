"""oslo.middleware's healthcheck, served on loopback for differential tests.

Run with Debian's interpreter (/usr/bin/python3), which sees python3-oslo.middleware:

    /usr/bin/python3 tests/health/oslo_healthcheck_server.py --config-file F [--port P]...

Reads the [healthcheck] group of F with oslo.config, wraps the healthcheck
middleware around an app that answers 404 (so a request the middleware does
not take reaches it, as with any other route), binds one wsgiref server per
--port on 127.0.0.1 (0, the default, picks a free port), prints one JSON line
{"ports": [...]} and serves until killed.
"""
import argparse
import json
import logging
import sys
import threading
from wsgiref import simple_server

from oslo_config import cfg
from oslo_middleware import healthcheck


class QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def not_found(environ, start_response):
    body = b"not found by the wrapped app"
    start_response("404 Not Found", [("Content-Type", "text/plain"),
                                     ("Content-Length", str(len(body)))])
    return [body]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config-file", required=True)
    parser.add_argument("--port", type=int, action="append")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)

    conf = cfg.ConfigOpts()
    conf([], project="oslo-edge-oracle", default_config_files=[args.config_file])
    app = healthcheck.Healthcheck(not_found, conf)

    servers = [simple_server.make_server("127.0.0.1", port, app, handler_class=QuietHandler)
               for port in (args.port or [0])]
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"ports": [s.server_port for s in servers]}), flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
