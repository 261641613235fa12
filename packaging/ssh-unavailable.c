/*
 * The libssh2 functions libgit2 refers to, for secr's self-contained release binary, answering
 * "SSH is not available".
 *
 * Why: Debian builds libgit2 with libssh2 for ssh:// remotes, and libssh2 brings OpenSSL's
 * libcrypto and libssl. secr never talks to a remote: it reads and writes the local repository
 * only (no fetch, push or clone; users run git for that), so libgit2 never reaches its SSH
 * transport from secr. Linking the real libssh2 cost every start of secr, `get` included, about
 * 10,000 relocations in OpenSSL's method tables (a third of the binary's relocated pages) and
 * 3 MB of binary (docs/BENCHMARKS.md). Should libgit2 ever reach this code, it behaves as a
 * libgit2 whose SSH session cannot be created: libssh2_session_init_ex returns NULL and libgit2
 * fails that one operation with "failed to initialize SSH session". libssh2_init succeeds, so
 * git_libgit2_init does. Every other function reports LIBSSH2_ERROR_SOCKET_NONE or does nothing.
 * The signatures are libssh2.h's own, so the compiler checks them. See docs/DECISIONS.md.
 */
#include <stddef.h>
#include <sys/types.h>
#include <libssh2.h>

#define UNAVAILABLE LIBSSH2_ERROR_SOCKET_NONE

int libssh2_agent_connect(LIBSSH2_AGENT *agent) { return UNAVAILABLE; }
int libssh2_agent_disconnect(LIBSSH2_AGENT *agent) { return UNAVAILABLE; }
void libssh2_agent_free(LIBSSH2_AGENT *agent) { }
int libssh2_agent_get_identity(LIBSSH2_AGENT *agent, struct libssh2_agent_publickey **store, struct libssh2_agent_publickey *prev) { return UNAVAILABLE; }
LIBSSH2_AGENT * libssh2_agent_init(LIBSSH2_SESSION *session) { return NULL; }
int libssh2_agent_list_identities(LIBSSH2_AGENT *agent) { return UNAVAILABLE; }
int libssh2_agent_userauth(LIBSSH2_AGENT *agent, const char *username, struct libssh2_agent_publickey *identity) { return UNAVAILABLE; }
int libssh2_channel_close(LIBSSH2_CHANNEL *channel) { return UNAVAILABLE; }
int libssh2_channel_free(LIBSSH2_CHANNEL *channel) { return UNAVAILABLE; }
LIBSSH2_CHANNEL * libssh2_channel_open_ex(LIBSSH2_SESSION *session, const char *channel_type, unsigned int channel_type_len, unsigned int window_size, unsigned int packet_size, const char *message, unsigned int message_len) { return NULL; }
int libssh2_channel_process_startup(LIBSSH2_CHANNEL *channel, const char *request, unsigned int request_len, const char *message, unsigned int message_len) { return UNAVAILABLE; }
ssize_t libssh2_channel_read_ex(LIBSSH2_CHANNEL *channel, int stream_id, char *buf, size_t buflen) { return UNAVAILABLE; }
void libssh2_channel_set_blocking(LIBSSH2_CHANNEL *channel, int blocking) { }
ssize_t libssh2_channel_write_ex(LIBSSH2_CHANNEL *channel, int stream_id, const char *buf, size_t buflen) { return UNAVAILABLE; }
void libssh2_exit(void) { }
const char *libssh2_hostkey_hash(LIBSSH2_SESSION *session, int hash_type) { return NULL; }
int libssh2_init(int flags) { (void)flags; return 0; }
int libssh2_knownhost_checkp(LIBSSH2_KNOWNHOSTS *hosts, const char *host, int port, const char *key, size_t keylen, int typemask, struct libssh2_knownhost **knownhost) { return UNAVAILABLE; }
void libssh2_knownhost_free(LIBSSH2_KNOWNHOSTS *hosts) { }
LIBSSH2_KNOWNHOSTS * libssh2_knownhost_init(LIBSSH2_SESSION *session) { return NULL; }
int libssh2_knownhost_readfile(LIBSSH2_KNOWNHOSTS *hosts, const char *filename, int type) { return UNAVAILABLE; }
void **libssh2_session_abstract(LIBSSH2_SESSION *session) { return NULL; }
int libssh2_session_disconnect_ex(LIBSSH2_SESSION *session, int reason, const char *description, const char *lang) { return UNAVAILABLE; }
int libssh2_session_free(LIBSSH2_SESSION *session) { return UNAVAILABLE; }
int libssh2_session_handshake(LIBSSH2_SESSION *session, libssh2_socket_t sock) { return UNAVAILABLE; }
const char *libssh2_session_hostkey(LIBSSH2_SESSION *session, size_t *len, int *type) { return NULL; }
LIBSSH2_SESSION * libssh2_session_init_ex(LIBSSH2_ALLOC_FUNC((*my_alloc)), LIBSSH2_FREE_FUNC((*my_free)), LIBSSH2_REALLOC_FUNC((*my_realloc)), void *abstract) { return NULL; }
int libssh2_session_last_error(LIBSSH2_SESSION *session, char **errmsg, int *errmsg_len, int want_buf) { return UNAVAILABLE; }
int libssh2_session_method_pref(LIBSSH2_SESSION *session, int method_type, const char *prefs) { return UNAVAILABLE; }
void libssh2_session_set_blocking(LIBSSH2_SESSION* session, int blocking) { }
int libssh2_userauth_authenticated(LIBSSH2_SESSION *session) { return UNAVAILABLE; }
int libssh2_userauth_keyboard_interactive_ex(LIBSSH2_SESSION* session, const char *username, unsigned int username_len, LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC( (*response_callback))) { return UNAVAILABLE; }
char *libssh2_userauth_list(LIBSSH2_SESSION *session, const char *username, unsigned int username_len) { return NULL; }
int libssh2_userauth_password_ex(LIBSSH2_SESSION *session, const char *username, unsigned int username_len, const char *password, unsigned int password_len, LIBSSH2_PASSWD_CHANGEREQ_FUNC ((*passwd_change_cb))) { return UNAVAILABLE; }
int libssh2_userauth_publickey(LIBSSH2_SESSION *session, const char *username, const unsigned char *pubkeydata, size_t pubkeydata_len, LIBSSH2_USERAUTH_PUBLICKEY_SIGN_FUNC ((*sign_callback)), void **abstract) { return UNAVAILABLE; }
int libssh2_userauth_publickey_fromfile_ex(LIBSSH2_SESSION *session, const char *username, unsigned int username_len, const char *publickey, const char *privatekey, const char *passphrase) { return UNAVAILABLE; }
int libssh2_userauth_publickey_frommemory(LIBSSH2_SESSION *session, const char *username, size_t username_len, const char *publickeyfiledata, size_t publickeyfiledata_len, const char *privatekeyfiledata, size_t privatekeyfiledata_len, const char *passphrase) { return UNAVAILABLE; }
