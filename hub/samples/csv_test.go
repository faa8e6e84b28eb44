package samples

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeReportsBadRowsByLine(t *testing.T) {
	in := "\xef\xbb\xbfSố tờ khai;Doanh nghiệp;Loại hình;Luồng\r\n" +
		"105123;\"Công ty A; TNHH\";A11;xanh\r\n" + // 2: quoted separator
		"\r\n" + // 3: blank
		"105124;Công ty B;A12\r\n" + // 4: a column short
		"105125;\"Công ty \"\"C\"\"\";E31;vàng\r\n" + // 5: escaped quotes
		"105126;\"Công ty D\nchi nhánh\";A11;đỏ\r\n" + // 6–7: a field over two lines
		";Công ty E;A11;xanh\r\n" + // 8: no key
		"105123;Công ty A;A11;xanh\r\n" + // 9: duplicate
		"105127;Cong \"ty\" F;A11;xanh\r\n" + // 10: bare quote
		"105128;\"Công ty G;A11;xanh\r\n" + // 11: unclosed quote
		"105129;Công ty H;A41;\xff\r\n" + // 12: not UTF-8
		"105130;Công ty I;A11;xanh" // 13: no final newline
	tab, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Separator != ";" || len(tab.Header) != 4 || tab.Header[0] != "Số tờ khai" {
		t.Fatalf("header %q sep %q", tab.Header, tab.Separator)
	}
	var lines []int
	for _, r := range tab.Rows {
		lines = append(lines, r.Line)
	}
	if want := []int{2, 5, 6, 13}; !equal(lines, want) {
		t.Fatalf("good rows on lines %v, want %v", lines, want)
	}
	if tab.Rows[0].Fields[1] != "Công ty A; TNHH" || tab.Rows[1].Fields[1] != `Công ty "C"` || tab.Rows[2].Fields[1] != "Công ty D\nchi nhánh" {
		t.Fatalf("fields %+v", tab.Rows)
	}
	var bad []int
	for _, e := range tab.Errors {
		bad = append(bad, e.Line)
	}
	if want := []int{4, 8, 9, 10, 11, 12}; !equal(bad, want) || tab.BadRows != 6 {
		t.Fatalf("bad rows on lines %v (%+v), want %v", bad, tab.Errors, want)
	}
	if !strings.Contains(tab.Errors[2].Reason, "duplicate of line 2") {
		t.Fatalf("duplicate reason %q", tab.Errors[2].Reason)
	}
}

func TestDecodeCommaAndLimits(t *testing.T) {
	tab, err := Decode([]byte("Biển số,Container\n29C-123.45,MSKU1234567\n15H-888.88,\n"))
	if err != nil || tab.Separator != "," || len(tab.Rows) != 2 || tab.Rows[1].Fields[1] != "" {
		t.Fatalf("%+v %v", tab, err)
	}
	for name, in := range map[string]string{
		"empty":        "",
		"blank lines":  "\n\r\n",
		"empty column": "a,,b\n1,2,3\n",
		"same column":  "a,A\n1,2\n",
		"bad header":   "\"a,b\n1,2\n",
		"too large":    strings.Repeat("x", MaxBytes+1),
		"too many rows": "k\n" + strings.Repeat("1\n", 0) + func() string {
			var b strings.Builder
			for i := range MaxRows + 1 {
				b.WriteString("r")
				b.WriteString(strings.Repeat("x", i%3))
				b.WriteString(itoa(i))
				b.WriteString("\n")
			}
			return b.String()
		}(),
	} {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The decoder never panics, and what it keeps is consistent: rows have the
// header's width, valid UTF-8 within limits, distinct non-empty keys, and
// lines that increase.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("Số tờ khai;Doanh nghiệp\n1;\"a;b\"\n2;\"c\"\"d\"\n"))
	f.Add([]byte("\xef\xbb\xbfa,b\r\n1,2\r\n\"3\n4\",5\n"))
	f.Add([]byte("a\n\"unclosed\n2\n"))
	f.Add([]byte("a,b\n1,\"x\" y\n\"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Decode(data)
		if err != nil {
			return
		}
		keys := map[string]bool{}
		last := 0
		for _, r := range tab.Rows {
			if len(r.Fields) != len(tab.Header) || r.Fields[0] == "" || keys[r.Fields[0]] || r.Line <= last {
				t.Fatalf("inconsistent row %+v (header %q, last line %d)", r, tab.Header, last)
			}
			for _, f := range r.Fields {
				if !utf8.ValidString(f) || utf8.RuneCountInString(f) > MaxField {
					t.Fatalf("bad field %q", f)
				}
			}
			keys[r.Fields[0]] = true
			last = r.Line
		}
		if tab.BadRows < len(tab.Errors) {
			t.Fatalf("%d bad rows but %d errors", tab.BadRows, len(tab.Errors))
		}
	})
}
