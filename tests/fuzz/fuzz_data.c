/*
 * fuzz_data.c — libFuzzer target for the data readers.  The first byte
 * chooses the format (even: JSON, odd: XML); the rest is the file.
 */
#include <stdint.h>
#include <stdlib.h>

#include "data.h"

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	if (len < 1 || len > 1 << 16)
		return 0;
	xh_diag diag = {0};
	xh_data *d = xh_data_parse(buf[0] & 1 ? "xml" : "json", (const char *)buf + 1, len - 1,
	                           "fuzz", &diag);
	if (d) {
		xh_vref r = xh_data_records(d);
		(void)r;
		(void)xh_data_truthy(d, xh_data_root(d));
	}
	xh_data_free(d);
	xh_diag_free(&diag);
	return 0;
}
