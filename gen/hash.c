/*
 * hash.c — see hash.h.  nettle does the hashing; this file only hexes.
 */
#include "hash.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <nettle/sha2.h>

struct xh_sha256 {
	struct sha256_ctx ctx;
};

static void S_hex(const uint8_t d[SHA256_DIGEST_SIZE], char hex[XH_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

xh_sha256 *xh_sha256_new(void)
{
	xh_sha256 *h = xmalloc(sizeof(*h));
	sha256_init(&h->ctx);
	return h;
}

void xh_sha256_add(xh_sha256 *h, const void *p, size_t n)
{
	if (n)
		sha256_update(&h->ctx, n, p);
}

void xh_sha256_done(xh_sha256 *h, char hex[XH_SHA256_HEX])
{
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(&h->ctx, sizeof(d), d);
	S_hex(d, hex);
	free(h);
}

void xh_sha256_hex(const void *p, size_t n, char hex[XH_SHA256_HEX])
{
	xh_sha256 h;
	sha256_init(&h.ctx);
	if (n)
		sha256_update(&h.ctx, n, p);
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(&h.ctx, sizeof(d), d);
	S_hex(d, hex);
}

int xh_sha256_file(const char *path, char hex[XH_SHA256_HEX])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	unsigned char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		sha256_update(&ctx, (size_t)n, buf);
	}
	close(fd);
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(&ctx, sizeof(d), d);
	S_hex(d, hex);
	return 0;
}
