/* A stable colour for each user name, so a person looks the same everywhere. */
#ifndef NATTER_COLOR_H
#define NATTER_COLOR_H

#include <stddef.h>

/* Index 0..n-1 for name, the same on every run and machine (FNV-1a). */
size_t color_of_name(const char *name, size_t n);

#endif
