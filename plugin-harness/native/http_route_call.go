//go:build (linux || darwin) && (amd64 || arm64)

package native

// Driving http_route as the gateway's NativeHttpRouteAdapter does (docs/native-kinds.md §6,
// §11.1–§11.3): routes_json once; every request through handle_streaming with two host sinks, the
// text one (HttpChunkWire events) and the bytes one (raw chunks, an empty one ends the body); an
// answer with handle 0 is the whole buffered response and frees both sinks at once, any other
// handle is a stream whose head comes back and whose body is read until its end marker, then
// cancel_stream runs as the body's drop guard does and no callback may follow it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

const wordsHTTPHandleResult = 5 // HttpHandleResult: handle, head_json (40 bytes)

var (
	// handle_streaming(h, RString request_json, EventSinkRef sink, BytesSinkRef bytes_sink) → HttpHandleResult
	sigHTTPStream  = signature{sret: wordsHTTPHandleResult, params: []param{scalar, aggregate(wordsRString), pair, pair}}
	httpStreamCall = conv.place(sigHTTPStream)
)

func init() {
	kindCalls[callRoutes] = (*instance).routesJSON
	kindCalls[callHTTPStream] = (*instance).handleStreaming
	kindCalls[callHTTPCancel] = (*instance).httpCancel
	kindCalls[callHTTPHandle] = (*instance).httpHandle
}

// httpRoutes is http_route's state across the plan's calls (instance.kindState).
type httpRoutes struct {
	routes  []routeDecl // as routes_json answered
	open    *httpStream // a streamed response cancel_stream has not ended yet
	guarded bool        // the plan-end cancel is registered
}

// routeDecl is what the harness reads of a RouteSpec.
type routeDecl struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Streaming bool   `json:"streaming"`
}

// httpStream is one streamed response: the plugin's token and the two sinks it was given.
type httpStream struct {
	token uintptr
	text  *sinkState
	bytes bytesSinkState
	end   int  // index of the text sink's {"kind":"end"} among its kept events, -1 when none came
	mixed bool // the stream was seen using both sinks (reported once)
}

func (i *instance) httpState() *httpRoutes {
	if st, ok := i.kindState.(*httpRoutes); ok {
		return st
	}
	st := &httpRoutes{}
	i.kindState = st
	return st
}

// httpResult is what the report shows of one request, in a readable order.
type httpResult struct {
	Request                  string          `json:"request,omitempty"`
	Handle                   any             `json:"handle,omitempty"`
	Status                   *uint16         `json:"status,omitempty"`
	Headers                  [][2]string     `json:"headers,omitempty"`
	HeadJSON                 json.RawMessage `json:"head_json,omitempty"`
	Sink                     string          `json:"sink,omitempty"`
	Chunks                   []any           `json:"chunks,omitempty"`
	ChunksNotKept            int             `json:"chunks_not_kept,omitempty"`
	Body                     any             `json:"body,omitempty"`
	CallbacksOnPluginThreads int32           `json:"callbacks_on_plugin_threads,omitempty"`
	Cancelled                string          `json:"cancelled,omitempty"`
}

// chunkView is one body chunk as the gateway's HttpChunk, its data as text when it is UTF-8.
type chunkView struct {
	Kind string `json:"kind"`
	Name string `json:"name,omitempty"`
	Data any    `json:"data,omitempty"`
}

// routesJSON reads routes_json as the adapter does while it is built, and keeps the routes for
// the requests.
func (i *instance) routesJSON(s *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
	c := manifestCall.prepare()
	c.scalar(0, i.handle)
	c.call(fn)
	o := i.answer(s, addrOf(c.sret))
	if len(o.violations) > 0 {
		return o
	}
	raw, _ := o.value.(json.RawMessage)
	var routes []routeDecl
	_ = json.Unmarshal(raw, &routes)
	i.httpState().routes = routes
	if len(routes) == 0 {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s declared no routes: the gateway mounts nothing and never calls handle_streaming "+
			"(the harness still sends it GET /)", i.kind, s.Name))
	}
	for _, r := range routes {
		for _, seg := range pathSegments(r.Path) {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				o.warnings = append(o.warnings, fmt.Sprintf("%s.%s: route %s %s: the segment %s is a literal to the gateway, whose "+
					"placeholders are :name (so only a request for that literal text matches)", i.kind, s.Name, r.Method, r.Path, seg))
			}
		}
	}
	return o
}

