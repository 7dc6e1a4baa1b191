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
 * reach the relationships, the content types and the parts themselves
 * (S_build, shared with fuzz_form.c in fuzz_zip.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "docx.h"
#include "fuzz_zip.h"

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
