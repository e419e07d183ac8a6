// transform-plugin in JavaScript (componentize-js): ../fixtures.md §transform, as the Rust fixture.
// Variants are { tag, val }; a case without a payload is { tag } alone.

export const transform = {
  manifest() {
    return {
      id: 'com.example.wasm-transform',
      version: '0.3.1',
      name: 'Wasm Fixture Transform',
      pluginClass: 'transform',
      protocolVersion: '1.0',
    };
  },

  transformArguments(ctx, args, _config) {
    switch (ctx.toolName) {
      case 'xf.fail':
        return { tag: 'error', val: 'cannot transform xf.fail' };
      case 'xf.badjson':
        return { tag: 'modified', val: 'not json' };
    }
    if (!args.startsWith('{')) {
      return { tag: 'unchanged' };
    }
    const rest = args.slice(1);
    const sep = rest.trimStart().startsWith('}') ? '' : ',';
    return { tag: 'modified', val: `{"transformed_by":"wasm-fixture"${sep}${rest}` };
  },

  transformOutput(ctx, result, _config) {
    if (ctx.toolName === 'echo') {
      return { tag: 'modified', val: `{"wrapped":${result}}` };
    }
    return { tag: 'unchanged' };
  },
};
