/* ABI probe for plugin-harness/native's unit tests (abi_test.go): functions with the exact C shapes of
 * the Tier-1 slots and the host-service callbacks (docs/native-abi.md §2.4), compiled by the C compiler of
 * the platform under test, so the harness's argument placement (abi.go, call.go, bigcall_<arch>.s) is
 * checked against what the compiler's calling convention actually delivers.
 *
 * Each slot-shaped function writes every argument word it received into seen[] (in parameter order),
 * scribbles over its by-value aggregates (a callee may: on arm64 they are the caller's copies), and
 * fills its sret result with the pattern 0x5000 + i. probe_host calls host services through a
 * HostHandleRef with RStrings made by its own vtable and records what came back.
 *
 * Build: cc -shared -fPIC -O2 -o abiprobe.so abiprobe.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct RVec RVec;
typedef struct {
    uint64_t accessibility;
    const void *layout;
    void *type_id;
    void (*destructor)(RVec *);
    void (*grow_capacity_to)(RVec *, size_t, int32_t);
    void (*shrink_to_fit)(RVec *);
} VecVTable;
struct RVec { uint8_t *ptr; size_t len, cap; const VecVTable *vt; };
typedef RVec RString;
typedef struct { const uint8_t *ptr; size_t len; } RStr;
typedef struct { uint8_t tag; RStr v; } ROptionRStr;
typedef struct { uint64_t w[60]; } Ctx;
typedef struct { uint64_t w[19]; } HostRef;
typedef struct { uint64_t w[30]; } R240;
typedef struct { uint64_t w[21]; } R168;
typedef struct { uint64_t w[5]; } R40;
typedef struct { uint64_t w[40]; } R320;
typedef struct { uint64_t w[25]; } R200;

_Static_assert(sizeof(ROptionRStr) == 24, "ROption<RStr> is 24 bytes");

static uint64_t seen[128];
static int nseen;
static void see(uint64_t v) { if (nseen < 128) seen[nseen++] = v; }
static void see_str(RStr s) { see((uint64_t)s.ptr); see(s.len); }
static void see_rstring(const RString *s) { see((uint64_t)s->ptr); see(s->len); see(s->cap); see((uint64_t)s->vt); }

const uint64_t *probe_seen(void) { return seen; }
int probe_nseen(void) { return nseen; }
void probe_reset(void) { nseen = 0; memset(seen, 0, sizeof seen); }

#define FILL(r, n) do { for (int i = 0; i < (n); i++) (r).w[i] = 0x5000 + i; } while (0)
/* The empty asm with the address as input keeps the stores: they are dead to the optimiser otherwise. */
#define SCRIBBLE(x) do { memset(&(x), 0xa5, sizeof(x)); __asm__ volatile("" : : "r"(&(x)) : "memory"); } while (0)

/* The probe's own RVec<u8> vtable: malloc, realloc, free. */
static void vec_destructor(RVec *v) { if (v->cap) free(v->ptr); v->ptr = (uint8_t *)1; v->len = v->cap = 0; }
static void vec_grow(RVec *v, size_t to, int32_t exact) {
    (void)exact;
    if (to <= v->cap) return;
    v->ptr = realloc(v->cap ? v->ptr : NULL, to);
    v->cap = to;
}
static void vec_shrink(RVec *v) { (void)v; }
static const VecVTable probe_vt = {0xF, 0, 0, vec_destructor, vec_grow, vec_shrink};
const VecVTable *probe_vtable(void) { return &probe_vt; }

R240 probe_register(void) { R240 r; FILL(r, 30); return r; }

void *probe_make(HostRef host, RString config, RString inner) {
    see(host.w[0]); see(host.w[1]); see(host.w[18]);
    see_rstring(&config); see_rstring(&inner);
    SCRIBBLE(host); SCRIBBLE(config); SCRIBBLE(inner);
    return (void *)0x1234;
}

RString probe_manifest(void *h) {
    see((uint64_t)h);
    RString r = {(uint8_t *)0x5000, 0x5001, 0x5002, (const VecVTable *)0x5003};
    return r;
}

R168 probe_pre(void *h, Ctx ctx, RStr args, ROptionRStr meta, RStr config) {
    see((uint64_t)h); see(ctx.w[0]); see(ctx.w[59]); see_str(args);
    see(meta.tag); see_str(meta.v); see_str(config);
    SCRIBBLE(ctx); SCRIBBLE(meta);
    R168 r; FILL(r, 21); return r;
}