func pathSegments(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if seg != "" {
			out = append(out, seg)
		}
	}
	return out
}

// matchPath is the gateway's match_path: segment by segment, trailing slashes ignored, a :name
// segment capturing whatever stands there.
func matchPath(spec, path string) (map[string]string, bool) {
	want, got := pathSegments(spec), pathSegments(path)
	if len(want) != len(got) {
		return nil, false
	}
	params := map[string]string{}
	for k, seg := range want {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			params[name] = got[k]
		} else if seg != got[k] {
			return nil, false
		}
	}
	return params, true
}

// requestFields are HttpRouteRequestWire's fields in the order the adapter serialises them.
var requestFields = []string{"method", "full_path", "path_params", "query", "headers", "body", "identity", "request_id", "remote_addr"}

// httpRequest is the request_json a planned input stands for, built as the gateway builds it
// (docs/native-kinds.md §6) for the first declared route, each :name segment filled with "test":
// for null, that request; for a string "PATH" or "METHOD PATH" (relative to the mount), the
// request for that path, matched against the routes as the gateway matches it; for an object,
// the request with the object's fields in place of its own (the default plan's object carries
// the test identity and request id, which --context personalises). It returns the text, the route
// it matched (nil: none, or not known), "METHOD full_path" for the report, and warnings.
func (i *instance) httpRequest(input json.RawMessage) (string, *routeDecl, string, []string) {
	var warnings []string
	trimmed := bytes.TrimSpace(input)
	var given string
	var over map[string]json.RawMessage
	if len(trimmed) > 0 && trimmed[0] == '"' {
		_ = json.Unmarshal(trimmed, &given)
	} else if len(trimmed) > 0 && trimmed[0] == '{' {
		_ = json.Unmarshal(trimmed, &over)
	}
	routes := i.httpState().routes
	mount := "/plugins/" + i.id + "/" + i.routeEntityName()
	method, rel := "GET", "/"
	if len(routes) > 0 {
		if method = routes[0].Method; method == "*" {
			method = "GET"
		}
		segs := pathSegments(routes[0].Path)
		for k, seg := range segs {
			if strings.HasPrefix(seg, ":") {
				segs[k] = "test"
			}
		}
		rel = "/" + strings.Join(segs, "/")
	}
	if given = strings.TrimSpace(given); given != "" {
		if m, p, ok := strings.Cut(given, " "); ok {
			method, rel = strings.ToUpper(m), strings.TrimSpace(p)
		} else {
			rel = given
		}
	}
	var m, full string
	if json.Unmarshal(over["method"], &m) == nil && m != "" {
		method = m
	}
	if json.Unmarshal(over["full_path"], &full) == nil && full != "" {
		// A path outside the mount reaches no route of this entity: nothing to match.
		rel = ""
		if rest, ok := strings.CutPrefix(full, mount); ok && (rest == "" || rest[0] == '/') {
			rel = "/" + strings.TrimPrefix(rest, "/")
		} else {
			warnings = append(warnings, fmt.Sprintf("full_path %s is outside this entity's mount %s: the gateway never routes it here", full, mount))
		}
	}
	var route *routeDecl
	params := map[string]string{}
	if rel != "" {
		for k := range routes {
			r := &routes[k]
			if p, ok := matchPath(r.Path, rel); ok && (r.Method == "*" || strings.EqualFold(r.Method, method)) {
				route, params = r, p
				break
			}
		}
		if route == nil && len(routes) > 0 {
			warnings = append(warnings, fmt.Sprintf("no route routes_json declared matches %s %s: the gateway answers 404 "+
				"without calling the plugin", method, rel))
		}
		if full == "" {
			full = mount
			if segs := pathSegments(rel); len(segs) > 0 {
				full += "/" + strings.Join(segs, "/")
			}
		}
	}
	str := func(v string) json.RawMessage { b, _ := json.Marshal(v); return b }
	paramsJSON, _ := json.Marshal(params)
	fields := map[string]json.RawMessage{"method": str(method), "full_path": str(full), "path_params": paramsJSON,
		"query": json.RawMessage(`[]`), "headers": json.RawMessage(`[]`), "body": json.RawMessage(`[]`),
		"identity": json.RawMessage(actorJSON), "request_id": str("mcpg-plugin-test"), "remote_addr": json.RawMessage(`null`)}
	var out bytes.Buffer
	out.WriteByte('{')
	write := func(k string, v json.RawMessage) {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		out.Write(str(k))
		out.WriteByte(':')
		_ = json.Compact(&out, v)
	}
	for _, k := range requestFields {
		if v, ok := over[k]; ok {
			write(k, v)
		} else {
			write(k, fields[k])
		}
	}
	for _, k := range sortedKeys(over) { // fields serde ignores, passed on as given
		if !slices.Contains(requestFields, k) {
			write(k, over[k])
		}
	}
	out.WriteByte('}')
	return out.String(), route, method + " " + full, warnings
}

