/* Stable colours for user names from a hash of the name. */
#include <stdint.h>

#include "color.h"

/* Index 0..n-1 for name from its 32-bit FNV-1a hash. */
size_t
color_of_name(const char *name, size_t n)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	h ^= h >> 16;
	return n ? h % n : 0;
}