R168 probe_post(void *h, Ctx ctx, RStr args, RStr result, uint64_t duration, RStr config) {
    see((uint64_t)h); see(ctx.w[0]); see(ctx.w[59]); see_str(args); see_str(result); see(duration); see_str(config);
    SCRIBBLE(ctx);
    R168 r; FILL(r, 21); return r;
}

R40 probe_transform(void *h, Ctx ctx, RStr json, RStr config) {
    see((uint64_t)h); see(ctx.w[0]); see(ctx.w[59]); see_str(json); see_str(config);
    SCRIBBLE(ctx);
    R40 r; FILL(r, 5); return r;
}

R320 probe_resolve(void *h, RStr headers, RStr metadata, RStr config) {
    see((uint64_t)h); see_str(headers); see_str(metadata); see_str(config);
    R320 r; FILL(r, 40); return r;
}

uint64_t probe_words(uint64_t a, uint64_t b, uint64_t c) { see(a); see(b); see(c); return a ^ b ^ c; }

/* ---- host services ---- */

static RString own(const char *s) {
    RString r = {(uint8_t *)1, 0, 0, &probe_vt};
    size_t n = strlen(s);
    if (n) { vec_grow(&r, n, 0); memcpy(r.ptr, s, n); r.len = n; }
    return r;
}

/* An answer: its length and first 8 bytes, then dropped through its own vtable, as the plugin must. */
static void see_answer(RString r) {
    uint64_t head = 0;
    memcpy(&head, r.ptr, r.len < 8 ? r.len : 8);
    see(r.len); see(head);
    r.vt->destructor(&r);
}

typedef RString (*StrFn1)(uintptr_t, RString);
typedef RString (*StrFn2)(uintptr_t, RString, RString);
typedef RString (*StrFn3)(uintptr_t, RString, RString, RString);
typedef void (*VoidFn1)(uintptr_t, RString);
typedef R200 (*ClusterFn)(uintptr_t);
typedef uint64_t (*SpanStartFn)(uintptr_t, RString, RString);
typedef void (*SpanEndFn)(uintptr_t, uint64_t);
typedef void (*SpanEventFn)(uintptr_t, uint64_t, RString, RString);
typedef RString (*AliasFn)(uintptr_t);
typedef uint64_t (*SubscribeFn)(uintptr_t, uintptr_t, uintptr_t);
typedef void (*UnsubscribeFn)(uintptr_t, uint64_t);

/* probe_host calls every host service once, in vtable order, with arguments built here. */
void probe_host(HostRef host) {
    uintptr_t ctx = host.w[0];
#define SLOT(i, type) ((type)(uintptr_t)host.w[1 + (i)])
    see_answer(SLOT(0, StrFn1)(ctx, own("vault://db")));
    see_answer(SLOT(1, StrFn2)(ctx, own("cred://x"), own("{\"kind\":\"anonymous\"}")));
    see_answer(SLOT(2, StrFn1)(ctx, own("config://app")));
    see_answer(SLOT(3, StrFn1)(ctx, own("{}")));
    SLOT(4, VoidFn1)(ctx, own("{\"name\":\"m\"}"));
    R200 cl = SLOT(5, ClusterFn)(ctx);
    see(cl.w[0] & 0xff);
    see(SLOT(6, SpanStartFn)(ctx, own("span-a"), own("{\"a\":1}")));
    SLOT(7, SpanEndFn)(ctx, 0x7777777777ULL);
    SLOT(8, SpanEventFn)(ctx, 0x8888888888ULL, own("ev"), own("{}"));
    see_answer(SLOT(9, AliasFn)(ctx));
    see_answer(SLOT(10, StrFn2)(ctx, own("{\"v\":1}"), own("{}")));
    see_answer(SLOT(11, StrFn1)(ctx, own("key-1")));
    see_answer(SLOT(12, StrFn1)(ctx, own("content://c")));
    see_answer(SLOT(13, StrFn1)(ctx, own("{\"s\":2}")));
    see_answer(SLOT(14, StrFn3)(ctx, own("{}"), own("tool.x"), own("{\"q\":3}")));
    see(SLOT(15, SubscribeFn)(ctx, 0xc0ffee, 41));
    see(SLOT(16, SubscribeFn)(ctx, 0xc0ffee, 42));
    SLOT(17, UnsubscribeFn)(ctx, 0x1717171717ULL);
#undef SLOT
}