// routeEntityName is the mount's entity segment: the entity's inner_name, or the operator alias
// when it has none (gateway src/app/plugin_registry/entities.rs).
func (i *instance) routeEntityName() string {
	for _, e := range i.lib.Reg.Entities {
		if e.Kind == i.kind {
			if e.InnerName != "" {
				return e.InnerName
			}
			break
		}
	}
	if theHost.alias != "" {
		return theHost.alias
	}
	return i.kind
}

// handleStreaming makes one request through handle_streaming and reads the answer as the adapter
// does.
func (i *instance) handleStreaming(s *SlotSpec, fn uintptr, input json.RawMessage) outcome {
	st := i.httpState()
	if prev := st.open; prev != nil {
		// A repeated call (--repeat, or two in --calls): the previous response body is dropped
		// first, which cancels its stream.
		st.open = nil
		if cs := i.spec.Slot("cancel_stream"); cs != nil {
			callWords(i.slot(cs.Offset), i.handle, prev.token)
		}
		prev.text.cancelReturned.Store(true)
		prev.bytes.cancelReturned.Store(true)
	}
	if !st.guarded {
		st.guarded = true
		i.onPlanEnd(func(p *Plan, ev Events) {
			// A stream a --calls plan left open: the body's drop guard cancels it.
			if cs := i.spec.Slot("cancel_stream"); st.open != nil && cs != nil {
				i.cur = i.budgetFor(cs)
				i.repeat(p, ev, cs.Name, i.planned(cs, nil))
				i.cur = nil
			}
		})
	}
	request, route, shown, warnings := i.httpRequest(input)
	o := outcome{warnings: warnings}
	textCtx, textCb, text := newSink(s.Name)
	text.isEnd = isEndChunk
	bytesCtx, bytesCb, chunks := newBytesSink(s.Name)
	c := httpStreamCall.prepare()
	c.scalar(0, i.handle)
	i.lib.alloc.put(addrOf(c.aggregate(1)), request)
	c.pair(2, textCtx, textCb)
	c.pair(3, bytesCtx, bytesCb)
	c.call(fn)
	c.forget() // the plugin owns the request now
	handle := c.sret[0]
	texts, bad := i.takeStrings(s.Name, "HttpHandleResult", c.sret, 1)
	o.violations = append(o.violations, bad...)
	head := texts[0]
	res := &httpResult{Request: shown, Handle: handleText(handle)}
	o.value = res
	hs := &httpStream{token: handle, text: text, bytes: chunks, end: -1}

	if handle == 0 {
		// A buffered response: the adapter frees both sinks as the slot returns.
		_, during := text.snapshot()
		_, duringBytes, _, _ := chunks.snapshot()
		o.violations = append(o.violations, i.httpClosed(hs, "handle_streaming returned handle 0")...)
		if n := during + duringBytes; n > 0 {
			o.warnings = append(o.warnings, fmt.Sprintf("%s.%s called its sinks %d time(s), then returned handle 0 (a buffered "+
				"response): the gateway drops both sinks unread", i.kind, s.Name, n))
		}
		i.httpBuffered(s, head, "returned handle 0 with head_json", &o, res)
		return o
	}

	if head != "" {
		res.HeadJSON = jsonOrText(head)
	}
	if problem := checkJSON(head, httpStreamHead); head == "" || problem != "" {
		if head == "" {
			head, problem = `""`, "empty"
		}
		o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle %s with head_json %s, which is not an HttpStreamHead (%s): "+
			"the gateway calls cancel_stream and answers 500 \"native plugin '%s' returned malformed stream head\"",
			i.kind, s.Name, textOf(res.Handle), clip(head), problem, i.id))
		// Do as the adapter does: cancel the stream right away, then free both sinks.
		if cs := i.spec.Slot("cancel_stream"); cs != nil {
			callWords(i.slot(cs.Offset), i.handle, handle)
			o.violations = append(o.violations, i.httpClosed(hs, "cancel_stream returned")...)
			res.Cancelled = "right after the malformed head, as the gateway does"
		}
		return o
	}
	res.HeadJSON = nil
	var h struct {
		Status  uint16      `json:"status"`
		Headers [][2]string `json:"headers"`
	}
	_ = json.Unmarshal([]byte(head), &h)
	res.Status, res.Headers = &h.Status, h.Headers
	o.warnings = append(o.warnings, statusWarnings(i.kind, s.Name, h.Status)...)
	if route != nil && !route.Streaming {
		o.violations = append(o.violations, fmt.Sprintf("%s.%s answered a stream (handle ≠ 0) for route %s %s, which declared streaming: false: "+
			"the gateway answers 500 and drops the stream", i.kind, s.Name, route.Method, route.Path))
	}
	st.open = hs
	wait := time.Duration(min(i.limits.DataTimeoutMS, streamWaitCapMS)) * time.Millisecond
	ended := hs.wait(wait)
	i.httpBody(s, hs, ended, wait, &o, res)
	return o
}

