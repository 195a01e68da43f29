/* gzip for responses, through zlib. */
#include <zlib.h>

#include "server.h"

/* Compresses in[0..len) as one gzip member into out. */
int
gzip_compress(const char *in, size_t len, struct buf *out)
{
	z_stream z = {0};
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	uLong bound = deflateBound(&z, (uLong)len) + 32;
	out->len = 0;
	buf_append(out, "", 0);
	if (out->cap < bound + 1) {
		out->data = xreallocarray(out->data, bound + 1, 1);
		out->cap = bound + 1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->data;
	z.avail_out = (uInt)bound;
	int rc = deflate(&z, Z_FINISH);
	out->len = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}
