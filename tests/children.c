/* children.h: /proc/PID/stat read for the parent pid and the name. */
#include "children.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

pid_t child_named(const char *comm)
{
	char want[64];
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = -1;
	snprintf(want, sizeof(want), "(%s)", comm);
	while (d && (e = readdir(d))) {
		char path[300], buf[512];
		int ppid;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		FILE *fp = fopen(path, "r");
		if (!fp)
			continue;
		size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		buf[n] = '\0';
		/* "pid (comm) state ppid ...": the name may hold spaces. */
		char *rp = strrchr(buf, ')');
		if (strstr(buf, want) && rp && sscanf(rp + 2, "%*c %d", &ppid) == 1 &&
		    ppid == getpid())
			found = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}
