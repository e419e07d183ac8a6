/*
 * hello-gate — a complete MCPG native tool_gate plugin (ABI v2) in plain C.
 *
 * The rule: a call to a tool whose name starts with "debug_" is denied (HTTP 403, with a reason);
 * every other call is allowed unchanged. After a tool has run, its result passes unchanged.
 *
 *   cc -shared -fPIC -O2 -Wa,-I,. -o libhello_gate.so plugin.c
 *   mcpg-plugins pack -d plugin.yaml -a libhello_gate.so -v 0.1.0 -o hello.zip
 *   mcpg-plugins test hello.zip --tool debug_dump     # → deny
 *   mcpg-plugins test hello.zip --tool search         # → allow
 *
 * Real plugins are written in Rust: mcpg-plugin-sdk's declare_plugin! generates everything below.
 * This file spells it out, so you can see what crosses the boundary between gateway and plugin.
 * The reference for every layout, slot and ownership rule is docs/native-abi.md (cited as §…).
 *
 * One limit: `mcpg-plugins test` guards the layout with a few cheap checks on abi_stable's
 * TypeLayout (§1.4), which section 6 below satisfies; the gateway itself compares the whole
 * TypeLayout graph, which only a Rust build produces. Ship plugins built with the SDK.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * 1. The descriptor, embedded verbatim (docs/contract.md §2.4, §8.2; docs/native-abi.md §1.3 step 7).
 *    The gateway compares this copy with the package's plugin.yaml, so both are the same file.
 * --------------------------------------------------------------------------------------------- */
__asm__(".section .rodata\n"
        ".global hello_gate_yaml\n.hidden hello_gate_yaml\n"
        "hello_gate_yaml:\n.incbin \"plugin.yaml\"\n"
        ".global hello_gate_yaml_end\n.hidden hello_gate_yaml_end\n"
        "hello_gate_yaml_end:\n"
        ".previous\n");
extern const char hello_gate_yaml[], hello_gate_yaml_end[];

/* ---------------------------------------------------------------------------------------------
 * 2. abi_stable's strings and vectors (§2.1). An RString is an RVec<u8>; every RVec carries a
 *    pointer to the vtable that frees it, so each buffer goes back to the allocator that made it.
 * --------------------------------------------------------------------------------------------- */
struct RVec;
typedef struct { const void *executable_identity; uint8_t type_id[16]; } UTypeId;
typedef struct {
    uint64_t field_accessibility;
    const void *type_layout;
    UTypeId (*type_id)(void);                                            /* +16 */
    void (*destructor)(struct RVec *);                                   /* +24 */
    void (*grow_capacity_to)(struct RVec *, size_t to, int32_t exactly); /* +32 */
    void (*shrink_to_fit)(struct RVec *);                                /* +40 */
} VecVTable;
typedef struct RVec { void *ptr; size_t len, cap; const VecVTable *vt; } RVec, RString;
typedef struct { const char *ptr; size_t len; } RStr; /* borrowed: never freed by the receiver */

enum { RSOME = 0, RNONE = 1 }; /* ROption's tag: note 0 is Some */
typedef struct { uint8_t tag; RString value; } ROptionRString;
typedef struct { uint8_t tag; RStr value; } ROptionRStr;

#define CHECK_SIZE(type, n) _Static_assert(sizeof(type) == (n), #type " is " #n " bytes (§2)")
CHECK_SIZE(VecVTable, 48);
CHECK_SIZE(RVec, 32);
CHECK_SIZE(ROptionRString, 40);

/* Our vectors: malloc'd buffers. Every RVec vtable of one binary reports the same type id, which is
 * how abi_stable recognises a buffer it may adopt (§2.1). */
static const char type_id_anchor;
static UTypeId our_type_id(void) { return (UTypeId){&type_id_anchor, {0}}; }
static void grow(RVec *v, size_t elem_size, size_t to) {
    if (to <= v->cap) return;
    void *p = realloc(v->cap ? v->ptr : NULL, to * elem_size);
    if (!p) abort();
    v->ptr = p;
    v->cap = to;
}
static void release(RVec *v) {
    if (v->cap) free(v->ptr);
    v->len = v->cap = 0;
}
static void bytes_destructor(RVec *v) { release(v); }
static void bytes_grow(RVec *v, size_t to, int32_t exactly) { (void)exactly; grow(v, 1, to); }
static void keep_capacity(RVec *v) { (void)v; }
/* The host also allocates the strings it hands us through this vtable (§3), so we free them here. */
static const VecVTable bytes_vtable = {0xF, NULL, our_type_id, bytes_destructor, bytes_grow, keep_capacity};