// textOf shows a handleText value in a message.
func textOf(v any) string { return fmt.Sprint(v) }

// wait waits until the body ended on either sink, up to wait; it reports whether it did.
func (hs *httpStream) wait(wait time.Duration) bool {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		if hs.ended() {
			return true
		}
		select {
		case <-hs.text.signal:
		case <-hs.bytes.signal:
		case <-deadline.C:
			return hs.ended()
		}
	}
}

// ended: an empty chunk came on the bytes sink, or {"kind":"end"} on the text sink.
func (hs *httpStream) ended() bool {
	if _, _, endAt, _ := hs.bytes.snapshot(); endAt >= 0 {
		return true
	}
	if k := hs.text.ended(); k >= 0 {
		hs.end = k
		return true
	}
	return false
}

func isEndChunk(text string) bool {
	var c struct {
		Kind string `json:"kind"`
	}
	return json.Unmarshal([]byte(text), &c) == nil && c.Kind == "end" && checkJSON(text, httpChunkWire) == ""
}

// httpBody reports a streamed body: its chunks in the order the adapter reads them (the bytes
// sink first), and the body a client would receive.
func (i *instance) httpBody(s *SlotSpec, hs *httpStream, ended bool, wait time.Duration, o *outcome, res *httpResult) {
	byteChunks, byteTotal, byteEnd, bad := hs.bytes.snapshot()
	events, textTotal := hs.text.snapshot()
	for _, b := range bad {
		o.violations = append(o.violations, fmt.Sprintf("%s.%s's bytes sink was handed %s", i.kind, s.Name, b))
	}
	var body []byte
	bodyDone := false
	for k, chunk := range byteChunks {
		if len(chunk) == 0 && k == byteEnd {
			res.Chunks = append(res.Chunks, chunkView{Kind: "end"})
			bodyDone = true
			continue
		}
		res.Chunks = append(res.Chunks, chunkView{Kind: "data", Data: bytesView(chunk)})
		if !bodyDone {
			body = append(body, chunk...)
		}
	}
	for k, ev := range events {
		if problem := checkJSON(ev, httpChunkWire); problem != "" {
			o.warnings = append(o.warnings, fmt.Sprintf("%s.%s sent text chunk %d %s, which is not an HttpChunkWire (%s): the gateway skips it",
				i.kind, s.Name, k+1, clip(ev), problem))
			res.Chunks = append(res.Chunks, jsonOrText(ev))
			continue
		}
		var c struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
			Data []int  `json:"data"`
		}
		_ = json.Unmarshal([]byte(ev), &c)
		data := make([]byte, len(c.Data))
		for n, b := range c.Data {
			data[n] = byte(b)
		}
		switch c.Kind {
		case "end":
			res.Chunks = append(res.Chunks, chunkView{Kind: "end"})
			bodyDone = true
		case "event":
			res.Chunks = append(res.Chunks, chunkView{Kind: "event", Name: c.Name, Data: bytesView(data)})
			if !bodyDone { // the gateway frames an event as SSE
				body = append(body, "event: "+c.Name+"\ndata: "...)
				body = append(append(body, data...), "\n\n"...)
			}
		default:
			res.Chunks = append(res.Chunks, chunkView{Kind: "data", Data: bytesView(data)})
			if !bodyDone {
				body = append(body, data...)
			}
		}
	}
	res.ChunksNotKept = byteTotal - len(byteChunks) + textTotal - len(events)
	res.Body = bytesView(body)
	switch {
	case byteTotal > 0 && textTotal > 0:
		res.Sink = "text and bytes"
		hs.mixed = true
		o.warnings = append(o.warnings, mixedSinks(i.kind, byteTotal, textTotal))
	case byteTotal > 0:
		res.Sink = "bytes"
	case textTotal > 0:
		res.Sink = "text"
	}
	if !ended {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s's body did not end within %d ms (no empty chunk on the bytes sink, no "+
			"{\"kind\":\"end\"} on the text sink): the gateway would keep the response open; the harness cancels it",
			i.kind, s.Name, wait.Milliseconds()))
	}
	res.CallbacksOnPluginThreads = hs.text.fromPlugin.Load() + hs.bytes.fromPlugin.Load()
}

