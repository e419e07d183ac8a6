/* A minimal native plugin for the static checks: the two entry points and, unless NO_EMBED is
   defined, plugin.yaml embedded in read-only data as the SDK's include_str! does (no NUL). */
#ifndef NO_EMBED
__asm__(".section .rodata\n.incbin \"plugin.yaml\"\n.previous");
#endif
#include <stdlib.h>

const char other_rodata[] = "called `Option::unwrap()` on a `None` value";

/* Uses libc, so the library depends on it (DT_NEEDED) as a real plugin does. */
int mcpg_plugin_register(void) { return getenv(other_rodata) ? 2 : 2; }
#ifndef NO_LAYOUT
int mcpg_plugin_abi_layout(void) { return 0; }
#endif
#ifdef WITH_MAIN
int main(void) { return 0; }
#endif
