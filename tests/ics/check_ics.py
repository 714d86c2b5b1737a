#!/usr/bin/python3
"""check_ics.py FILE.ics...: the calendar files as python-icalendar and
vobject read them (SEMANTICS.md section 4).

Run with Debian's /usr/bin/python3 (python3-icalendar, python3-vobject).
For every file:
  - the raw bytes: valid UTF-8, CRLF line ends only, no line over 75 octets,
    no fold inside a UTF-8 character, VERSION:2.0, PRODID, and DTSTART/DTEND/
    DTSTAMP as UTC instants ("...Z", no TZID, no floating time, no date);
  - icalendar: Calendar.from_ical, no component with parse errors;
  - vobject: readOne, validate(raiseException=True), serialize(validate=True),
    and vobject must read the same UID, times and texts as icalendar;
  - any Python warning or log record of level WARNING or more fails.
Prints one JSON line per file:
  {"file", "method", "name", "events": [{"uid", "dtstart", "dtend",
   "dtstamp", "summary", "status", "sequence", "location", "url",
   "organizer", "attendees", "description"}]}
with instants as "YYYY-MM-DDTHH:MM:SSZ" (check_ics.mjs prints the same shape).
Exits 1 after the first file that fails, with the reason on stderr.
"""

import datetime
import json
import logging
import re
import sys
import warnings

import icalendar
import vobject

UTC = datetime.timezone.utc
UTC_RE = re.compile(r"^\d{8}T\d{6}Z$")
TEXT_FIELDS = ("summary", "location", "description")
# RFC 5545 3.3.6 dur-value, positive only.
DURATION_RE = re.compile(r"^\+?P(?:\d+W|(?:\d+D)?(?:T(?:\d+H(?:\d+M(?:\d+S)?)?"
                         r"|\d+M(?:\d+S)?|\d+S))?)$")


class Bad(Exception):
    pass


