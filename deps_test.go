package fieldwatch_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Architecture rules, checked on every package's non-test imports:
// protocol is a leaf (standard library and itself only); the vehicle never
// imports hub code and the hub never imports vehicle code; and every
// package says what it owns in a package comment.
func TestPackageRules(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != "." && strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		checkPackage(t, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkPackage(t *testing.T, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	documented, any := false, false
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		any = true
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if file.Doc != nil && strings.HasPrefix(file.Doc.Text(), "Package "+file.Name.Name) || file.Name.Name == "main" && file.Doc != nil {
			documented = true
		}
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case strings.HasPrefix(dir, "protocol") && strings.Contains(p, "."):
				t.Errorf("%s imports %s: protocol must use the standard library only", f, p)
			case strings.HasPrefix(dir, "protocol") && strings.HasPrefix(p, "fieldwatch/") && !strings.HasPrefix(p, "fieldwatch/protocol"):
				t.Errorf("%s imports %s: protocol is a leaf", f, p)
			case strings.HasPrefix(dir, "vehicle") && strings.HasPrefix(p, "fieldwatch/hub"):
				t.Errorf("%s imports %s: the vehicle must not depend on the hub", f, p)
			case strings.HasPrefix(dir, "hub") && strings.HasPrefix(p, "fieldwatch/vehicle"):
				t.Errorf("%s imports %s: the hub must not depend on the vehicle", f, p)
			}
		}
	}
	if any && !documented {
		t.Errorf("package %s has no package comment", dir)
	}
}
