package fieldwatch_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Size limits: a package that grows past them holds more than one idea.
const (
	maxPackageLines = 2500 // non-test lines of one package
	maxTypeMethods  = 40   // methods of one type
)

// parsedPackage is a package's non-test files.
type parsedPackage struct {
	dir   string
	fset  *token.FileSet
	files []*ast.File
	lines int
}

// packages parses every package of the module (tests aside).
func packages(t *testing.T) []parsedPackage {
	t.Helper()
	var out []parsedPackage
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != "." && strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		files, _ := filepath.Glob(filepath.Join(path, "*.go"))
		p := parsedPackage{dir: path, fset: token.NewFileSet()}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			p.lines += strings.Count(string(src), "\n")
			file, err := parser.ParseFile(p.fset, f, src, parser.ParseComments)
			if err != nil {
				return err
			}
			p.files = append(p.files, file)
		}
		if len(p.files) > 0 {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPackagesAndTypesStaySmall(t *testing.T) {
	for _, p := range packages(t) {
		if p.lines > maxPackageLines {
			t.Errorf("package %s has %d lines (tests aside), over %d: split it by idea", p.dir, p.lines, maxPackageLines)
		}
		methods := map[string]int{}
		for _, f := range p.files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv == nil || len(fn.Recv.List) == 0 {
					continue
				}
				methods[receiverName(fn.Recv.List[0].Type)]++
			}
		}
		for typ, n := range methods {
			if n > maxTypeMethods {
				t.Errorf("type %s.%s has %d methods, over %d", p.dir, typ, n, maxTypeMethods)
			}
		}
	}
}

func receiverName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return receiverName(x.X)
	case *ast.IndexExpr:
		return receiverName(x.X)
	case *ast.IndexListExpr:
		return receiverName(x.X)
	case *ast.Ident:
		return x.Name
	}
	return "?"
}

// mediaTypes are the first words of content types, not database keys.
var mediaTypes = map[string]bool{"application": true, "text": true, "image": true, "video": true, "audio": true, "multipart": true}

// TestNoPackageWritesAnotherDomainsKeys: the hub's database is shared, so
// each key prefix (the word before the first "/") belongs to the one
// package that declares it; no other package may name it, to read or to
// write. Only packages that touch the database are looked at.
func TestNoPackageWritesAnotherDomainsKeys(t *testing.T) {
	owners := map[string][]string{}
	for _, p := range packages(t) {
		if !strings.HasPrefix(p.dir, "hub") || !touchesDatabase(p) {
			continue
		}
		seen := map[string]bool{}
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				if _, ok := n.(*ast.ImportSpec); ok {
					return false
				}
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				word, _, found := strings.Cut(s, "/")
				if !found || word == "" || mediaTypes[word] || !isKeyWord(word) || seen[word] {
					return true
				}
				seen[word] = true
				owners[word] = append(owners[word], p.dir)
				return true
			})
		}
	}
	for word, pkgs := range owners {
		if len(pkgs) > 1 {
			sort.Strings(pkgs)
			t.Errorf("key prefix %q/ is named by %v: only its domain may touch its keys", word, pkgs)
		}
	}
}

func isKeyWord(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return s[0] >= 'a' && s[0] <= 'z'
}

func touchesDatabase(p parsedPackage) bool {
	for _, f := range p.files {
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "fieldwatch/hub/store" || strings.HasPrefix(path, "github.com/dgraph-io/badger") {
				return true
			}
		}
	}
	return false
}

// infrastructure are the hub packages every domain may use: the database,
// commands, HTTP plumbing, the policy, identity of the caller and the
// audit trail, and pure calculators that own no state.
var infrastructure = map[string]bool{
	"hub/store": true, "hub/command": true, "hub/httpapi": true, "hub/access": true,
	"hub/auth": true, "hub/audit": true, "hub/rules": true, "hub/roster": true, "hub/tlscert": true,
}

// domainOf names the domain a package belongs to, where one domain spans
// several packages: a report's photos are the reports domain's.
func domainOf(dir string) string {
	switch dir {
	case "hub/photos":
		return "hub/reports"
	}
	return dir
}

// TestNoHandlerReachesAnotherDomainsStore: what a domain's handlers and
// services are built from (its API type and its *Params structs) holds its
// own store and narrow interfaces, never a pointer into another domain
// (another domain's store or service). Types of another domain may be
// used as values (a vehicle record, a report to render).
func TestNoHandlerReachesAnotherDomainsStore(t *testing.T) {
	for _, p := range packages(t) {
		if !strings.HasPrefix(p.dir, "hub/") || p.dir == "hub/server" || infrastructure[p.dir] {
			continue
		}
		for _, f := range p.files {
			imports := map[string]string{} // local name -> path
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				name := path[strings.LastIndex(path, "/")+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				imports[name] = path
			}
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.TYPE {
					continue
				}
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					st, ok := ts.Type.(*ast.StructType)
					if !ok || ts.Name.Name != "API" && !strings.HasSuffix(ts.Name.Name, "Params") {
						continue
					}
					for _, field := range st.Fields.List {
						star, ok := field.Type.(*ast.StarExpr)
						if !ok {
							continue
						}
						sel, ok := star.X.(*ast.SelectorExpr)
						if !ok {
							continue
						}
						pkg, _ := sel.X.(*ast.Ident)
						if pkg == nil {
							continue
						}
						path := strings.TrimPrefix(imports[pkg.Name], "fieldwatch/")
						if strings.HasPrefix(path, "hub/") && domainOf(path) != domainOf(p.dir) && !infrastructure[path] {
							t.Errorf("%s: %s.%s holds *%s.%s: another domain's state; declare the narrow interface it needs",
								p.dir, ts.Name.Name, fieldName(field), pkg.Name, sel.Sel.Name)
						}
					}
				}
			}
		}
	}
}

func fieldName(f *ast.Field) string {
	if len(f.Names) > 0 {
		return f.Names[0].Name
	}
	return "(embedded)"
}
