#ifndef SECR_CGIT2_SHIM_H
#define SECR_CGIT2_SHIM_H
#include <git2.h>

/* Swift cannot call C variadics such as git_libgit2_opts: wrap the calls secr makes. */

/* History walks read thousands of blobs; libgit2 would re-hash each one on read. secr verifies
   signatures on everything it decodes, and git verifies objects when it fetches them. */
static inline int secr_git_disable_strict_hash_verification(void) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}
#endif