static void drop_string(RString *s) { s->vt->destructor(s); } /* always through its own vtable */
static RString string_of(const char *text, size_t n) {
    RString s = {(void *)1, 0, 0, &bytes_vtable}; /* empty: a dangling, non-null pointer */
    if (n) {
        grow(&s, 1, n);
        memcpy(s.ptr, text, n);
        s.len = n;
    }
    return s;
}
static RString string_lit(const char *text) { return string_of(text, strlen(text)); }
static ROptionRString none(void) { return (ROptionRString){RNONE, string_of("", 0)}; }

/* ---------------------------------------------------------------------------------------------
 * 3. What a tool gate is given and returns (§2.2). A Rust enum with data is a union of structs that
 *    each start with the u8 tag — which is why Deny's http_status sits at offset 2.
 * --------------------------------------------------------------------------------------------- */
typedef struct { RString key, value; } RKeyValue;
typedef struct {
    RString kind, trust_level;
    ROptionRString subject_id, auth_provider, issuer;
    RVec roles, groups, scopes; /* RVec<RString> */
    RVec attributes;            /* RVec<RKeyValue> */
} RPluginIdentity;
typedef struct {
    RString request_id;
    ROptionRString session_id;
    RString tool_name, surface;
    RPluginIdentity identity;
    RString transport;
} RPluginContext;

enum { GATE_ALLOW = 0, GATE_DENY = 1 }; /* 2 Challenge and 3 PendingApproval are unused here */
typedef union {
    uint8_t tag;
    struct { uint8_t tag; ROptionRString modified_arguments_json, modified_result_json, metadata_json; } allow;
    struct { uint8_t tag; uint16_t http_status; int32_t code; RString message; ROptionRString error_data_json; } deny;
    uint8_t whole[168]; /* the largest variant, PendingApproval, is 168 bytes */
} RGateDecision;

/* The host services (§2.4) arrive with make; this gate calls none of them, so they stay opaque. */
typedef struct { uintptr_t ctx; void (*services[18])(void); } HostHandleRef;

CHECK_SIZE(RPluginIdentity, 312);
CHECK_SIZE(RPluginContext, 480);
CHECK_SIZE(RGateDecision, 168);
_Static_assert(offsetof(RGateDecision, deny.http_status) == 2, "Deny.http_status is at offset 2 (§2.2)");
_Static_assert(offsetof(RGateDecision, deny.message) == 8, "Deny.message is at offset 8 (§2.2)");
CHECK_SIZE(HostHandleRef, 152);

/* The context comes by value, so it is ours to free (§3): every string, option and vector in it.
 * A vector's elements are freed one by one first, then the emptied vector through its own vtable
 * (the harness builds these vectors as bytes; a Rust host's destructor would free elements too). */
static void drop_option(ROptionRString *o) {
    if (o->tag == RSOME) drop_string(&o->value);
}
static void drop_strings(RVec *v) {
    for (size_t i = 0; i < v->len; i++) drop_string((RString *)v->ptr + i);
    v->len = 0;
    v->vt->destructor(v);
}
static void drop_key_values(RVec *v) {
    for (size_t i = 0; i < v->len; i++) {
        drop_string(&((RKeyValue *)v->ptr)[i].key);
        drop_string(&((RKeyValue *)v->ptr)[i].value);
    }
    v->len = 0;
    v->vt->destructor(v);
}
static void drop_context(RPluginContext *c) {
    RPluginIdentity *id = &c->identity;
    drop_string(&c->request_id);
    drop_option(&c->session_id);
    drop_string(&c->tool_name);
    drop_string(&c->surface);
    drop_string(&id->kind);
    drop_string(&id->trust_level);
    drop_option(&id->subject_id);
    drop_option(&id->auth_provider);
    drop_option(&id->issuer);
    drop_strings(&id->roles);
    drop_strings(&id->groups);
    drop_strings(&id->scopes);
    drop_key_values(&id->attributes);
    drop_string(&c->transport);
}

/* ---------------------------------------------------------------------------------------------
 * 4. The gate's slots, in vtable order (§2.4 tool_gate: +0 … +40).
 * --------------------------------------------------------------------------------------------- */
