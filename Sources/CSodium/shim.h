#ifndef SECR_CSODIUM_SHIM_H
#define SECR_CSODIUM_SHIM_H
#include <sodium.h>
#endif
