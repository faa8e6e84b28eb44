package protocol

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// requireFields reports the first field of v's type (by its JSON name,
// recursively through structs, pointers and lists) that data lacks. A
// null pointer or list needs nothing inside. data has already been
// decoded strictly into v, so its shape is right.
func requireFields(data []byte, v any) error {
	return missingIn(data, reflect.TypeOf(v), "")
}

func missingIn(data []byte, t reflect.Type, at string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return nil
	case t.Kind() == reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil || obj == nil {
			return nil // null
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			raw, ok := obj[name]
			if !ok && opts == "omitempty" {
				continue // optional: added after the first protocol version
			}
			if !ok {
				return fmt.Errorf("missing field %q", at+name)
			}
			if err := missingIn(raw, f.Type, at+name+"."); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return nil
		}
		list := strings.TrimSuffix(at, ".")
		for i, item := range items {
			if err := missingIn(item, t.Elem(), fmt.Sprintf("%s[%d].", list, i)); err != nil {
				return err
			}
		}
	}
	return nil
}