#define DENIED_PREFIX "debug_"

typedef struct { HostHandleRef host; } Instance; /* a gate that used host services would keep them */
typedef void *PluginHandle;                      /* NULL from make means "refused" (§2.1, §5) */

/* make: config_json and inner_name are ours (§3); this gate has no settings, so both are freed. */
static PluginHandle gate_make(HostHandleRef host, RString config_json, RString inner_name) {
    drop_string(&config_json);
    drop_string(&inner_name);
    Instance *inst = malloc(sizeof *inst);
    if (inst) inst->host = host;
    return inst;
}

/* manifest_json: the caller frees the returned string (§3); its fields are those of §4. */
static RString gate_manifest_json(PluginHandle h) {
    (void)h;
    return string_lit("{\"id\":\"com.example.hello-gate\",\"version\":\"0.1.0\",\"name\":\"Hello Gate\","
                      "\"plugin_class\":\"tool_gate\",\"protocol_version\":\"1.0\","
                      "\"required_capabilities\":[{\"type\":\"audit_write\"}]}");
}

static RGateDecision allow(void) {
    RGateDecision d = {0};
    d.allow.tag = GATE_ALLOW;
    d.allow.modified_arguments_json = d.allow.modified_result_json = d.allow.metadata_json = none();
    return d;
}

static RGateDecision deny(uint16_t http_status, int32_t code, RString message) {
    RGateDecision d = {0};
    d.deny.tag = GATE_DENY;
    d.deny.http_status = http_status;
    d.deny.code = code; /* any code but -32099, which means "the plugin panicked" (§5) */
    d.deny.message = message;
    d.deny.error_data_json = none();
    return d;
}

static bool starts_with(const RString *s, const char *prefix) {
    size_t n = strlen(prefix);
    return s->len >= n && memcmp(s->ptr, prefix, n) == 0;
}

/* evaluate_pre_dispatch: before the tool runs. The RStr arguments are borrowed (§3). */
static RGateDecision gate_evaluate_pre_dispatch(PluginHandle h, RPluginContext ctx, RStr arguments_json,
                                                ROptionRStr meta_json, RStr config_json) {
    (void)h, (void)arguments_json, (void)meta_json, (void)config_json;
    RGateDecision d = allow();
    if (starts_with(&ctx.tool_name, DENIED_PREFIX)) {
        RString reason = string_lit("hello-gate blocks debug tools (" DENIED_PREFIX "*): ");
        grow(&reason, 1, reason.len + ctx.tool_name.len);
        memcpy((char *)reason.ptr + reason.len, ctx.tool_name.ptr, ctx.tool_name.len);
        reason.len += ctx.tool_name.len;
        d = deny(403, -32030, reason);
    }
    drop_context(&ctx);
    return d;
}

/* evaluate_post_dispatch: after the tool ran; this gate lets every result through unchanged. */
static RGateDecision gate_evaluate_post_dispatch(PluginHandle h, RPluginContext ctx, RStr arguments_json,
                                                 RStr result_json, uint64_t execution_duration_ms, RStr config_json) {
    (void)h, (void)arguments_json, (void)result_json, (void)execution_duration_ms, (void)config_json;
    drop_context(&ctx);
    return allow();
}

static void gate_shutdown(PluginHandle h) { (void)h; } /* nothing to flush */
static void gate_drop_instance(PluginHandle h) { free(h); }

/* ---------------------------------------------------------------------------------------------
 * 5. The registration (§2.3), returned by value (240 bytes, through the caller's sret buffer).
 *    Each call builds fresh strings; the host frees them through the vtables they carry.
 * --------------------------------------------------------------------------------------------- */
