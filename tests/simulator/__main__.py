"""CLI: PYTHONPATH=tests python -m simulator --port 8008 [options]; serves until SIGTERM/SIGINT.

Every setting is a flag (admin_users -> --admin-users Demo:pw,ops:pw; booleans take
--x / --no-x); --no-delete and --case-insensitive are short forms. --tls-cert PEM
[--tls-key PEM] serves HTTPS instead of HTTP.
"""

import argparse
import os
import signal
import sys
import threading
from dataclasses import fields

from .config import TYPES, Settings
from .harness import Simulator


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m simulator", description="BMC Helix AR System REST API simulator")
    parser.add_argument("--port", type=int, default=8008, help="TCP port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--port-file", help="write the port to this file once listening")
    parser.add_argument("--seed-users", type=int, default=0, metavar="N", help="add N bulk users at start")
    parser.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain) file")
    parser.add_argument("--tls-key", metavar="PEM", help="private key of --tls-cert (default: in the --tls-cert file)")
    parser.add_argument("--no-delete", dest="delete_allowed", action="store_false", default=None,
                        help="refuse DELETE on the User form (403)")
    parser.add_argument("--case-insensitive", dest="case_sensitive", action="store_false", default=None,
                        help="compare strings without case")
    for item in fields(Settings):
        flag = "--" + item.name.replace("_", "-")
        if TYPES[item.name] is bool:
            parser.add_argument(flag, dest=item.name, action=argparse.BooleanOptionalAction, default=None)
        else:
            metavar = {dict: "LOGIN:PASSWORD[,...]", list: "A[,B...]"}.get(TYPES[item.name], TYPES[item.name].__name__.upper())
            parser.add_argument(flag, dest=item.name, default=None, metavar=metavar)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    options = {item.name: getattr(args, item.name) for item in fields(Settings) if getattr(args, item.name) is not None}
    try:
        sim = Simulator(port=args.port, tls_cert=args.tls_cert, tls_key=args.tls_key, **options)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # ssl.SSLError is one too
        print(f"error: cannot load the TLS certificate or key: {exc}", file=sys.stderr)
        return 2
    sim.start()
    if args.seed_users:
        sim.seed_users(args.seed_users)
    if args.port_file:
        temporary = args.port_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(str(sim.port))
        os.replace(temporary, args.port_file)
    print(f"Helix simulator listening on {sim.url}", flush=True)
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    while not done.wait(1.0):
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
