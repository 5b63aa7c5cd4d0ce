"""oslo.middleware's healthcheck under eventlet's WSGI server, as OpenStack
services ran it, for the side-by-side figures of `deno task bench:health`.

    /usr/bin/python3 bench/oslo_eventlet_healthcheck.py --config-file F --port P
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import logging  # noqa: E402

import eventlet.wsgi  # noqa: E402
from oslo_config import cfg  # noqa: E402
from oslo_middleware import healthcheck  # noqa: E402


class Quiet:
    def write(self, *args):
        pass


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config-file", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    conf = cfg.ConfigOpts()
    conf([], project="oslo-edge-bench", default_config_files=[args.config_file])
    app = healthcheck.Healthcheck(not_found, conf)
    sock = eventlet.listen(("127.0.0.1", args.port))
    eventlet.wsgi.server(sock, app, log=Quiet(), log_output=False)


if __name__ == "__main__":
    main()
