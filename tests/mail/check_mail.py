#!/usr/bin/python3
"""Checks one message that creneau composed, with Python's email package.

    /usr/bin/python3 tests/mail/check_mail.py FILE [--method REQUEST]
        [--subject TEXT] [--to-name TEXT] [--to-addr ADDR]
        [--contains TEXT]... [--html-contains TEXT]... [--absent TEXT]...
        [--html-absent TEXT]...
        [--no-header NAME]...

Parses FILE with policy=email.policy.default and fails (exit 1, the reasons
on stderr) unless: the parser found no defect; every line ends in CRLF and
is at most 998 octets; Date, From, To, Subject, Message-ID, MIME-Version
appear exactly once; the structure is multipart/alternative (text/plain,
text/html) or, with --method, multipart/mixed holding that alternative plus
text/calendar with charset=utf-8 and method= equal to the file's METHOD and
to --method, and an invite.ics attachment with the same bytes, which
python-icalendar reads. --contains is looked for in the decoded text/plain,
--html-contains in the decoded text/html, --absent in neither,
--html-absent not in the HTML.
"""

import argparse
import email
import email.header
import email.policy
import email.utils
import sys

errors = []


def fail(msg):
    errors.append(msg)


def all_defects(msg):
    out = list(msg.defects)
    for part in msg.walk():
        if part is not msg:
            out.extend(part.defects)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--method")
    p.add_argument("--subject")
    p.add_argument("--to-name")
    p.add_argument("--to-addr")
    p.add_argument("--contains", action="append", default=[])
    p.add_argument("--html-contains", action="append", default=[])
    p.add_argument("--absent", action="append", default=[])
    p.add_argument("--html-absent", action="append", default=[])
    p.add_argument("--no-header", action="append", default=[])
    a = p.parse_args()

    with open(a.file, "rb") as f:
        raw = f.read()
    lines = raw.split(b"\r\n")
    if lines[-1] != b"":
        fail("message does not end with CRLF")
    for i, line in enumerate(lines):
        if b"\n" in line or b"\r" in line:
            fail("bare CR or LF on line %d" % (i + 1))
        if len(line) > 998:
            fail("line %d longer than 998 octets" % (i + 1))

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for d in all_defects(msg):
        fail("defect: %r" % d)
    for h in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version"):
        n = len(msg.get_all(h, []))
        if n != 1:
            fail("%s appears %d times" % (h, n))
    for h in a.no_header:
        if msg.get_all(h):
            fail("unexpected header %s: %r" % (h, msg.get_all(h)))
    if msg.get("MIME-Version") != "1.0":
        fail("MIME-Version is %r" % msg.get("MIME-Version"))
    if email.utils.parsedate_to_datetime(str(msg["Date"])) is None:
        fail("Date unparsable")
    if not str(msg["Message-ID"]).startswith("<"):
        fail("Message-ID without brackets")
    if a.subject is not None and str(msg["Subject"]) != a.subject:
        fail("Subject %r, wanted %r" % (str(msg["Subject"]), a.subject))
    to = msg["To"].addresses
    if len(to) != 1:
        fail("To has %d addresses" % len(to))
    elif a.to_addr is not None and to[0].addr_spec != a.to_addr:
        fail("To address %r, wanted %r" % (to[0].addr_spec, a.to_addr))
    if a.to_name is not None:
        # The default policy's phrase parser keeps the folding white space
        # between adjacent encoded-words, which RFC 2047 section 6.2 says
        # to drop (Python's own generator folds long names the same way as
        # we do and does not read them back). The older decoder follows
        # the RFC: it is the reference for display names.
        legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
        value = str(email.header.make_header(
            email.header.decode_header(legacy["To"])))
        # Split by hand: the decoded name may hold a comma, which
        # parseaddr() would take for a list separator.
        name = value.rsplit("<", 1)[0].strip() if "<" in value else ""
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = email.utils.unquote(name).replace('\\"', '"')
        if name != a.to_name:
            fail("To name %r, wanted %r" % (name, a.to_name))

    if a.method:
        if msg.get_content_type() != "multipart/mixed":
            fail("top is %s" % msg.get_content_type())
            return
        top = msg.get_payload()
        if len(top) != 2:
            fail("multipart/mixed has %d parts" % len(top))
            return
        alt, att = top
    else:
        alt, att = msg, None
    if alt.get_content_type() != "multipart/alternative":
        fail("not multipart/alternative: %s" % alt.get_content_type())
        return
    want = ["text/plain", "text/html"] + (["text/calendar"] if a.method
                                          else [])
    got = [part.get_content_type() for part in alt.get_payload()]
    if got != want:
        fail("alternative holds %r, wanted %r" % (got, want))
        return
    plain, html = alt.get_payload()[0], alt.get_payload()[1]
    for part in (plain, html):
        if part.get_content_charset() != "utf-8":
            fail("%s charset %r" % (part.get_content_type(),
                                    part.get_content_charset()))
    # Text lines are CRLF on the wire; compare them as Python strings.
    ptext = plain.get_content().replace("\r\n", "\n")
    htext = html.get_content().replace("\r\n", "\n")
    for s in a.contains:
        if s not in ptext:
            fail("text/plain lacks %r" % s)
    for s in a.html_contains:
        if s not in htext:
            fail("text/html lacks %r" % s)
    for s in a.absent:
        if s in ptext or s in htext:
            fail("%r is in the text" % s)
    for s in a.html_absent:
        if s in htext:
            fail("%r is in the HTML" % s)

    if a.method:
        cal = alt.get_payload()[2]
        if cal.get_param("method") != a.method:
            fail("text/calendar method=%r" % cal.get_param("method"))
        if cal.get_content_charset() != "utf-8":
            fail("text/calendar charset %r" % cal.get_content_charset())
        if cal.get_content_disposition() not in (None, "inline"):
            fail("calendar part is not inline")
        ics = cal.get_payload(decode=True)
        methods = [l for l in ics.split(b"\r\n") if l.startswith(b"METHOD:")]
        if methods != [b"METHOD:" + a.method.encode()]:
            fail("file's METHOD lines: %r" % methods)
        if att.get_content_disposition() != "attachment":
            fail("second part is not an attachment")
        if att.get_filename() != "invite.ics":
            fail("attachment named %r" % att.get_filename())
        if att.get("Content-Transfer-Encoding", "").lower() != "base64":
            fail("attachment not base64")
        if att.get_payload(decode=True) != ics:
            fail("attachment differs from the inline calendar")
        try:
            import icalendar
            icalendar.Calendar.from_ical(ics)
        except ImportError:
            pass
        except Exception as e:  # noqa: BLE001 (any parse error fails)
            fail("icalendar: %s" % e)


if __name__ == "__main__":
    main()
    for e in errors:
        print("check_mail: %s" % e, file=sys.stderr)
    sys.exit(1 if errors else 0)