// mixedSinks is the warning for a stream that used both sinks.
func mixedSinks(kind string, byteTotal, textTotal int) string {
	return fmt.Sprintf("%s.handle_streaming's stream used both sinks (%d bytes chunk(s), %d text chunk(s)): the protocol "+
		"leaves mixing them undefined; the gateway reads the bytes sink first", kind, byteTotal, textTotal)
}

// bytesView shows bytes as text when they are UTF-8, else as the array of numbers serde writes.
func bytesView(b []byte) any {
	if utf8.Valid(b) {
		return string(b)
	}
	n := make([]int, len(b))
	for k, x := range b {
		n[k] = int(x)
	}
	return n
}

// statusWarnings: a status outside 100–999 is no HTTP status to the gateway (StatusCode::from_u16),
// which then answers 500.
func statusWarnings(kind, slot string, status uint16) []string {
	if status < 100 || status > 999 {
		return []string{fmt.Sprintf("%s.%s answered status %d, which is not an HTTP status: the gateway answers 500 instead", kind, slot, status)}
	}
	return nil
}

// httpBuffered judges a whole response (HttpRouteResponseWire) the way the adapter decodes it.
func (i *instance) httpBuffered(s *SlotSpec, head, what string, o *outcome, res *httpResult) {
	if head == "" {
		o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with an empty head_json: the gateway answers 500 "+
			"\"native plugin '%s' returned empty response\"", i.kind, s.Name, i.id))
		return
	}
	if problem := checkJSON(head, httpResponseWire); problem != "" {
		res.HeadJSON = jsonOrText(head)
		o.violations = append(o.violations, fmt.Sprintf("%s.%s %s %s, which is not an HttpRouteResponseWire (%s): the gateway answers 500 "+
			"\"native plugin '%s' returned malformed response\"", i.kind, s.Name, what, clip(head), problem, i.id))
		return
	}
	var r struct {
		Status  uint16      `json:"status"`
		Headers [][2]string `json:"headers"`
		Body    []int       `json:"body"`
	}
	_ = json.Unmarshal([]byte(head), &r)
	body := make([]byte, len(r.Body))
	for k, b := range r.Body {
		body[k] = byte(b)
	}
	res.Status, res.Headers, res.Body = &r.Status, r.Headers, bytesView(body)
	if res.Headers == nil {
		res.Headers = [][2]string{}
	}
	o.warnings = append(o.warnings, statusWarnings(i.kind, s.Name, r.Status)...)
	// The SDK's answer when the slot body panicked (macros.rs: catch_unwind → a 500).
	if r.Status == 500 && bytes.Contains(body, []byte("plugin panicked during handle")) {
		o.panicked = true
	}
}

