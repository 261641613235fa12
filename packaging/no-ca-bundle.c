/*
 * For secr's self-contained release binary: libgit2's TLS start-up, without the CA bundle.
 *
 * Why: Debian's libgit2 uses mbedTLS, and git_libgit2_init() parses the whole system CA bundle
 * (/etc/ssl/certs/ca-certificates.crt, ~150 certificates) at once, for HTTPS remotes: about
 * 52 million instructions, half of a typical `secr scan --staged` and a third of every write.
 * secr never talks to a remote (no fetch, push or clone), so it never needs them. The link
 * wraps mbedtls_x509_crt_parse_file (ld --wrap) so that libgit2's call to it lands here and
 * loads nothing. Should libgit2 ever make an HTTPS connection from secr, it would have no
 * trusted certificate and refuse the server: it fails closed. See docs/DECISIONS.md.
 */
struct mbedtls_x509_crt;

int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    (void)chain;
    (void)path;
    return 0;
}
