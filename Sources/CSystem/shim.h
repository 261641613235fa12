#ifndef SECR_CSYSTEM_SHIM_H
#define SECR_CSYSTEM_SHIM_H
#include <sys/prctl.h>
#include <sys/random.h>

/* prctl is variadic, which Swift cannot call: wrap the one use secr has for it. */

/* Makes this process undumpable: no core file, and no ptrace attach or /proc/PID/mem read by
   other processes of the same user. For commands that hold plaintext in memory (secr edit). */
static inline int secr_set_undumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
#endif
