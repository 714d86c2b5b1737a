/*
 * api.h: the JSON API, the calendar files and the pages: the routes, the
 * authorisation step and the handlers that http.c calls.
 */
#ifndef CRENEAU_API_H
#define CRENEAU_API_H

#include <stddef.h>

#include "http.h"

struct api_config {
	const char	*base_url;	/* no trailing '/' */
	const char	*video_base_url;
	int		 rate_limit;	/* per minute and client, 0: none */
};

int	api_init(const struct api_config *);
void	api_shutdown(void);
int	api_authorize(struct request *);
/* The host of the base URL, naming calendar UIDs and Message-IDs. */
const char *api_uid_domain(void);

extern const struct route	api_routes[];
extern const size_t		api_nroutes;

#endif
