/*
 * model.c: freeing the domain records of model.h.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

void
hours_clear(struct hours *h)
{
	if (h == NULL)
		return;
	free(h->overrides);
	free(h->time_off);
	memset(h, 0, sizeof(*h));
}

void
worker_clear(struct worker *w)
{
	if (w == NULL)
		return;
	free(w->name);
	free(w->email);
	memset(w, 0, sizeof(*w));
}

void
service_clear(struct service *s)
{
	if (s == NULL)
		return;
	free(s->title);
	free(s->description);
	memset(s, 0, sizeof(*s));
}

void
session_clear(struct session *s)
{
	if (s == NULL)
		return;
	free(s->room_url);
	memset(s, 0, sizeof(*s));
}

void
booking_clear(struct booking *b)
{
	if (b == NULL)
		return;
	free(b->name);
	free(b->email);
	free(b->note);
	free(b->room_url);
	free(b->cancel_reason);
	memset(b, 0, sizeof(*b));
}
