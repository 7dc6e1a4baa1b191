/*
 * fuzz_tmpl.c — libFuzzer target for the template compiler and renderer.
 *
 * Input: one option byte (bit 0: --allow-missing, bit 1: '<< >>'
 * delimiters), then the part XML, a NUL byte, and JSON data.  Every input
 * must either compile and render or be refused with diagnostics; the
 * sanitizers catch everything else.  As in cmark's fuzz target, options
 * come from the first byte so one corpus covers every mode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	if (len < 1 || len > 1 << 16)
		return 0;
	uint8_t opt = buf[0];
	const char *xml = (const char *)buf + 1;
	size_t n = len - 1;
	const char *sep = memchr(xml, '\0', n);
	size_t xn = sep ? (size_t)(sep - xml) : n;
	const char *json = sep ? sep + 1 : "{}";
	size_t jn = sep ? n - xn - 1 : 2;
	xh_tmpl_opts o = {opt & 2 ? "<<" : "{", opt & 2 ? ">>" : "}", opt & 1};
	xh_diag diag = {0};
	xh_tmpl *t = xh_tmpl_compile(xml, xn, "fuzz", &o, &diag);
	xh_data *d = xh_data_parse("json", json, jn, "fuzz.json", &diag);
	if (t && d) {
		xh_bind *b = xh_bind_new(t, d);
		xh_render *r = xh_render_new(t, d, b, xh_data_root(d), &diag, 0, "");
		char sink[4096];
		while (xh_render_read(r, sink, sizeof(sink)) > 0)
			;
		xh_render_free(r);
		xh_bind_free(b);
	}
	xh_tmpl_free(t);
	xh_data_free(d);
	xh_diag_free(&diag);
	return 0;
}
