// tool-gate-plugin in JavaScript (componentize-js): the decisions of ../fixtures.md §gate, as the
// Rust fixture makes them. Records are objects with camelCase fields, variants { tag, val }, an
// absent option is undefined, u64 a BigInt.

const MAX_RESULT_BYTES = 1024;
const utf8 = new TextEncoder();

function allow(metadata) {
  return { tag: 'allow', val: { metadata, modifiedArguments: undefined, modifiedResult: undefined } };
}

function deny(httpStatus, code, message, errorData) {
  return { tag: 'deny', val: { httpStatus, code, message, errorData } };
}

function contextJSON(ctx) {
  const id = ctx.identity;
  return {
    request_id: ctx.requestId,
    session_id: ctx.sessionId ?? null,
    tool_name: ctx.toolName,
    surface: ctx.surface,
    transport: ctx.transport,
    identity: {
      kind: id.kind,
      trust_level: id.trustLevel,
      subject_id: id.subjectId ?? null,
      auth_provider: id.authProvider ?? null,
      issuer: id.issuer ?? null,
      roles: id.roles,
      groups: id.groups,
      scopes: id.scopes,
      attributes: Object.fromEntries(id.attributes),
    },
  };
}

export const toolGate = {
  manifest() {
    return {
      id: 'com.example.wasm-gate',
      version: '0.3.1',
      name: 'Wasm Fixture Gate',
      pluginClass: 'tool_gate',
      protocolVersion: '1.0',
    };
  },

  evaluatePreDispatch(ctx, args, meta, config) {
    const tool = ctx.toolName;
    if (tool.startsWith('debug_')) {
      return deny(403, -32030, 'debug tools are blocked', JSON.stringify({ tool }));
    }
    switch (tool) {
      case 'guest.throw':
        throw new Error('fixture throw in evaluate-pre-dispatch');
      case 'deny.all':
        return deny(403, -32001, 'denied by test', undefined);
      case 'pay.me':
        return {
          tag: 'challenge',
          val: { httpStatus: 402, code: -32099, message: 'payment required', challengeData: '{"challenge_id":"abc123"}' },
        };
      case 'rewrite':
        return {
          tag: 'allow',
          val: { metadata: undefined, modifiedArguments: `{"original":${args},"rewritten":true}`, modifiedResult: undefined },
        };
      case 'bad.allow':
        return { tag: 'allow', val: { metadata: 'not json', modifiedArguments: '', modifiedResult: '{' } };
      case 'bad.deny':
        return deny(403, -32002, 'denied with bad data', '{oops');
      case 'bad.challenge':
        return {
          tag: 'challenge',
          val: { httpStatus: 402, code: -32098, message: 'challenge with bad data', challengeData: 'nope' },
        };
      case 'echo':
        return allow(JSON.stringify({ context: contextJSON(ctx), arguments: args, meta: meta ?? null, config }));
      default:
        return allow('{"plugin":"wasm-fixture"}');
    }
  },

  evaluatePostDispatch(ctx, args, result, executionDurationMs, config) {
    const bytes = utf8.encode(result).length;
    if (bytes > MAX_RESULT_BYTES) {
      return deny(413, -32041, 'result too large', JSON.stringify({ bytes, limit: MAX_RESULT_BYTES }));
    }
    switch (ctx.toolName) {
      case 'post.deny':
        return deny(403, -32040, 'result rejected', undefined);
      case 'redact':
        return {
          tag: 'allow',
          val: {
            metadata: undefined,
            modifiedArguments: undefined,
            modifiedResult: '{"content":[{"type":"text","text":"[redacted]"}],"isError":false}',
          },
        };
      case 'echo':
        return allow(
          `{"result":${JSON.stringify(result)},"duration_ms":${executionDurationMs},` +
            `"arguments":${JSON.stringify(args)},"config":${JSON.stringify(config)}}`,
        );
      default:
        return allow(undefined);
    }
  },
};
