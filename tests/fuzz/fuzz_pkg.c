/*
 * fuzz_pkg.c — libFuzzer target for the DOCX package reader and the
 * template compiler over a whole package.
 *
 * xh_doc_compile() takes a path, so the input goes to a scratch file first
 * (as in fuzz_rows.c); the package is opened, checked (entry names, sizes,
 * ratio, relationships) and every part that may hold tags is compiled, then
 * the tags are listed and everything is freed.  Every input must either
 * compile or be refused with diagnostics; the sanitizers catch the rest.
 *
 * An input that starts with "PK" is written as it is: a zip, whole or
 * broken.  Any other input is a list of entries, "NAME\nCONTENT" separated
 * by NUL bytes, that the target stores in a fresh zip first: mutating a
 * stored zip would break its CRCs, so this form is what lets the fuzzer
 * reach the relationships, the content types and the parts themselves.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <string.h>
#include <zip.h>

#include "docx.h"

/* Writes the entries of buf (see above) as a zip at path; 0 or -1. */
static int S_build(const char *path, const uint8_t *buf, size_t len)
{
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z)
		return -1;
	size_t i = 0;
	while (i < len) {
		const uint8_t *end = memchr(buf + i, '\0', len - i);
		size_t rn = end ? (size_t)(end - (buf + i)) : len - i;
		const uint8_t *nl = memchr(buf + i, '\n', rn);
		size_t nn = nl ? (size_t)(nl - (buf + i)) : rn;
		char name[256];
		if (nn > 0 && nn < sizeof(name)) {
			memcpy(name, buf + i, nn);
			name[nn] = 0;
			const uint8_t *data = nl ? nl + 1 : buf + i + rn;
			size_t dn = rn - nn - (nl ? 1 : 0);
			zip_source_t *src = zip_source_buffer(z, data, dn, 0);
			if (src) {
				zip_int64_t idx = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8);
				if (idx < 0)
					zip_source_free(src); /* a duplicate name, say */
				else
					zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
			}
		}
		i += rn + 1;
	}
	if (zip_close(z) < 0) {
		zip_discard(z);
		return -1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static FILE *null;
	if (len > 1 << 18)
		return 0;
	if (!null)
		null = fopen("/dev/null", "w");
	char path[64];
	snprintf(path, sizeof(path), "/tmp/xhgen-fuzz-pkg-%ld.docx", (long)getpid());
	if (len >= 2 && buf[0] == 'P' && buf[1] == 'K') {
		FILE *f = fopen(path, "wb");
		if (!f)
			return 0;
		fwrite(buf, 1, len, f);
		fclose(f);
	} else if (S_build(path, buf, len) < 0) {
		unlink(path);
		return 0;
	}
	xh_tmpl_opts o = {"{", "}", 0};
	xh_diag diag = {0};
	xh_doc *doc = xh_doc_compile(path, &o, &diag);
	if (doc) {
		if (null)
			xh_doc_list(doc, null);
		xh_doc_free(doc);
	}
	xh_diag_free(&diag);
	unlink(path);
	return 0;
}
