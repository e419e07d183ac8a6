package wasip2

import "fmt"

// ResourceType is a resource type a handle can refer to. The WASI ones are package variables
// (identified by interface and name, whatever 0.2.x version the component imports them at:
// a component imports each interface once, so one identity per interface is what its types
// resolve to); a runtime may make its own for guest-defined resources with NewResourceType.
type ResourceType struct {
	// Interface is the defining interface without version ("wasi:io/streams"); empty for a
	// guest-defined type.
	Interface string
	Name      string
	// drop runs when the last owner drops a resource of this type; nil for none.
	drop func(*Resource) error
}

// NewResourceType makes a resource type for the runtime's own (guest-defined) resources;
// drop, if not nil, runs when an owned handle to one is dropped.
func NewResourceType(name string, drop func(*Resource) error) *ResourceType {
	return &ResourceType{Name: name, drop: drop}
}

func (rt *ResourceType) String() string {
	if rt.Interface == "" {
		return rt.Name
	}
	return rt.Interface + "#" + rt.Name
}

// Resource is one resource: what an entry of Wasmtime's host-side ResourceTable is.
type Resource struct {
	Type *ResourceType
	// Value is the host's state for the resource, or a guest-defined resource's rep (uint32).
	Value any

	// host and rep are the resource's table and key there (host nil for a guest-defined one).
	host *hostTable
	rep  uint32
	// parent is the resource this one was derived from (a pollable from its stream); a parent
	// cannot be deleted while it has children, as in Wasmtime's ResourceTable.
	parent   *Resource
	children int
	// companion is a hidden entry deleted with this one: a sleep's deadline, which Wasmtime
	// keeps in the table as the pollable's parent.
	companion *Resource
	deleted   bool
}

// hostTableCapacity is wasmtime::component::ResourceTable's DEFAULT_MAX_CAPACITY: the host
// side of a store holds at most a million resources, hidden ones included.
const hostTableCapacity = 1_000_000

// hostTable allocates keys as Wasmtime's ResourceTable does — the most recently freed key
// first, else the next new one — since those keys order poll's results.
type hostTable struct {
	used     int // slots ever allocated
	free     []uint32
	capacity int
}

func (t *hostTable) push(typ *ResourceType, v any, parent *Resource) (*Resource, error) {
	var rep uint32
	if n := len(t.free); n > 0 {
		rep = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		if t.used >= t.capacity {
			return nil, trapf("resource table has no free keys")
		}
		rep = uint32(t.used)
		t.used++
	}
	r := &Resource{Type: typ, Value: v, host: t, rep: rep, parent: parent}
	if parent != nil {
		parent.children++
	}
	return r, nil
}

// delete is the host side of dropping the last owner: Wasmtime's ResourceTable::delete.
func (r *Resource) delete() error {
	if r.deleted {
		return trapf("resource not present")
	}
	if r.children > 0 {
		return trapf("resource has children")
	}
	r.deleted = true
	if r.parent != nil {
		r.parent.children--
	}
	if r.host != nil {
		r.host.free = append(r.host.free, r.rep)
	}
	if r.companion != nil {
		if err := r.companion.delete(); err != nil {
			return err
		}
	}
	if r.Type.drop != nil {
		return r.Type.drop(r)
	}
	return nil
}

// Handle indices follow Wasmtime's per-instance handle table (runtime/vm/component/
// handle_table.rs): they start at 1 (0 is never a handle), a freed slot is the next one reused,
// and an index may not reach 1<<28.
const maxHandle = 1 << 28

// DefaultMaxHandles bounds the live handles of a table, so a guest cannot make the harness
// hold an unbounded table. Handles to host resources hit Wasmtime's own bound first (a million
// host entries, hostTableCapacity); this one matters only for a runtime's guest-defined
// resources, which Wasmtime bounds by index (1<<28) and fuel alone.
const DefaultMaxHandles = 1 << 20

type slot struct {
	res  *Resource
	own  bool
	lend uint32 // borrows of an own handle lent to a call in progress
	free bool
	next uint32 // free slots: the next free position
}

