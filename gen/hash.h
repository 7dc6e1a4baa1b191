/*
 * hash.h — SHA-256 of bytes and files (nettle), as lowercase hex.
 *
 * Used for provenance: the manifest of a run, the inputs and template a
 * document came from, the pack marker of an application form.
 */
#ifndef XH_HASH_H
#define XH_HASH_H

#include <stddef.h>

#define XH_SHA256_HEX 65 /* 64 hex digits and the NUL */

/* SHA-256 of n bytes at p into hex. */
void xh_sha256_hex(const void *p, size_t n, char hex[XH_SHA256_HEX]);
/* SHA-256 of a file's bytes into hex: 0, or -1 with errno set. */
int xh_sha256_file(const char *path, char hex[XH_SHA256_HEX]);

/* An incremental hash, for digests over several pieces. */
typedef struct xh_sha256 xh_sha256;
xh_sha256 *xh_sha256_new(void);
void xh_sha256_add(xh_sha256 *h, const void *p, size_t n);
/* Writes the digest and frees h. */
void xh_sha256_done(xh_sha256 *h, char hex[XH_SHA256_HEX]);

#endif
