/* What the transport fuzz targets count in /proc (fuzz.h). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

int fuzz_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;   /* ".", ".." and the directory's own fd included */
}

int fuzz_count_maps(const char *what)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, what))
			n++;
	fclose(f);
	return n;
}
