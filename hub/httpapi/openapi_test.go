package httpapi

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type testInner struct {
	N int `json:"n"`
}

type testTree struct {
	Name     string            `json:"name"`
	When     time.Time         `json:"when"`
	Maybe    *float64          `json:"maybe,omitempty"`
	Tags     []string          `json:"tags"`
	Attrs    map[string]int    `json:"attrs"`
	Raw      json.RawMessage   `json:"raw"`
	Inner    testInner         `json:"inner"`
	Children []testTree        `json:"children"`
	Hidden   string            `json:"-"`
	unexp    int               //nolint:unused // must not appear
	ByName   map[string]string `json:"by_name,omitempty"`
	testEmbedded
}

type testEmbedded struct {
	Flat bool `json:"flat"`
}

func TestOpenAPISchemasFollowEncodingJSON(t *testing.T) {
	doc := OpenAPI([]Route{
		NewUser("POST", "/api/v1/trees", "x", "", "make a tree", nil).WithBody(testTree{}, []testTree{}),
		NewUser("POST", "/api/v1/trees/{id}/prune", "x", "", "prune", nil).NoBody().Returns("application/pdf"),
		NewPublic("GET", "/healthz", "not under /api/v1", nil),
	}, Info{Title: "t", Version: "1", SessionCookie: "c"})
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Paths) != 2 {
		t.Fatalf("paths: %v", back.Paths)
	}
	tree, ok := back.Components.Schemas["Httpapi.testTree"]
	if !ok {
		t.Fatalf("no component for the tree: %v", back.Components.Schemas)
	}
	want := map[string]any{
		"name": "string", "when": "string", "maybe": "number", "tags": "array", "attrs": "object",
		"flat": "boolean", "by_name": "object",
	}
	for k, typ := range want {
		if got := tree.Properties[k]["type"]; got != typ {
			t.Errorf("%s: type %v, want %v", k, got, typ)
		}
	}
	for _, k := range []string{"Hidden", "-", "unexp"} {
		if _, ok := tree.Properties[k]; ok {
			t.Errorf("%s must not be a property", k)
		}
	}
	if ref := tree.Properties["children"]["items"].(map[string]any)["$ref"]; ref != "#/components/schemas/Httpapi.testTree" {
		t.Errorf("recursive children: %v", ref)
	}
	if ref := tree.Properties["inner"]["$ref"]; ref != "#/components/schemas/Httpapi.testInner" {
		t.Errorf("inner: %v", ref)
	}
	post := back.Paths["/api/v1/trees"]["post"]
	if !reflect.DeepEqual(post["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"],
		map[string]any{"$ref": "#/components/schemas/Httpapi.testTree"}) {
		t.Errorf("request body: %v", post["requestBody"])
	}
	prune := back.Paths["/api/v1/trees/{id}/prune"]["post"]
	if _, ok := prune["requestBody"]; ok {
		t.Error("a route without a body has a request body")
	}
	if _, ok := prune["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/pdf"]; !ok {
		t.Errorf("pdf response: %v", prune["responses"])
	}
}
