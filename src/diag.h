/* diag.h: internal helpers around cs_diags. */
#ifndef CS_DIAG_H
#define CS_DIAG_H
#include "careshift.h"
int cs_diags_has_errors(const cs_diags *d);
#endif
