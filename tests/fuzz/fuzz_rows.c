/*
 * fuzz_rows.c — libFuzzer target for the record readers (CSV, XLSX, XML).
 *
 * The readers take a path, so the input goes to a scratch file first; the
 * first byte chooses the extension (0: .csv, 1: .xml, 2: .xlsx).  Every
 * row is read to the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static const char *const ext[] = {"csv", "xml", "xlsx"};
	if (len < 1 || len > 1 << 18)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/tmp/xhgen-fuzz-rows-%ld.%s", (long)getpid(), ext[buf[0] % 3]);
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(buf + 1, 1, len - 1, f);
	fclose(f);
	xh_diag diag = {0};
	xh_rows *r = xh_rows_open(path, &diag);
	if (r) {
		for (size_t i = 0; i < xh_rows_ncols(r); i++)
			(void)xh_rows_header(r, i);
		xh_row row;
		while (xh_rows_next(r, &row) > 0)
			;
		xh_rows_close(r);
	}
	xh_diag_free(&diag);
	unlink(path);
	return 0;
}
