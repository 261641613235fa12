/*
 * The GSSAPI functions libgit2 refers to, for secr's self-contained release binary, answering
 * "no mechanism available".
 *
 * Why: Debian builds libgit2 with GSSAPI so that HTTPS remotes can authenticate with Kerberos
 * ("Negotiate"). Only libgit2's auth_negotiate.c refers to GSSAPI, and Debian ships no static
 * libgssapi_krb5, so a static link of Debian's libgit2.a needs these nine symbols from
 * somewhere. secr never talks to a remote: it reads and writes the local repository only (no
 * fetch, push or clone), so libgit2 never reaches this code from secr. Should it ever, these
 * answers make it behave as a libgit2 built without a Kerberos mechanism: gss_indicate_mechs
 * reports an empty mechanism set, and libgit2 then fails that one authentication with
 * "negotiate authentication is not supported" instead of crashing. Everything else returns
 * GSS_S_UNAVAILABLE and hands back empty outputs. See docs/DECISIONS.md.
 *
 * Types are declared by layout (RFC 2744) because the krb5 headers are not a build dependency.
 */
#include <stddef.h>
#include <stdint.h>

typedef uint32_t OM_uint32;
typedef struct { OM_uint32 length; void *elements; } secr_gss_oid_desc;
typedef struct { size_t count; secr_gss_oid_desc *elements; } secr_gss_oid_set_desc;
typedef struct { size_t length; void *value; } secr_gss_buffer_desc;

#define SECR_GSS_S_COMPLETE 0u
#define SECR_GSS_S_UNAVAILABLE (16u << 16)
#define SECR_GSS_S_FAILURE (13u << 16)

static void empty(secr_gss_buffer_desc *buffer) {
    if (buffer) { buffer->length = 0; buffer->value = NULL; }
}

secr_gss_oid_desc *GSS_C_NT_HOSTBASED_SERVICE = NULL;

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, secr_gss_oid_set_desc **mechanisms) {
    *minor = 0;
    *mechanisms = NULL;
    return SECR_GSS_S_COMPLETE;
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor, secr_gss_oid_set_desc **set) {
    *minor = 0;
    if (set) *set = NULL;
    return SECR_GSS_S_COMPLETE;
}

OM_uint32 gss_import_name(OM_uint32 *minor, void *name_buffer, void *name_type, void **name) {
    (void)name_buffer; (void)name_type;
    *minor = 0;
    if (name) *name = NULL;
    return SECR_GSS_S_UNAVAILABLE;
}

OM_uint32 gss_release_name(OM_uint32 *minor, void **name) {
    *minor = 0;
    if (name) *name = NULL;
    return SECR_GSS_S_COMPLETE;
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, void *credential, void **context, void *target,
                               void *mechanism, OM_uint32 flags, OM_uint32 lifetime, void *bindings,
                               void *input, void **actual_mechanism, secr_gss_buffer_desc *output,
                               OM_uint32 *returned_flags, OM_uint32 *returned_lifetime) {
    (void)credential; (void)target; (void)mechanism; (void)flags; (void)lifetime; (void)bindings; (void)input;
    *minor = 0;
    if (context) *context = NULL;
    if (actual_mechanism) *actual_mechanism = NULL;
    if (returned_flags) *returned_flags = 0;
    if (returned_lifetime) *returned_lifetime = 0;
    empty(output);
    return SECR_GSS_S_UNAVAILABLE;
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, void **context, secr_gss_buffer_desc *output) {
    *minor = 0;
    if (context) *context = NULL;
    empty(output);
    return SECR_GSS_S_COMPLETE;
}

OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int status_type, void *mechanism,
                             OM_uint32 *message_context, secr_gss_buffer_desc *message) {
    (void)status; (void)status_type; (void)mechanism;
    *minor = 0;
    if (message_context) *message_context = 0;
    empty(message);
    return SECR_GSS_S_FAILURE;
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, secr_gss_buffer_desc *buffer) {
    *minor = 0;
    empty(buffer);
    return SECR_GSS_S_COMPLETE;
}
