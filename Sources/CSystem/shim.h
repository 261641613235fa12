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

/* glibc's malloc returns freed memory to the kernel: a block over the mmap threshold (128 KiB
   at first) is unmapped when freed, and a thread's arena is trimmed with madvise once its free
   top passes the trim threshold. A scan allocates a blob of each file and frees it, on every
   core, so the same megabytes were faulted in again for each file (about 2 microseconds a page
   on the machines measured). Raising both thresholds keeps freed memory in the process for the
   next file; a command's peak stays what it was, it is only not given back before exit. */
#include <malloc.h>
static inline void secr_malloc_keep_freed_memory(void) {
    (void)mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    (void)mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
}

/* Thread placement for Parallel. glibc declares these only under _GNU_SOURCE, which the Glibc
   module is built without, so they are bound here by their symbol names; a CPU set is glibc's
   cpu_set_t, 1024 bits. */
#include <pthread.h>
#include <sys/types.h>
extern int secr_glibc_sched_getcpu(void) __asm__("sched_getcpu");
extern int secr_glibc_sched_getaffinity(pid_t pid, size_t size, void *set) __asm__("sched_getaffinity");
extern int secr_glibc_pthread_attr_setaffinity(pthread_attr_t *attr, size_t size, const void *set) __asm__("pthread_attr_setaffinity_np");

typedef struct { unsigned long bits[1024 / (8 * sizeof(unsigned long))]; } secr_cpu_set;

/* The number of CPUs this process may run on (its affinity mask, which taskset and cgroup
   cpusets narrow), or 1 when unknown. */
static inline int secr_usable_cpus(void) {
    secr_cpu_set set = {{0}};
    if (secr_glibc_sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    int count = 0;
    for (size_t i = 0; i < sizeof set.bits / sizeof set.bits[0]; i++) count += __builtin_popcountl(set.bits[i]);
    return count > 0 ? count : 1;
}

/* pthread_create, with the new thread kept off the CPU the caller runs on now when another is
   allowed. Linux often places a new thread on its creator's CPU and leaves it there for a
   scheduler tick or more, so a few milliseconds of work split over two threads could take as
   long as one thread alone. */
static inline int secr_thread_create_elsewhere(pthread_t *thread, void *(*start)(void *), void *arg) {
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return pthread_create(thread, NULL, start, arg);
    secr_cpu_set set = {{0}};
    int here = secr_glibc_sched_getcpu();
    const size_t word = 8 * sizeof(unsigned long);
    if (here >= 0 && (size_t)here < 1024 && secr_glibc_sched_getaffinity(0, sizeof set, &set) == 0 &&
        (set.bits[here / word] >> (here % word) & 1UL)) {
        set.bits[here / word] &= ~(1UL << (here % word));
        int others = 0;
        for (size_t i = 0; i < sizeof set.bits / sizeof set.bits[0]; i++) others += __builtin_popcountl(set.bits[i]);
        if (others > 0) (void)secr_glibc_pthread_attr_setaffinity(&attr, sizeof set, &set);
    }
    int result = pthread_create(thread, &attr, start, arg);
    pthread_attr_destroy(&attr);
    return result;
}
#endif
