/* diag.h: diagnostics inside the library; the type and its functions are public (careshift.h). */
#ifndef CS_DIAG_H
#define CS_DIAG_H
#include "careshift.h"
#endif
