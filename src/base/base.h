/* base.h: the bottom layer, the interface every other folder of the library includes:
 * arenas, diagnostics (declared in careshift.h), and nothing that knows about plans. */
#ifndef CS_BASE_H
#define CS_BASE_H

#include "careshift.h"
#include "arena.h"

#endif
