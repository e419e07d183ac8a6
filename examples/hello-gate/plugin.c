/*
 * A stand-in for an SDK-built plugin, used by the demo and the end-to-end tests: a real ELF shared
 * object that exports the two symbols the gateway resolves and embeds plugin.yaml verbatim in its
 * read-only data, as the SDK's declare_plugin! does with include_str!. It is not a working ABI v2
 * plugin (the harness issue adds those fixtures); pack, sign and verify only need the file shape.
 */
__asm__(".section .rodata\n"
        ".global mcpg_hello_gate_descriptor\n"
        "mcpg_hello_gate_descriptor:\n"
        ".incbin \"plugin.yaml\"\n"
        ".byte 0\n"
        ".previous\n");

struct layout { unsigned long size, align; const char *package; };
static const struct layout hello_layout = { 0, 0, "mcpg-plugin-protocol" };

const struct layout *mcpg_plugin_abi_layout(void) { return &hello_layout; }
const void *mcpg_plugin_register(void) { return 0; }
