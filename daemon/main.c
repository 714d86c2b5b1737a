#include <stdio.h>
#include "log.h"
int
main(void)
{
	log_init(0);
	puts("creneau");
	return 0;
}