// Table is the handle table of one component instance: the guest's i32 handles to resources.
// Not safe for concurrent use; a component instance runs on one goroutine.
type Table struct {
	slots []slot
	next  uint32
	live  int
	limit int
	// leaveDenied is set while results are being lowered (realloc runs guest code that may not
	// call out of the instance: Wasmtime's may_leave flag).
	leaveDenied bool
}

// NewTable makes an empty handle table holding at most maxHandles live handles (0: the default).
func NewTable(maxHandles int) *Table {
	if maxHandles <= 0 {
		maxHandles = DefaultMaxHandles
	}
	return &Table{limit: maxHandles}
}

// Len is the number of live handles.
func (t *Table) Len() int { return t.live }

func (t *Table) insert(s slot) (uint32, error) {
	if t.live >= t.limit {
		return 0, trapf("resource table full: the harness keeps at most %d handles per instance", t.limit)
	}
	pos := t.next
	if int(pos) == len(t.slots) {
		if pos+1 >= maxHandle {
			return 0, trapf("cannot allocate another handle: index overflow")
		}
		t.slots = append(t.slots, slot{free: true, next: pos + 1})
	}
	t.next = t.slots[pos].next
	t.slots[pos] = s
	t.live++
	return pos + 1, nil
}

// InsertOwn gives the guest an own handle to r.
func (t *Table) InsertOwn(r *Resource) (uint32, error) { return t.insert(slot{res: r, own: true}) }

func (t *Table) get(idx uint32) (*slot, error) {
	if idx == 0 || int(idx) > len(t.slots) || t.slots[idx-1].free {
		return nil, trapf("unknown handle index %d", idx)
	}
	return &t.slots[idx-1], nil
}

func (t *Table) typed(idx uint32, want *ResourceType) (*slot, error) {
	s, err := t.get(idx)
	if err != nil {
		return nil, err
	}
	if s.res.Type != want {
		// Every handle in a guest's table is "guest-defined" to Wasmtime, host resources
		// included: they carry the importing instance's resource type.
		return nil, trapf("handle index %d used with the wrong type, expected guest-defined resource but found a different guest-defined resource", idx)
	}
	return s, nil
}

func (t *Table) remove(idx uint32) {
	t.slots[idx-1] = slot{free: true, next: t.next}
	t.next = idx - 1
	t.live--
}

// Get is the resource behind a handle of type want, without lending it.
func (t *Table) Get(idx uint32, want *ResourceType) (*Resource, error) {
	s, err := t.typed(idx, want)
	if err != nil {
		return nil, err
	}
	return s.res, nil
}

// lend is lifting a borrow<T> argument: the handle stays, and an own one cannot be dropped
// until the call ends (unlend).
func (t *Table) lend(idx uint32, want *ResourceType) (*Resource, bool, error) {
	s, err := t.typed(idx, want)
	if err != nil {
		return nil, false, err
	}
	if s.own {
		s.lend++
	}
	return s.res, s.own, nil
}

func (t *Table) unlend(idx uint32) {
	if int(idx) <= len(t.slots) && !t.slots[idx-1].free && t.slots[idx-1].lend > 0 {
		t.slots[idx-1].lend--
	}
}

// take is lifting an own<T> argument: the handle leaves the guest's table.
func (t *Table) take(idx uint32, want *ResourceType) (*Resource, error) {
	s, err := t.typed(idx, want)
	if err != nil {
		return nil, err
	}
	if !s.own {
		return nil, trapf("cannot lift own resource from a borrow")
	}
	if s.lend != 0 {
		return nil, trapf("cannot remove owned resource while borrowed")
	}
	r := s.res
	t.remove(idx)
	return r, nil
}

// Drop is `canon resource.drop` for type want: the handle leaves the table and, for an own
// handle, the resource is deleted (its type's drop runs).
func (t *Table) Drop(idx uint32, want *ResourceType) error {
	s, err := t.typed(idx, want)
	if err != nil {
		return err
	}
	if s.own && s.lend != 0 {
		return trapf("cannot remove owned resource while borrowed")
	}
	r, own := s.res, s.own
	t.remove(idx)
	if !own {
		return nil
	}
	return r.delete()
}

// String describes the table for debugging.
func (t *Table) String() string {
	return fmt.Sprintf("table(%d live of %d slots)", t.live, len(t.slots))
}
