/*
 * fuzz_zip.h — what the libFuzzer targets that read a DOCX share: an input
 * that is not a zip is a list of entries, "NAME\nCONTENT" separated by NUL
 * bytes, stored into a fresh zip (no compression) by S_build.  Mutating a
 * stored zip would break its CRCs; this form lets the fuzzer reach the
 * parts themselves.  Included by fuzz_pkg.c and fuzz_form.c.
 */
#ifndef XH_FUZZ_ZIP_H
#define XH_FUZZ_ZIP_H

#include <stdint.h>
#include <string.h>
#include <zip.h>

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

#endif
