/*
 * Fuzzes text_markup_escape. Property: for valid UTF-8 without NUL, the
 * output wrapped in an element parses with GLib's GMarkup (what
 * notification servers use for body markup) and its text is the input,
 * byte for byte.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Collects the text of the element. */
static void
on_text(GMarkupParseContext *ctx, const gchar *text, gsize len, gpointer user, GError **error)
{
	(void)ctx, (void)error;
	g_string_append_len(user, text, (gssize)len);
}

/* One input: escape, parse, compare. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	if (!text_acceptable(s, size))
		return 0;
	char *in = g_strndup(s, size);
	char *esc = text_markup_escape(in);
	char *doc = g_strconcat("<b>", esc, "</b>", NULL);
	GMarkupParser parser = {.text = on_text};
	GString *got = g_string_new(NULL);
	GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, got, NULL);
	GError *err = NULL;
	gboolean ok = g_markup_parse_context_parse(ctx, doc, -1, &err) &&
	    g_markup_parse_context_end_parse(ctx, &err);
	if (!ok || got->len != size || memcmp(got->str, in, size) != 0)
		abort();
	g_markup_parse_context_free(ctx);
	g_string_free(got, TRUE);
	g_free(doc);
	free(esc);
	g_free(in);
	return 0;
}
