/*
 * xmlsafe.c — see xmlsafe.h.
 */
#include "xmlsafe.h"

#include <string.h>

typedef struct {
	xh_diag *diag;
	const char *name;
	int count;
} S_errctx;

static void S_error(void *ctx, xmlErrorPtr err)
{
	S_errctx *e = ctx;
	if (!err || err->level < XML_ERR_ERROR || e->count++ >= 5)
		return;
	char *m = xh_one_line(err->message ? err->message : "malformed XML");
	xh_diag_add(e->diag, 0, "%s:%d: malformed XML: %s", e->name, err->line, m);
	free(m);
}


int xh_xml_has_dtd(const char *bytes, size_t n, const char *name, xh_diag *diag)
{
	if (memmem(bytes, n, "<!DOCTYPE", 9) || memmem(bytes, n, "<!ENTITY", 8)) {
		xh_diag_add(diag, 0, "%s: has a document type declaration (DTD); "
		            "xhgen does not read DTDs or entities", name);
		return 1;
	}
	return 0;
}

xmlDoc *xh_xml_read(const char *bytes, size_t n, const char *name, xh_diag *diag)
{
	if (xh_xml_has_dtd(bytes, n, name, diag))
		return NULL;
	if (n > (size_t)INT32_MAX) {
		xh_diag_add(diag, 0, "%s: too large", name);
		return NULL;
	}
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		xh_diag_add(diag, 0, "%s: out of memory", name);
		return NULL;
	}
	/* The handler is per thread in libxml2, so parallel renders do not
	 * see each other's errors. */
	S_errctx e = {diag, name, 0};
	xmlSetStructuredErrorFunc(&e, S_error);
	xmlDoc *doc = xmlCtxtReadMemory(ctxt, bytes, (int)n, name, NULL,
	                                XH_XML_OPTIONS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc && (!ctxt->wellFormed || e.count)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc && !e.count)
		xh_diag_add(diag, 0, "%s: malformed XML", name);
	xmlFreeParserCtxt(ctxt);
	xmlSetStructuredErrorFunc(NULL, NULL);
	return doc;
}