typedef struct {
    PluginHandle (*make)(HostHandleRef host, RString config_json, RString inner_name);
    RString (*manifest_json)(PluginHandle h);
    RGateDecision (*evaluate_pre_dispatch)(PluginHandle, RPluginContext, RStr, ROptionRStr, RStr);
    RGateDecision (*evaluate_post_dispatch)(PluginHandle, RPluginContext, RStr, RStr, uint64_t, RStr);
    void (*shutdown)(PluginHandle h);
    void (*drop_instance)(PluginHandle h);
} ToolGateVTable;
enum { ENTITY_TOOL_GATE = 0 }; /* tags follow declaration order (§2.3) */
typedef struct {
    uint8_t tag;
    RString inner_name;
    ToolGateVTable vtable; /* at +40 */
    uint8_t rest[224 - 40 - sizeof(ToolGateVTable)]; /* the widest entity's vtable is larger */
} EntityRegistration;
typedef struct { RString kind, args_json; } TypedCapabilityDecl;
typedef struct {
    uint32_t abi_version;
    RString plugin_id, plugin_version, module_path_prefix;
    RVec entities;     /* RVec<EntityRegistration> */
    RVec capabilities; /* RVec<TypedCapabilityDecl> */
    ROptionRString backend_profile_json;
    RString descriptor_yaml;
} PluginRegistration;

CHECK_SIZE(EntityRegistration, 224);
CHECK_SIZE(TypedCapabilityDecl, 64);
CHECK_SIZE(PluginRegistration, 240);

/* The two vectors need destructors that free their elements' strings too. */
static void entities_destructor(RVec *v) {
    for (size_t i = 0; i < v->len; i++) drop_string(&((EntityRegistration *)v->ptr)[i].inner_name);
    release(v);
}
static void entities_grow(RVec *v, size_t to, int32_t exactly) { (void)exactly; grow(v, sizeof(EntityRegistration), to); }
static const VecVTable entities_vtable = {0xF, NULL, our_type_id, entities_destructor, entities_grow, keep_capacity};
static void capabilities_destructor(RVec *v) {
    for (size_t i = 0; i < v->len; i++) {
        drop_string(&((TypedCapabilityDecl *)v->ptr)[i].kind);
        drop_string(&((TypedCapabilityDecl *)v->ptr)[i].args_json);
    }
    release(v);
}
static void capabilities_grow(RVec *v, size_t to, int32_t exactly) { (void)exactly; grow(v, sizeof(TypedCapabilityDecl), to); }
static const VecVTable capabilities_vtable = {0xF, NULL, our_type_id, capabilities_destructor, capabilities_grow,
                                              keep_capacity};

PluginRegistration mcpg_plugin_register(void) {
    PluginRegistration r = {0};
    r.abi_version = 2;
    r.plugin_id = string_lit("com.example.hello-gate"); /* its vtable is the one the host allocates with (§3) */
    r.plugin_version = string_lit("0.1.0");
    r.module_path_prefix = string_lit("hello_gate");

    EntityRegistration *gate = calloc(1, sizeof *gate);
    if (!gate) abort();
    gate->tag = ENTITY_TOOL_GATE;
    gate->inner_name = string_lit("");
    gate->vtable = (ToolGateVTable){gate_make, gate_manifest_json, gate_evaluate_pre_dispatch,
                                    gate_evaluate_post_dispatch, gate_shutdown, gate_drop_instance};
    r.entities = (RVec){gate, 1, 1, &entities_vtable};

    /* The capabilities must equal plugin.yaml's required_capabilities, arguments and order included. */
    TypedCapabilityDecl *cap = malloc(sizeof *cap);
    if (!cap) abort();
    *cap = (TypedCapabilityDecl){string_lit("audit_write"), string_lit("")};
    r.capabilities = (RVec){cap, 1, 1, &capabilities_vtable};

    r.backend_profile_json = none();
    r.descriptor_yaml = string_of(hello_gate_yaml, (size_t)(hello_gate_yaml_end - hello_gate_yaml));
    return r;
}

/* ---------------------------------------------------------------------------------------------
 * 6. The layout guard (§1.4). The host asks for abi_stable's TypeLayout of PluginRegistration before
 *    calling mcpg_plugin_register, and refuses a plugin whose size or alignment differs. These are
 *    the fields the harness reads: mono (+8) → package_and_version (+32), alignment (+17), size (+24).
 * --------------------------------------------------------------------------------------------- */
static const char package_and_version[] = "mcpg-plugin-protocol;0.1.0-beta.14";
static const struct { uint8_t before[32]; RStr package_and_version; } mono = {
    {0}, {package_and_version, sizeof package_and_version - 1}};
static const struct {
    const void *shared_vars, *mono;
    uint8_t is_nonzero, alignment_power_of_two;
    size_t size;
} registration_layout = {NULL, &mono, 0, 3 /* 2^3 = 8 */, sizeof(PluginRegistration)};

const void *mcpg_plugin_abi_layout(void) { return &registration_layout; }
