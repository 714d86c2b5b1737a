#!/usr/bin/python3
"""An SMTP sink for the mail tests: stores every message it accepts.

    /usr/bin/python3 tests/mail/smtp_sink.py --port 0 --dir DIR

prints the port it listens on (one line, on the loopback) once it accepts
connections, then stores each message as DIR/NNNN.eml (the bytes received,
line ends as sent) beside DIR/NNNN.json (the envelope). It can be told to
fail: --tempfail N answers 451 to the first N recipients (a server that is
busy for a while); a recipient whose local part starts with "reject" gets
550 (a mailbox that does not exist). --auth USER:PASS demands AUTH PLAIN or
LOGIN. It stops by itself after --max-seconds (default 120).
"""

import argparse
import asyncio
import json
import logging
import os
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, tempfail):
        self.directory = directory
        self.tempfail = tempfail
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.tempfail > 0:
            self.tempfail -= 1
            return "451 4.3.0 Try again later"
        if address.split("@")[0].lower().startswith("reject"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "%04d" % self.count)
        data = envelope.original_content
        with open(base + ".tmp", "wb") as f:
            f.write(data)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from,
                       "rcpt_tos": envelope.rcpt_tos,
                       "auth": session.authenticated}, f)
        # The .eml appears last and whole: a reader never sees half of it.
        os.rename(base + ".tmp", base + ".eml")
        return "250 Message accepted for delivery"


def make_authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login.decode() == user and
              auth_data.password.decode() == password)
        return AuthResult(success=ok)
    return check


async def serve(args):
    handler = Sink(args.dir, args.tempfail)
    kw = {"decode_data": False, "enable_SMTPUTF8": True}
    if args.auth:
        user, password = args.auth.split(":", 1)
        kw.update(authenticator=make_authenticator(user, password),
                  auth_require_tls=False, auth_required=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", **kw),
        host="127.0.0.1", port=args.port)
    # One write: with PYTHONUNBUFFERED, print() writes the number and the
    # newline separately, and a reader that closes after the number would
    # kill us with EPIPE on the second.
    port = server.sockets[0].getsockname()[1]
    try:
        os.write(1, b"%d\n" % port)
    except BrokenPipeError:
        pass
    try:
        await asyncio.sleep(args.max_seconds)
    finally:
        server.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dir", required=True)
    p.add_argument("--tempfail", type=int, default=0)
    p.add_argument("--auth")
    p.add_argument("--max-seconds", type=float, default=120)
    args = p.parse_args()
    # Plain AUTH without TLS is what the loopback tests mean to do.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(args.dir, exist_ok=True)
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
