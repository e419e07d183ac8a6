//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// start's signature (the watches' and cluster.subscribe's too) placed as docs/native-kinds.md §2
// lays it out: the StreamHandle through sret, the listener config in memory, DispatcherCallbackRef
// in two registers.
func TestTransportPlacements(t *testing.T) {
	if got, want := sysV.place(sigStringSinkToHandle).describe(sysVRegs), "sret(72)→rdi rsi S0–S3 rdx/rcx"; got != want {
		t.Errorf("System V:\n got %s\nwant %s", got, want)
	}
	if got, want := aapcs64.place(sigStringSinkToHandle).describe(aapcs64Regs), "sret(72)→x8 x0 &copy(32)→x1 x2/x3"; got != want {
		t.Errorf("AAPCS64:\n got %s\nwant %s", got, want)
	}
}

// The dispatcher's ctx is a fresh integer per start; the callback is made once.
func TestDispatchContexts(t *testing.T) {
	a, fa, sa := newDispatcher()
	b, fb, sb := newDispatcher()
	if a == b || fa != fb || fa == 0 || sa == sb {
		t.Errorf("ctx %d, %d; callback %#x, %#x", a, b, fa, fb)
	}
}

// A message the gateway's bridge cannot decode is answered invalid_message, in a reply the SDK's
// dispatcher_from_cb decodes; any other gets the canned reply (the gateway's ack by default).
func TestDispatchAnswer(t *testing.T) {
	theHost.answers = nil
	reply, problem := dispatchAnswer(`{"bytes":[104,105]}`)
	if reply != DefaultDispatchReply || problem != "" {
		t.Errorf("good message: %s, %q", reply, problem)
	}
	for _, bad := range []string{`{"bytes":"aGk="}`, `{"bytes":[300]}`, `not json`, `{}`} {
		reply, problem := dispatchAnswer(bad)
		if problem == "" || !strings.HasPrefix(reply, `{"err":{"kind":"invalid_message","reason":"malformed dispatch message_json: `) {
			t.Errorf("%s: %s, %q", bad, reply, problem)
		}
		if p := checkJSON(reply, dispatchReply); p != "" {
			t.Errorf("%s: the reply does not decode for the SDK: %s", bad, p)
		}
	}
	theHost.answers = &HostAnswers{Direct: map[string]json.RawMessage{"dispatch": json.RawMessage(`{"err":{"kind":"shutdown"}}`)}}
	defer func() { theHost.answers = nil }()
	if reply, _ := dispatchAnswer(`{"bytes":[]}`); reply != `{"err":{"kind":"shutdown"}}` {
		t.Errorf("canned: %s", reply)
	}
}

func TestMessageShown(t *testing.T) {
	for in, want := range map[string]any{
		`{"bytes":[104,105]}`: "hi",
		`{"bytes":[255,254]}`: []int{255, 254},
		`{"bytes":[]}`:        "",
	} {
		if got := messageShown(in, true); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %#v, want %#v", in, got, want)
		}
	}
	if got := messageShown(`{"bytes":"aGk="}`, false); got != `{"bytes":"aGk="}` {
		t.Errorf("undecodable: %#v", got)
	}
}

// TransportError's Display, as the gateway's boot error quotes it; every variant decodes.
func TestTransportErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"kind":"bind_failed","reason":"in use"}`:      "transport bind failed: in use",
		`{"kind":"already_listening"}`:                  "transport already listening",
		`{"kind":"invalid_config","message":"no bind"}`: "invalid transport config: no bind",
		`{"kind":"unknown_transport","name":"h3"}`:      "no transport registered with name 'h3'",
		`{"kind":"io","reason":"EIO"}`:                  "transport I/O: EIO",
		`{"kind":"shutdown"}`:                           "gateway shutting down",
	} {
		if p := checkJSON(in, transportErrors); p != "" {
			t.Errorf("%s refused: %s", in, p)
		}
		if got := transportErrorText(in); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
	if !isPanicText("plugin panicked during transport start") || isPanicText(`{"kind":"io","reason":"plugin panicked during start"}`) {
		t.Error("isPanicText")
	}
}

func TestListenerDefaults(t *testing.T) {
	plan, _ := ResolveCalls("transport", nil)
	for config, want := range map[string]string{
		`{}`: `{}`, `{"listener":{"port":0,"bind":"x"}}`: `{"bind":"x","port":0}`, `[1]`: `{}`, `{"listener":null}`: `null`,
	} {
		got := ListenerDefaults("transport", plan, config)
		for _, c := range got {
			if c.Slot == "start" && string(c.Input) != want {
				t.Errorf("%s: start input %s, want %s", config, c.Input, want)
			}
		}
	}
	if got := ListenerDefaults("store", plan, `{"listener":1}`); !reflect.DeepEqual(got, plan) {
		t.Error("another kind's plan changed")
	}
}
