/*
 * ics.h: the calendar files (SEMANTICS.md section 4).
 *
 * Both functions write the text themselves (CRLF, folding at 75 octets on
 * UTF-8 character boundaries, RFC 5545 text escaping, RFC 6868 parameter
 * quoting, percent-encoded mailto: addresses, checked URIs), then parse the
 * result back with libical and refuse to return it when libical reports an
 * error or sees another number of components or properties than were
 * written. All instants are written as UTC ("...Z"): no TZID, no floating
 * time, no VTIMEZONE.
 *
 * The same input always gives the same bytes: nothing is taken from the
 * clock or a random source.
 *
 * Both return a malloc'd NUL-terminated calendar that the caller free()s, and
 * store its length (without the NUL) in *lenp when lenp is not NULL. They
 * return NULL, after logging why, on bad input (a missing field, an e-mail
 * or URL that cannot be written safely, end <= start, an instant outside
 * years 1..9999) or when out of memory.
 */
#ifndef CRENEAU_ICS_H
#define CRENEAU_ICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/*
 * One booking as an iTIP message (RFC 5546) for the client: invite.ics and
 * the e-mail attachment. A booking whose status is BOOKING_CANCELLED gives
 * METHOD:CANCEL and STATUS:CANCELLED, any other METHOD:REQUEST and
 * STATUS:CONFIRMED. UID is "<booking id>@<uid_domain>", SEQUENCE the
 * booking's sequence, DTSTART/DTEND the booking's start and end. The room
 * URL (booking->room_url, may be NULL) goes in LOCATION, URL, CONFERENCE and
 * DESCRIPTION; the texts follow booking->locale ("fr", "nl", else English).
 */
struct ics_invite {
	const struct booking	*booking;
	const struct worker	*worker;	/* ORGANIZER */
	const struct service	*service;	/* SUMMARY */
	const char		*manage_url;	/* DESCRIPTION; may be NULL */
	const char		*uid_domain;	/* host of the base URL */
	int64_t			 dtstamp;	/* when this version was made */
};

char	*ics_invite_new(const struct ics_invite *, size_t *lenp);

/*
 * One session of the worker's feed. participants are the session's confirmed
 * bookings, in the order they should be listed (may be empty, then
 * participants may be NULL). cancelled marks a session whose bookings were
 * all cancelled: STATUS:CANCELLED, so subscribed calendars drop it.
 */
struct ics_feed_entry {
	const struct session		 *session;
	const struct service		 *service;
	const struct booking *const	 *participants;
	size_t				  nparticipants;
	bool				  cancelled;
};

/*
 * The worker's subscribable calendar: no METHOD, X-WR-CALNAME and NAME the
 * worker's name, refreshed every hour, one VEVENT per entry in the given
 * order. Each VEVENT has UID "session-<session id>.<worker id>@<uid_domain>",
 * DTSTAMP and LAST-MODIFIED the session's updated_at, LOCATION and URL the
 * session's room URL, or when it is NULL that of the only participant (a
 * 1:1 room belongs to its booking), or none. The SUMMARY names the client for a
 * capacity of 1 and gives the count for groups ("Title (3/8)"); the
 * DESCRIPTION lists the participants with their e-mail and note, in the
 * worker's locale.
 */
struct ics_feed {
	const struct worker		*worker;
	const struct ics_feed_entry	*entries;	/* NULL if n = 0 */
	size_t				 nentries;
	const char			*uid_domain;	/* base URL's host */
};

char	*ics_feed_new(const struct ics_feed *, size_t *lenp);

#endif
