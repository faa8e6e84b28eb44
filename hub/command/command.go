// Package command is the seam between a domain's decisions and its state.
// Every change to a domain's state is a Command: a plain, serialisable value
// saying what changed, by whom and when, carrying every ID, time and random
// choice made before it, so that applying it is deterministic and the same
// commands give the same state on every hub. A domain's store applies its
// own commands, each in one Badger transaction (Applier); whoever decides a
// change hands its command to a Submitter: today the domain's own store,
// applied at once; in a cluster, a replicated log that applies it on every
// hub in the same order.
package command

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// Command is one change to one domain's state.
type Command interface {
	// CommandKind names the command as "domain.verb" (e.g.
	// "incidents.open"); it is the command's type on the wire.
	CommandKind() string
}

// Applier applies a domain's commands to its store, each in one
// transaction. Applying the same command twice must not change state twice
// where a replay can happen (IDs in the command make that checkable).
type Applier interface {
	Apply(Command) error
}

// Submitter takes a decided command and sees it applied.
type Submitter interface {
	Submit(Command) error
}

// SubmitFunc adapts a function to a Submitter.
type SubmitFunc func(Command) error

// Submit calls f.
func (f SubmitFunc) Submit(c Command) error { return f(c) }

// Local submits straight to an applier: a single hub's path.
func Local(a Applier) Submitter { return SubmitFunc(a.Apply) }

// Errors of encoding and decoding.
var (
	ErrUnknownKind = errors.New("command: unknown kind")
	ErrMalformed   = errors.New("command: malformed")
)

var registry = struct {
	sync.RWMutex
	types map[string]reflect.Type
}{types: map[string]reflect.Type{}}

// Register makes commands decodable by kind; a domain registers each of
// its command types once (from an init function), as values.
func Register(cmds ...Command) {
	registry.Lock()
	defer registry.Unlock()
	for _, c := range cmds {
		t := reflect.TypeOf(c)
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		k := c.CommandKind()
		if prev, ok := registry.types[k]; ok && prev != t {
			panic(fmt.Sprintf("command: kind %q registered twice (%v, %v)", k, prev, t))
		}
		registry.types[k] = t
	}
}

// Kinds lists every registered kind.
func Kinds() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, 0, len(registry.types))
	for k := range registry.types {
		out = append(out, k)
	}
	return out
}

// envelope is a command on the wire.
type envelope struct {
	Kind string          `json:"kind"`
	Body json.RawMessage `json:"body"`
}

// Encode writes a command as {"kind", "body"} JSON.
func Encode(c Command) ([]byte, error) {
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("command: encode %s: %w", c.CommandKind(), err)
	}
	return json.Marshal(envelope{Kind: c.CommandKind(), Body: body})
}

// Decode reads what Encode wrote; the command comes back as the value type
// it was registered as. Unknown fields are errors.
func Decode(data []byte) (Command, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	registry.RLock()
	t, ok := registry.types[env.Kind]
	registry.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, env.Kind)
	}
	v := reflect.New(t)
	dec := json.NewDecoder(strings.NewReader(string(env.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v.Interface()); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, env.Kind, err)
	}
	c, ok := v.Elem().Interface().(Command)
	if !ok {
		c, ok = v.Interface().(Command)
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s is not a command", ErrMalformed, env.Kind)
	}
	return c, nil
}