// httpClosed checks both sinks once the slot that ends their life returned (cancel_stream, or
// handle_streaming with handle 0): the adapter frees both right then, so a callback still running
// or arriving later is a use-after-free.
func (i *instance) httpClosed(hs *httpStream, what string) []string {
	var violations []string
	if n := hs.bytes.inflight.Load(); n > 0 {
		violations = append(violations, fmt.Sprintf("%s.%s's bytes sink had %d callback(s) still running when %s: "+
			"the gateway frees the sink then (a use-after-free)", i.kind, hs.bytes.slot, n, what))
	}
	hs.bytes.cancelReturned.Store(true)
	violations = append(violations, i.closed(hs.text, what)...) // the text sink, and the grace period
	if n := hs.bytes.late.Load(); n > 0 {
		violations = append(violations, fmt.Sprintf("%s.%s's bytes sink was called %d time(s) after %s: "+
			"the gateway has freed the sink by then (a use-after-free)", i.kind, hs.bytes.slot, n, what))
	}
	return violations
}

// httpCancel calls cancel_stream(h, handle) for the open stream, as the body's drop guard does.
func (i *instance) httpCancel(s *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
	st := i.httpState()
	hs := st.open
	if hs == nil {
		return outcome{value: "no open stream: nothing to cancel"}
	}
	st.open = nil
	callWords(fn, i.handle, hs.token)
	_, textTotal := hs.text.snapshot()
	_, byteTotal, byteEnd, _ := hs.bytes.snapshot()
	o := outcome{violations: i.httpClosed(hs, s.Name+" returned")}
	value := map[string]any{"token": handleText(hs.token)}
	// The body ends on the first end marker, so chunks on the other sink may still be on their
	// way then: what came by the time cancel returned counts too.
	if !hs.mixed && byteTotal > 0 && textTotal > 0 {
		o.warnings = append(o.warnings, mixedSinks(i.kind, byteTotal, textTotal))
	}
	after := 0
	if hs.end >= 0 {
		after += textTotal - hs.end - 1
	}
	if byteEnd >= 0 {
		after += byteTotal - byteEnd - 1
	}
	if after > 0 {
		value["chunks_after_end"] = after
		o.warnings = append(o.warnings, fmt.Sprintf("%s.handle_streaming sent %d chunk(s) after the end of the body: the gateway drops them",
			i.kind, after))
	}
	o.value = value
	return o
}

// httpHandle calls handle(h, request_json), which only the host's dispatch helper (not the
// gateway) calls: under data_timeout_ms, its answer capped at max_payload_bytes.
func (i *instance) httpHandle(s *SlotSpec, fn uintptr, input json.RawMessage) outcome {
	request, _, shown, warnings := i.httpRequest(input)
	c := stringToStringCall.prepare()
	c.scalar(0, i.handle)
	i.lib.alloc.put(addrOf(c.aggregate(1)), request)
	c.call(fn)
	c.forget()
	addr := addrOf(c.sret)
	text, err := readString(addr)
	drop(addr)
	clear(wordsAt(addr))
	o := outcome{warnings: warnings}
	res := &httpResult{Request: shown}
	o.value = res
	switch {
	case err != nil:
		o.violations = append(o.violations, fmt.Sprintf("%s.%s returned %v", i.kind, s.Name, err))
		return o
	case text == "": // catch_panic_to_empty_rstring
		o.panicked = true
		return o
	}
	if uint64(len(text)) > payloadCap {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s answered %d bytes, over ffi_limits.max_payload_bytes (%d): the host's dispatch "+
			"helper answers 500 in its place (the gateway itself never calls handle)", i.kind, s.Name, len(text), payloadCap))
	}
	i.httpBuffered(s, text, "answered", &o, res)
	res.Handle = nil
	return o
}
