package httpapi

import (
	"encoding"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// Info heads an OpenAPI document.
type Info struct {
	Title, Version string
	// SessionCookie names the cookie a browser session travels in.
	SessionCookie string
}

var pathParamRE = regexp.MustCompile(`\{([a-z]+)\}`)

// OpenAPI describes every /api/v1 route of the table as an OpenAPI 3.0
// document, with request and response schemas made from the routes' Go
// types, so the description cannot drift from what is served.
func OpenAPI(routes []Route, info Info) map[string]any {
	g := &schemaGen{components: map[string]any{}, names: map[reflect.Type]string{}}
	g.components["Error"] = g.schema(reflect.TypeOf(ErrorBody{}))
	paths := map[string]any{}
	for _, rt := range routes {
		if !strings.HasPrefix(rt.Pattern, "/api/v1/") {
			continue
		}
		op := map[string]any{"summary": rt.Summary, "responses": g.responses(rt)}
		var params []any
		for _, m := range pathParamRE.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		switch rt.Access {
		case User, Demo:
			op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}}
		case Vehicle:
			op["security"] = []any{map[string]any{"bearer": []any{}}}
		default:
			op["security"] = []any{}
		}
		if body := g.requestBody(rt); body != nil {
			op["requestBody"] = body
		}
		if rt.Action != "" {
			op["x-fieldwatch-action"] = string(rt.Action)
		}
		item, _ := paths[rt.Pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Pattern] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": info.Title, "version": info.Version},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": info.SessionCookie},
			},
			"schemas": g.components,
		},
	}
}

func (g *schemaGen) requestBody(rt Route) map[string]any {
	switch {
	case rt.In != nil:
		return map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.In))}}}
	case rt.InType != "":
		content := map[string]any{}
		for _, ct := range strings.Split(rt.InType, ",") {
			content[strings.TrimSpace(ct)] = map[string]any{}
		}
		return map[string]any{"required": true, "content": content}
	}
	return nil
}

func (g *schemaGen) responses(rt Route) map[string]any {
	errRef := map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}
	ok := map[string]any{"description": "OK"}
	status := "200"
	switch {
	case rt.OutType == NoContentType:
		ok, status = map[string]any{"description": "No Content"}, "204"
	case rt.Out != nil:
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Out))}}
	case rt.OutType != "":
		content := map[string]any{}
		for _, ct := range strings.Split(rt.OutType, ",") {
			content[strings.TrimSpace(ct)] = map[string]any{}
		}
		ok["content"] = content
	}
	out := map[string]any{status: ok, "default": map[string]any{"description": "Error", "content": errRef}}
	if rt.Access != Public {
		out["401"] = map[string]any{"description": "Not logged in", "content": errRef}
	}
	return out
}

// schemaGen turns Go types into JSON schemas as encoding/json writes them;
// named structs become components, referenced by name.
type schemaGen struct {
	components map[string]any
	names      map[reflect.Type]string
}

var (
	timeType          = reflect.TypeOf(time.Time{})
	rawType           = reflect.TypeOf(json.RawMessage{})
	jsonMarshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	textMarshalerType = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	case t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType):
		return map[string]any{"description": "custom JSON"}
	case t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		name, ok := g.names[t]
		if !ok {
			name = g.name(t)
			g.names[t] = name
			g.components[name] = map[string]any{} // placeholder for recursion
			g.components[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{} // interfaces: any JSON value
}

// name is a component name unique in the document: the type's name,
// prefixed by its package's when another package has the same name.
func (g *schemaGen) name(t reflect.Type) string {
	pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
	base := t.Name()
	if i := strings.IndexByte(base, '['); i >= 0 { // generic instantiation
		base = base[:i]
	}
	name := strings.ToUpper(pkg[:1]) + pkg[1:] + "." + base
	if pkg == "" {
		name = base
	}
	return name
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	g.fields(t, props)
	return map[string]any{"type": "object", "properties": props}
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.schema(f.Type)
		if strings.Contains(tag, ",string") {
			s = map[string]any{"type": "string"}
		}
		props[name] = s
	}
}
