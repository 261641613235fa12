#ifndef SECR_CGIT2_SHIM_H
#define SECR_CGIT2_SHIM_H
#include <git2.h>
#endif
