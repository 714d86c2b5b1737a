#!/usr/bin/python3
"""Describes messages that creneau sent, as Python's email package reads them.

    /usr/bin/python3 tests/mail/parse_mail.py [--ics-dir DIR] FILE.eml...

For the mail-*.test.mjs tests: it judges nothing, it reports what it read,
so that the test can assert on it. Prints one JSON object per file, one per
line:
  file, size, crlf (every line ends in CRLF, no bare CR or LF),
  longest (octets of the longest line),
  defects (of the whole tree, as strings),
  headers (top-level header names, in order, as sent),
  subject (decoded), to_addr, to_name, to_count, from_addr, reply_to,
  date (ISO 8601, or null when unparsable), message_id (with brackets),
  content_language, mime_version,
  tree: {type, params {name: value}, disposition, filename, cte,
         headers [names], parts [...]} (parts only for multiparts),
  leaves (the number of non-multipart parts),
  plain, html (decoded text of the first text/plain and text/html),
  calendar (the decoded text/calendar, or null), calendar_method (its
  method= parameter), calendar_ics_method (the METHOD line in it),
  attachment (decoded text of the part with filename invite.ics, or null),
  ics_files: with --ics-dir, the calendar part and the attachment written
  there byte for byte (NNNN.inline.ics, NNNN.attach.ics) for the
  validators in tests/ics.
Display names are decoded with the RFC 2047 decoder of email.header (the
default policy keeps the white space between adjacent encoded-words, which
RFC 2047 section 6.2 says to drop).
"""

import argparse
import email
import email.header
import email.policy
import email.utils
import json
import os
import re
import sys


def tree(part):
    node = {
        "type": part.get_content_type(),
        "params": {k.lower(): v for k, v in part.get_params(header="content-type",
                                                            failobj=[])[1:]},
        "disposition": part.get_content_disposition(),
        "filename": part.get_filename(),
        "cte": part.get("Content-Transfer-Encoding"),
        "headers": list(part.keys()),
    }
    if part.is_multipart():
        node["parts"] = [tree(p) for p in part.get_payload()]
    return node


def decoded_text(part):
    raw = part.get_payload(decode=True) or b""
    return raw.decode(part.get_content_charset() or "utf-8", "replace")


def display(raw, name):
    """Name and address of a header, RFC 2047 words joined per the RFC."""
    legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
    v = legacy[name]
    if v is None:
        return None, None
    # Encoded-words hold no quote, comma or bracket: split the address
    # first, then decode the display name alone.
    pairs = email.utils.getaddresses([str(v)])
    if not pairs:
        return None, None
    encoded, addr = pairs[0]
    words = email.header.decode_header(encoded)
    return str(email.header.make_header(words)), addr


def describe(path, ics_dir):
    with open(path, "rb") as f:
        raw = f.read()
    lines = raw.split(b"\r\n")
    crlf = lines[-1] == b"" and not any(b"\r" in l or b"\n" in l
                                        for l in lines)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [repr(d) for d in msg.defects]
    for p in msg.walk():
        if p is not msg:
            defects.extend(repr(d) for d in p.defects)
    out = {
        "file": path, "size": len(raw), "crlf": crlf,
        "longest": max(len(l) for l in lines),
        "defects": defects,
        "headers": list(msg.keys()),
        "subject": str(msg["Subject"]) if msg["Subject"] is not None
        else None,
        "message_id": str(msg["Message-ID"]).strip()
        if msg["Message-ID"] is not None else None,
        "content_language": msg.get("Content-Language"),
        "mime_version": msg.get("MIME-Version"),
        "date": None,
        "tree": tree(msg),
        "leaves": sum(1 for p in msg.walk() if not p.is_multipart()),
        "plain": None, "html": None, "calendar": None,
        "calendar_method": None, "calendar_ics_method": None,
        "attachment": None, "ics_files": [],
    }
    try:
        out["date"] = email.utils.parsedate_to_datetime(
            str(msg["Date"])).isoformat()
    except (TypeError, ValueError):
        pass
    to = msg["To"].addresses if msg["To"] is not None else ()
    out["to_count"] = len(to)
    out["to_name"], out["to_addr"] = display(raw, "To")
    out["from_addr"] = display(raw, "From")[1]
    out["reply_to"] = display(raw, "Reply-To")[1]

    base = os.path.splitext(os.path.basename(path))[0]
    for p in msg.walk():
        if p.is_multipart():
            continue
        t = p.get_content_type()
        if p.get_filename() == "invite.ics":
            out["attachment"] = decoded_text(p)
            if ics_dir:
                f = os.path.join(ics_dir, base + ".attach.ics")
                with open(f, "wb") as w:
                    w.write(p.get_payload(decode=True))
                out["ics_files"].append(f)
        elif t == "text/plain" and out["plain"] is None:
            out["plain"] = decoded_text(p)
        elif t == "text/html" and out["html"] is None:
            out["html"] = decoded_text(p)
        elif t == "text/calendar" and out["calendar"] is None:
            out["calendar"] = decoded_text(p)
            out["calendar_method"] = p.get_param("method")
            m = re.search(r"^METHOD:(.*?)\r?$", out["calendar"], re.M)
            out["calendar_ics_method"] = m.group(1) if m else None
            if ics_dir:
                f = os.path.join(ics_dir, base + ".inline.ics")
                with open(f, "wb") as w:
                    w.write(p.get_payload(decode=True))
                out["ics_files"].append(f)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ics-dir")
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    for f in a.files:
        print(json.dumps(describe(f, a.ics_dir), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
