/*
 * xmlsafe.h — libxml2 set up for untrusted input.
 *
 * Every XML that xhgen reads (template parts, data files) goes through
 * here: no network, no DTD at all (so no external entities and no entity
 * expansion bombs), errors collected as diagnostics with file and line.
 */
#ifndef XH_XMLSAFE_H
#define XH_XMLSAFE_H

#include <stddef.h>
#include <libxml/parser.h>

#include "util.h"

/* Options for every libxml2 parse: no network, no entity substitution. */
#define XH_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

/* Nonzero when the bytes declare a DTD ("<!DOCTYPE"), which no DOCX part
 * and no xhgen data file needs; name is used in the message. */
int xh_xml_has_dtd(const char *bytes, size_t n, const char *name, xh_diag *diag);
/* A DOM of the bytes, or NULL with the reasons in diag. */
xmlDoc *xh_xml_read(const char *bytes, size_t n, const char *name, xh_diag *diag);

#endif
