#ifndef SECR_CGIT2_SHIM_H
#define SECR_CGIT2_SHIM_H
#include <git2.h>
#include <zlib.h>

/* Swift cannot call C variadics such as git_libgit2_opts: wrap the calls secr makes. */

/* History walks read thousands of blobs; libgit2 would re-hash each one on read. secr verifies
   signatures on everything it decodes, and git verifies objects when it fetches them. */
static inline int secr_git_disable_strict_hash_verification(void) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

/* A zlib stream of `header` followed by `data` in stored (uncompressed) blocks: the format of a
   loose git object, made at the speed of a copy (deflateInit is a macro, so it is wrapped).
   `out` holds compressBound(header_length + length) bytes. Returns the length written, 0 on
   failure. */
static inline size_t secr_zlib_stored(const unsigned char *header, size_t header_length,
                                      const unsigned char *data, size_t length,
                                      unsigned char *out, size_t capacity) {
    z_stream stream = {0};
    if (length > 0xffffffffu || capacity > 0xffffffffu || deflateInit(&stream, Z_NO_COMPRESSION) != Z_OK) return 0;
    size_t written = 0;
    stream.next_out = out;
    stream.avail_out = (uInt)capacity;
    stream.next_in = (Bytef *)header;
    stream.avail_in = (uInt)header_length;
    if (deflate(&stream, Z_NO_FLUSH) == Z_OK) {
        stream.next_in = (Bytef *)data;
        stream.avail_in = (uInt)length;
        if (deflate(&stream, Z_FINISH) == Z_STREAM_END) written = stream.total_out;
    }
    deflateEnd(&stream);
    return written;
}
#endif
