#!/bin/sh
# run-samples.sh TEST_ICS: the whole calendar chain. Runs the unit test binary
# TEST_ICS (built by make, e.g. build/san/test_ics) with ICS_SAMPLES_DIR set,
# so that it writes every calendar it makes there; then hands each sample to
# check_ics.py (python-icalendar, vobject) and check_ics.mjs (ical.js), which
# must accept them all and print the same JSON; then checks that both
# validators refuse broken variants, so that a validator that accepts
# everything cannot pass. Builds nothing. Needs /usr/bin/python3 with
# python3-icalendar and python3-vobject, node, and tests/node_modules.
set -eu

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/test_ics" >&2
	exit 2
fi
case $1 in
/*)	bin=$1 ;;
*)	bin=$(pwd)/$1 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
tests=$(dirname "$here")
py=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM

mkdir "$dir/ok" "$dir/bad"
if ! ICS_SAMPLES_DIR=$dir/ok \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin" >"$dir/unit.log" 2>&1; then
	cat "$dir/unit.log" >&2
	echo "run-samples: $bin failed" >&2
	exit 1
fi
n=$(ls "$dir/ok" | grep -c '\.ics$' || true)
if [ "$n" -lt 8 ]; then
	echo "run-samples: only $n samples written in $dir/ok" >&2
	exit 1
fi

"$py" "$here/check_ics.py" "$dir"/ok/*.ics >"$dir/py.json"
(cd "$tests" && node ics/check_ics.mjs "$dir"/ok/*.ics) >"$dir/js.json"
if ! cmp -s "$dir/py.json" "$dir/js.json"; then
	echo "run-samples: python and ical.js read the samples differently:" >&2
	diff "$dir/py.json" "$dir/js.json" >&2 || true
	exit 1
fi

# Broken variants of a good invite: each one must be refused by both.
"$py" - "$dir/ok/invite-request.ics" "$dir/bad" <<'EOF'
import sys
good = open(sys.argv[1], "rb").read()
out = sys.argv[2]
start = b"DTSTART:20270329T070000Z\r\n"
assert start in good
def put(name, data):
    open("%s/%s.ics" % (out, name), "wb").write(data)
def sub(name, new):
    put(name, good.replace(start, new))
put("lf-only", good.replace(b"\r\n", b"\n"))
sub("long-line", start + b"COMMENT:" + b"x" * 68 + b"\r\n")
sub("split-utf8", start + b"COMMENT:" + b"a" * 66 + b"\xc3\r\n \xa9\r\n")
sub("bad-utf8", start + b"COMMENT:caf\xe9\r\n")
sub("tzid", b"DTSTART;TZID=Europe/Brussels:20270329T090000\r\n")
sub("floating", b"DTSTART:20270329T090000\r\n")
sub("date", b"DTSTART;VALUE=DATE:20270329\r\n")
sub("no-colon", start + b"X-EVIL\r\n")
sub("open-quote", start.replace(b"DTSTART:20270329T070000Z",
    b"DTSTART:20270329T070000Z\r\nCOMMENT;X=\"a:b\r\nCOMMENT:x"))
sub("bad-date", b"DTSTART:20271399T250000Z\r\n")
put("bad-sequence", good.replace(b"SEQUENCE:0", b"SEQUENCE:abc"))
put("bad-duration", good.replace(b"METHOD:REQUEST\r\n",
    b"METHOD:REQUEST\r\nREFRESH-INTERVAL;VALUE=DURATION:P1X\r\n"))
put("no-end", good.replace(b"END:VCALENDAR\r\n", b""))
put("two-dtstart", good.replace(b"DTEND:", b"DTSTART:20270329T070000Z\r\n"
    b"DTEND:"))
EOF
fail=0
for f in "$dir"/bad/*.ics; do
	if "$py" "$here/check_ics.py" "$f" >/dev/null 2>&1; then
		echo "run-samples: check_ics.py accepts $(basename "$f")" >&2
		fail=1
	fi
	if (cd "$tests" && node ics/check_ics.mjs "$f") >/dev/null 2>&1; then
		echo "run-samples: check_ics.mjs accepts $(basename "$f")" >&2
		fail=1
	fi
done
[ "$fail" -eq 0 ] || exit 1
echo "run-samples: $n samples accepted by icalendar, vobject and ical.js;" \
    "$(ls "$dir"/bad | wc -l) broken variants refused"
