/*
 * The shared-memory file of a host, mapped on Windows: a file mapping of
 * the file at PATH. Under Wine that is sgl-host's `--listen ivshmem:FILE`
 * file seen as Z:\dev\shm\FILE, coherent with the host's mapping of it
 * (docs/windows.md). In a VM the same memory is the ivshmem BAR, which
 * ivshmem.c maps through the virtio-win driver.
 */
#include "shm.h"

#include <windows.h>

#include <errno.h>
#include <string.h>

#define fail sgl_shm_fail

/* Win32 errors as errno for the session's messages. */
static int errno_of(DWORD e)
{
	switch (e) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
		return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
		return EACCES;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return ENOMEM;
	default:
		return EIO;
	}
}

int sgl_shm_map_file(struct sgl_shm_memory *m, const char *path, struct sgl_shm_header *h,
		     char *err, size_t err_size)
{
	int e;
	const char *why = NULL;
	HANDLE file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE,
				  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
				  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (file == INVALID_HANDLE_VALUE) {
		DWORD w = GetLastError();
		fail(err, err_size, "cannot open %s: Windows error %lu", path, (unsigned long)w);
		return -errno_of(w);
	}
	/* The header is read through the file, checked, then the size it
	 * states is mapped: nothing in the mapping is trusted before. */
	DWORD got = 0;
	LARGE_INTEGER size;
	if (!ReadFile(file, h, sizeof(*h), &got, NULL) || got != sizeof(*h))
		why = "too short", e = EPROTO;
	else if (!GetFileSizeEx(file, &size))
		why = "cannot get its size", e = EIO;
	else
		why = sgl_shm_header_check(h, (uint64_t)size.QuadPart, &e);
	if (why) {
		fail(err, err_size, "%s: %s", path, why);
		CloseHandle(file);
		return -e;
	}
	m->map_size = (size_t)h->info.file_size;
	/* The mapping object keeps the file open; the view keeps the
	 * mapping object: both handles can go at once. */
	HANDLE map = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, 0, NULL);
	DWORD w = GetLastError();
	CloseHandle(file);
	void *view = map ? MapViewOfFile(map, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, m->map_size) :
			   NULL;
	if (map && !view)
		w = GetLastError();
	if (map)
		CloseHandle(map);
	if (!view) {
		fail(err, err_size, "cannot map %s: Windows error %lu", path, (unsigned long)w);
		return -errno_of(w);
	}
	m->map = view;
	m->name = path;
	return 0;
}

/* Views of files are ours; an ivshmem BAR the driver mapped (ivshmem.c,
 * which sets `release`) is undone by that release. */
void sgl_shm_memory_unmap(const struct sgl_shm_memory *m)
{
	if (m->map && !m->release)
		UnmapViewOfFile(m->map);
}