class Records(logging.Handler):
    """Keeps every log record of level WARNING or more."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def check_raw(data):
    """The rules on the bytes; returns the logical (unfolded) lines."""
    try:
        data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise Bad("not UTF-8: %s" % e)
    if not data.endswith(b"\r\n"):
        raise Bad("does not end with CRLF")
    phys = data[:-2].split(b"\r\n")
    logical = []
    for i, line in enumerate(phys, 1):
        if b"\r" in line or b"\n" in line:
            raise Bad("line %d: bare CR or LF" % i)
        if len(line) > 75:
            raise Bad("line %d: %d octets (over 75)" % (i, len(line)))
        # Each physical line on its own must be whole UTF-8: a fold that
        # cut a character leaves a broken sequence at one end.
        try:
            line.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise Bad("line %d: a fold splits a UTF-8 character" % i)
        if line[:1] in (b" ", b"\t"):
            if not logical:
                raise Bad("line 1 is a continuation")
            logical[-1] += line[1:]
        else:
            if line == b"":
                raise Bad("line %d: empty" % i)
            logical.append(line)
    return [l.decode("utf-8") for l in logical]


def split_line(line):
    """NAME, {PARAM: value}, value of a logical line (quotes respected)."""
    i, n, quoted = 0, len(line), False
    while i < n:
        c = line[i]
        if c == '"':
            quoted = not quoted
        elif not quoted and c == ":":
            break
        i += 1
    if i == n:
        raise Bad("no colon: %r" % line)
    head, value = line[:i], line[i + 1:]
    parts = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    params = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        params[k.upper()] = v
    return parts[0].upper(), params, value


# RFC 5545 3.6.1: what a VEVENT holds exactly once, and at most once.
ONCE = ("UID", "DTSTAMP", "DTSTART")
AT_MOST_ONCE = ("CLASS", "CREATED", "DESCRIPTION", "DTEND", "GEO",
                "LAST-MODIFIED", "LOCATION", "ORGANIZER", "PRIORITY",
                "SEQUENCE", "STATUS", "SUMMARY", "TRANSP", "URL",
                "RECURRENCE-ID")


def check_counts(what, names, once, at_most_once):
    for p in once + at_most_once:
        n = names.count(p)
        if n > 1 or (n == 0 and p in once):
            raise Bad("%s: %d %s" % (what, n, p))


def check_lines(lines):
    if lines[0] != "BEGIN:VCALENDAR" or lines[-1] != "END:VCALENDAR":
        raise Bad("not one VCALENDAR")
    names = []
    stack = []
    for line in lines:
        name, params, value = split_line(line)
        if name == "BEGIN":
            stack.append((value.upper(), names))
            names = []
        elif name == "END":
            if not stack or stack[-1][0] != value.upper():
                raise Bad("END:%s does not close a BEGIN" % value)
            what, outer = stack.pop()
            if what == "VEVENT":
                check_counts(what, names, ONCE, AT_MOST_ONCE)
            elif what == "VCALENDAR":
                check_counts(what, names, ("PRODID", "VERSION"),
                             ("CALSCALE", "METHOD"))
            names = outer
        else:
            names.append(name)
        if name == "SEQUENCE" and not re.match(r"^\d{1,9}$", value):
            raise Bad("SEQUENCE not an integer: %s" % line)
        if (name in ("REFRESH-INTERVAL", "X-PUBLISHED-TTL") and
                not DURATION_RE.match(value)):
            raise Bad("%s not a duration: %s" % (name, line))
        if name in ("DTSTART", "DTEND", "DTSTAMP"):
            if "TZID" in params:
                raise Bad("%s with TZID: %s" % (name, line))
            if params.get("VALUE", "DATE-TIME").upper() != "DATE-TIME":
                raise Bad("%s not a DATE-TIME: %s" % (name, line))
            if not UTC_RE.match(value):
                raise Bad("%s not a UTC instant: %s" % (name, line))
    if stack:
        raise Bad("BEGIN:%s not closed" % stack[-1][0])
    if "VERSION:2.0" not in lines:
        raise Bad("no VERSION:2.0")
    if "VTIMEZONE" in (l[6:] for l in lines if l.startswith("BEGIN:")):
        raise Bad("a VTIMEZONE, but every time should be UTC")


def iso(dt, what):
    if not isinstance(dt, datetime.datetime):
        raise Bad("%s is a date, not a date-time" % what)
    if dt.tzinfo is None or dt.utcoffset() != datetime.timedelta(0):
        raise Bad("%s is not UTC: %r" % (what, dt))
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def text(comp, name):
    v = comp.get(name)
    return None if v is None else str(v)


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def read_icalendar(data):
    cal = icalendar.Calendar.from_ical(data)
    for comp in cal.walk():
        errors = getattr(comp, "errors", None)
        if errors:
            raise Bad("icalendar: %s: %s" % (comp.name, errors))
    out = {
        "method": text(cal, "METHOD"),
        "name": text(cal, "X-WR-CALNAME"),
        "events": [],
    }
    for ev in cal.walk("VEVENT"):
        seq = ev.get("SEQUENCE")
        org = ev.get("ORGANIZER")
        out["events"].append({
            "uid": text(ev, "UID"),
            "dtstart": iso(ev.decoded("DTSTART"), "DTSTART"),
            "dtend": iso(ev.decoded("DTEND"), "DTEND"),
            "dtstamp": iso(ev.decoded("DTSTAMP"), "DTSTAMP"),
            "summary": text(ev, "SUMMARY"),
            "status": text(ev, "STATUS"),
            "sequence": None if seq is None else int(seq),
            "location": text(ev, "LOCATION"),
            "url": text(ev, "URL"),
            "organizer": None if org is None else str(org),
            "attendees": [str(a) for a in as_list(ev.get("ATTENDEE"))],
            "description": text(ev, "DESCRIPTION"),
        })
    return out


def vget(comp, name):
    lst = comp.contents.get(name.lower())
    return None if not lst else lst[0].value


def read_vobject(s):
    cal = vobject.readOne(s)
    cal.validate(raiseException=True)
    cal.serialize(validate=True)
    events = []
    for ev in cal.contents.get("vevent", []):
        events.append({
            "uid": vget(ev, "UID"),
            "dtstart": iso(vget(ev, "DTSTART"), "vobject DTSTART"),
            "dtend": iso(vget(ev, "DTEND"), "vobject DTEND"),
            "summary": vget(ev, "SUMMARY"),
            "status": vget(ev, "STATUS"),
            "location": vget(ev, "LOCATION"),
            "description": vget(ev, "DESCRIPTION"),
        })
    return vget(cal, "METHOD"), events


def check_file(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = check_raw(data)
    check_lines(lines)
    out = {"file": path}
    out.update(read_icalendar(data))
    method, vevents = read_vobject(data.decode("utf-8"))
    if method != out["method"]:
        raise Bad("vobject reads METHOD %r, icalendar %r" %
                  (method, out["method"]))
    if len(vevents) != len(out["events"]):
        raise Bad("vobject reads %d VEVENTs, icalendar %d" %
                  (len(vevents), len(out["events"])))
    nbegin = sum(1 for l in lines if l == "BEGIN:VEVENT")
    if nbegin != len(vevents):
        raise Bad("%d BEGIN:VEVENT lines, %d VEVENTs read" %
                  (nbegin, len(vevents)))
    raw = {}
    for line in lines:
        name, _, value = split_line(line)
        raw.setdefault(name, []).append(value)
    for v, i in zip(vevents, out["events"]):
        for k, val in v.items():
            if val == i[k]:
                continue
            if k in TEXT_FIELDS and any("\\\\" in r
                                        for r in raw.get(k.upper(), [])):
                # python-icalendar 4.0.3 (Debian 12) unescapes with a
                # chain of str.replace(), so an escaped backslash before
                # "," ";" or "n" loses a character; vobject reads RFC
                # 5545 right, so its value is the one printed.
                print("check_ics.py: %s: note: icalendar misreads an "
                      "escaped backslash in %s (its bug), using vobject's"
                      % (out["file"], k.upper()), file=sys.stderr)
                i[k] = val
                continue
            raise Bad("vobject and icalendar differ on %s: %r / %r" %
                      (k, val, i[k]))
    return out


def main(argv):
    if len(argv) < 2:
        print("usage: check_ics.py FILE.ics...", file=sys.stderr)
        return 2
    handler = Records()
    logging.getLogger().addHandler(handler)
    for path in argv[1:]:
        handler.records.clear()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                out = check_file(path)
            if caught:
                raise Bad("warning: %s" % caught[0].message)
            if handler.records:
                raise Bad("log: %s" % handler.records[0].getMessage())
        except Exception as e:
            print("check_ics.py: %s: %s: %s" % (path, type(e).__name__, e),
                  file=sys.stderr)
            return 1
        print(json.dumps(out, ensure_ascii=False, sort_keys=True,
                         separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
