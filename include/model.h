/*
 * model.h: the domain records shared by every module.
 *
 * Instants are int64_t seconds since the epoch (UTC). Local dates are
 * int32_t days since 1970-01-01 (see tzconv.h). Wall-clock times are minutes
 * since local midnight, 0..1440 (1440 is "24:00", only as an end).
 *
 * Strings marked "owned" are heap copies freed by the record's _clear()
 * function; fixed arrays hold ids and codes whose length the API bounds.
 */
#ifndef CRENEAU_MODEL_H
#define CRENEAU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ID_MAX			64	/* ids: ^[a-z0-9][a-z0-9-]{0,62}$, + NUL */
#define TZNAME_MAX		64
#define LOCALE_MAX		3	/* "fr", "nl", "en" */
#define HOURS_PER_DAY_MAX	24	/* intervals in one day */
#define OVERRIDES_MAX		1000
#define TIME_OFF_MAX		1000

/* [start, end) of instants. */
struct interval {
	int64_t		start;
	int64_t		end;
};

/* [start, end) of wall-clock minutes on one local date. */
struct wall_interval {
	int16_t		start;		/* 0..1439 */
	int16_t		end;		/* 1..1440 */
};

struct day_hours {
	uint8_t			n;
	struct wall_interval	v[HOURS_PER_DAY_MAX];
};

struct hours_override {
	int32_t			date;	/* local date, days since epoch */
	struct day_hours	day;	/* n == 0: day off */
};

/* A worker's availability. */
struct hours {
	struct day_hours	 weekly[7];	/* 0 = Monday .. 6 = Sunday */
	struct hours_override	*overrides;	/* owned, sorted by date */
	size_t			 noverrides;
	struct interval		*time_off;	/* owned, sorted by start */
	size_t			 ntime_off;
};

void	hours_clear(struct hours *);

struct worker {
	char		 id[ID_MAX];
	char		*name;			/* owned */
	char		*email;			/* owned */
	char		 timezone[TZNAME_MAX];
	char		 locale[LOCALE_MAX];
	int64_t		 created_at;
	int64_t		 updated_at;
};

void	worker_clear(struct worker *);

struct service {
	char		 worker_id[ID_MAX];
	char		 id[ID_MAX];
	char		*title;			/* owned */
	char		*description;		/* owned, may be "" */
	int		 duration_min;		/* 5..720 */
	int		 step_min;		/* 5..720 */
	int		 capacity;		/* 1..1000 */
	int		 buffer_before_min;	/* 0..720 */
	int		 buffer_after_min;	/* 0..720 */
	int		 min_notice_min;	/* 0..525600 */
	int		 horizon_days;		/* 1..730 */
	int		 max_per_day;		/* 0: no limit, else 1..1000 */
	bool		 video;
	bool		 active;
};

void	service_clear(struct service *);

/*
 * A session is one occurrence of a service at one start. It exists in the
 * store while it holds or held bookings; occ_* is the occupied interval,
 * buffers included, fixed when the session was created.
 */
struct session {
	int64_t		 id;
	char		 worker_id[ID_MAX];
	char		 service_id[ID_MAX];
	int64_t		 start;
	int64_t		 end;
	int64_t		 occ_start;
	int64_t		 occ_end;
	int		 seats;			/* confirmed bookings */
	char		*room_url;		/* owned, NULL for video = false */
	int64_t		 updated_at;		/* last change, for DTSTAMP */
};

void	session_clear(struct session *);

enum booking_status {
	BOOKING_CONFIRMED = 0,
	BOOKING_CANCELLED = 1
};

struct booking {
	char			 id[40];	/* UUID, lower case */
	enum booking_status	 status;
	char			 worker_id[ID_MAX];
	char			 service_id[ID_MAX];
	int64_t			 session_id;
	int64_t			 start;
	int64_t			 end;
	char			*name;		/* owned */
	char			*email;		/* owned */
	char			*note;		/* owned, may be "" */
	char			 timezone[TZNAME_MAX];
	char			 locale[LOCALE_MAX];
	char			*room_url;	/* owned, may be NULL */
	char			*cancel_reason;	/* owned, may be NULL */
	int			 sequence;
	int64_t			 created_at;
	int64_t			 updated_at;
};

void	booking_clear(struct booking *);

#endif
