#!/usr/bin/python3
"""Prepares the data of the benchmarks through the daemon's API.

usage: setup.py slots|book|feed BASE_URL ADMIN_TOKEN OUTDIR

Each mode creates one worker with its hours and services, books what the
benchmark needs, writes its files into OUTDIR and prints shell assignments
(NAME='value' lines) for bench/run to eval. Everything goes to BASE_URL,
a daemon on 127.0.0.1; every loop is bounded.
"""

import datetime
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

DEADLINE = time.monotonic() + 120  # no setup takes longer than this


class Client:
    """One keep-alive connection to the daemon."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        if u.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("setup.py: the daemon must be on loopback")
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def call(self, method, path, body=None, token=None):
        if time.monotonic() > DEADLINE:
            raise SystemExit("setup.py: out of time")
        hdr = {"Content-Type": "application/json"}
        if token:
            hdr["Authorization"] = "Bearer " + token
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=30)
            try:
                self.conn.request(method, path, data, hdr)
                r = self.conn.getresponse()
                raw = r.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        out = json.loads(raw) if raw else None
        return r.status, out


def must(c, want, method, path, body=None, token=None):
    st, out = c.call(method, path, body, token)
    if st != want:
        raise SystemExit("setup.py: %s %s: %d %s" % (method, path, st, out))
    return out


def make_worker(c, admin, wid, hours, services):
    w = must(c, 201, "POST", "/api/v1/workers",
             {"id": wid, "name": "Bench " + wid, "email":
              wid + "@example.org", "timezone": "Europe/Brussels"}, admin)
    tok = w["token"]
    must(c, 200, "PUT", "/api/v1/workers/%s/availability" % wid,
         {"weekly": hours}, tok)
    for s in services:
        must(c, 201, "POST", "/api/v1/workers/%s/services" % wid, s, tok)
    return w


def service(sid, duration, step, **kw):
    s = {"id": sid, "title": "Bench " + sid, "duration_min": duration,
         "step_min": step, "capacity": 1, "min_notice_min": 0,
         "horizon_days": 730}
    s.update(kw)
    return s


def book_body(start, i):
    return {"start": start, "name": "Client %d" % i,
            "email": "client%d@example.org" % i}


def slots(c, wid, sid, d0, d1):
    out = must(c, 200, "GET", "/api/v1/workers/%s/services/%s/slots?"
               "from=%s&to=%s" % (wid, sid, d0, d1))
    return [s["start"] for s in out["slots"]]


def book_many(base, wid, sid, starts, nthreads):
    """Books each start once from nthreads connections; returns the 201s."""
    lock = threading.Lock()
    todo = list(enumerate(starts))
    done = []

    def run():
        c = Client(base)
        while True:
            with lock:
                if not todo:
                    return
                i, st = todo.pop()
            code, _ = c.call("POST", "/api/v1/workers/%s/services/%s/"
                             "bookings" % (wid, sid), book_body(st, i))
            with lock:
                done.append(code)

    th = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    return sum(1 for x in done if x == 201)


def tomorrow():
    return datetime.date.today() + datetime.timedelta(days=1)


def mode_slots(base, admin, out):
    """A worker with 3 services, 10 windows a week, 500 future bookings."""
    c = Client(base)
    days = ["mon", "tue", "wed", "thu", "fri"]
    hours = {d: [["09:00", "12:00"], ["13:00", "17:00"]] for d in days}
    make_worker(c, admin, "slots", hours, [
        service("s60", 60, 60),
        service("s30", 30, 30),
        service("s90", 90, 30, buffer_after_min=15)])
    # Every other hour slot of s60, the services taking turns (a start that
    # one service does not offer goes to s60, which offers it), until 500.
    d0, want, booked, i = tomorrow(), 500, 0, 0
    svcs = ["s60", "s30", "s90"]
    while booked < want and d0 < tomorrow() + datetime.timedelta(days=700):
        d1 = d0 + datetime.timedelta(days=61)
        for st in slots(c, "slots", "s60", d0, d1)[::2]:
            if booked == want:
                break
            for sid in (svcs[i % 3], "s60"):
                code, _ = c.call("POST", "/api/v1/workers/slots/services/"
                                 "%s/bookings" % sid, book_body(st, i))
                if code == 201:
                    booked += 1
                    break
            i += 1
        d0 = d1 + datetime.timedelta(days=1)
    if booked != want:
        raise SystemExit("setup.py: booked %d of %d" % (booked, want))
    f, t = tomorrow(), tomorrow() + datetime.timedelta(days=30)
    path = "/api/v1/workers/slots/services/s30/slots?from=%s&to=%s" % (f, t)
    print("SLOTS_PATH='%s'" % path)
    print("SLOTS_BOOKED=%d" % booked)


def mode_book(base, admin, out):
    """Hours all day every day, a 5-minute service: many distinct slots."""
    c = Client(base)
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    make_worker(c, admin, "book", {d: [["00:00", "24:00"]] for d in days},
                [service("s5", 5, 5)])
    # Starts from tomorrow 00:00 UTC on the 5-minute grid: the worker's
    # offsets are whole hours, so each is a slot of its local day. Check
    # the first day's against the slot list, in case.
    t0 = datetime.datetime.combine(tomorrow() + datetime.timedelta(days=1),
                                   datetime.time(0, 0),
                                   datetime.timezone.utc)
    n = 100000  # 347 days, more than a run can book
    starts = [(t0 + datetime.timedelta(minutes=5 * k)).strftime(
        "%Y-%m-%dT%H:%M:%SZ") for k in range(n)]
    offered = set(datetime.datetime.fromisoformat(s).astimezone(
        datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") for s in
        slots(c, "book", "s5", tomorrow(), tomorrow() +
              datetime.timedelta(days=3)))
    missing = [s for s in starts[:288] if s not in offered]
    if missing:
        raise SystemExit("setup.py: not offered: %s" % missing[:3])
    with open(os.path.join(out, "starts.txt"), "w") as f:
        f.write("\n".join(starts) + "\n")
    print("BOOK_PATH='/api/v1/workers/book/services/s5/bookings'")
    print("BOOK_STARTS=%d" % n)


def mode_feed(base, admin, out):
    """A worker with 2,000 sessions, booked through the API."""
    c = Client(base)
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    w = make_worker(c, admin, "feed", {d: [["00:00", "24:00"]]
                                       for d in days},
                    [service("h1", 60, 60)])
    t0 = datetime.datetime.combine(tomorrow() + datetime.timedelta(days=1),
                                   datetime.time(0, 0),
                                   datetime.timezone.utc)
    starts = [(t0 + datetime.timedelta(hours=k)).strftime(
        "%Y-%m-%dT%H:%M:%SZ") for k in range(2000)]
    n = book_many(base, "feed", "h1", starts, 8)
    if n != 2000:
        raise SystemExit("setup.py: booked %d of 2000" % n)
    u = urllib.parse.urlsplit(w["feed_url"])
    print("FEED_PATH='%s'" % u.path)
    print("FEED_BOOKED=%d" % n)


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    mode, base, admin, out = sys.argv[1:]
    {"slots": mode_slots, "book": mode_book, "feed": mode_feed}[mode](
        base, admin, out)


if __name__ == "__main__":
    main()
