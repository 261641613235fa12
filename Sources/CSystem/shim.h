#ifndef SECR_CSYSTEM_SHIM_H
#define SECR_CSYSTEM_SHIM_H
#include <sys/ioctl.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/random.h>

/* prctl and ioctl are variadic, which Swift cannot call: wrap the uses secr has for them. */

/* Makes this process undumpable: no core file, and no ptrace attach or /proc/PID/mem read by
   other processes of the same user. For commands that hold plaintext in memory (secr edit). */
static inline int secr_set_undumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* The bytes written into the pipe `fd` that its reader has not read yet, or -1. */
static inline int secr_unread_bytes(int fd) {
    int count = 0;
    return ioctl(fd, FIONREAD, &count) == 0 ? count : -1;
}

/* execvp with an environment of its own (glibc's execvpe is a GNU extension the module does
   not export): `secr run` builds the child's environment in one array, since setenv per value
   scans the whole environment each time. Searches PATH as execvp does. */
extern char **__environ;  /* glibc's own name for environ, not exported to Swift twice */
static inline int secr_execvpe(const char *file, char *const argv[], char *const envp[]) {
    __environ = (char **)envp;
    return execvp(file, argv);
}
#endif
