package dutyreport

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// sample is a report with n entries spread over the shift, kinds in turn.
func sample(n int) Report {
	from := time.Date(2026, 11, 22, 8, 0, 0, 0, Zone)
	r := Report{Unit: "cc-a", UnitName: "Chi cục Hải quan cửa khẩu Hữu Nghị", Shift: "2026-11-22", From: from, To: from.Add(24 * time.Hour),
		Generated: from.Add(25 * time.Hour),
		Officers:  []Officer{{"Trực chỉ huy", "Nguyễn Văn Đức"}, {"Trực ban", "Trần Thị Hà"}},
		Handovers: []Handover{{Time: from.Add(23 * time.Hour), From: "Trần Thị Hà", To: "Lê Minh Tuấn", Accepted: from.Add(23*time.Hour + 10*time.Minute),
			Summary: "Ca trực ổn định, camera cổng 2 mất tín hiệu", OpenItems: 1, Note: "Đã nhận đủ"}},
		Incidents: []Incident{{Title: "Camera cổng 2 mất tín hiệu", Kind: "camera", Where: "xe-01 / cam2", Opened: from.Add(2 * time.Hour),
			Due: from.AddDate(0, 0, 14), Assignee: "Lê Minh Tuấn", Overdue: true}},
	}
	for i := range n {
		e := Entry{Time: from.Add(time.Duration(i) * 24 * time.Hour / time.Duration(n+1)), Kind: Kinds[i%len(Kinds)].Key,
			Text: fmt.Sprintf("Mục %d: xe 29C-123.45 qua cổng, đã kiểm tra niêm phong container", i+1), By: "Trần Thị Hà"}
		if i == 0 {
			e.Text, e.Open = "Theo dõi xe đầu kéo chở hàng quá cảnh", true
			r.Open = append(r.Open, e)
		}
		r.Entries = append(r.Entries, e)
	}
	return r
}

// pdfText is how fpdf writes s with a Unicode font: UTF-16BE, escaped.
func pdfText(s string) []byte {
	var b bytes.Buffer
	for _, u := range utf16.Encode([]rune(s)) {
		for _, c := range []byte{byte(u >> 8), byte(u)} {
			if c == '\\' || c == '(' || c == ')' || c == '\r' {
				b.WriteByte('\\')
				if c == '\r' {
					c = 'r'
				}
			}
			b.WriteByte(c)
		}
	}
	return b.Bytes()
}

func TestPDFIsValidAndHasTheText(t *testing.T) {
	r := sample(60)
	var buf bytes.Buffer
	if err := WritePDF(&buf, r, PDFOptions{Uncompressed: true}); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatalf("not a PDF: %q … %q", pdf[:8], pdf[len(pdf)-8:])
	}
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if off <= 0 || off >= len(pdf) || !bytes.HasPrefix(pdf[off:], []byte("xref")) {
		t.Fatalf("startxref %d does not point at the xref table", off)
	}
	pages := len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(pdf, -1))
	count := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(pdf)
	if pages < 2 || count == nil || string(count[1]) != strconv.Itoa(pages) {
		t.Fatalf("pages: %d objects, /Count %q", pages, count)
	}
	if !bytes.Contains(pdf, []byte("/FontFile2")) || !bytes.Contains(pdf, []byte("/ToUnicode")) {
		t.Fatal("the Unicode font is not embedded")
	}
	want := []string{Title, Subtitle, r.ShiftLine(), r.UnitName, "Nguyễn Văn Đức", "Trực chỉ huy",
		"1. Sự việc (12)", "2. Tình trạng thiết bị (12)", "5. Công việc đã xử lý (12)", "Theo dõi xe đầu kéo chở hàng quá cảnh",
		"III. VIỆC CÒN MỞ CHUYỂN CA SAU", "IV. GIAO NHẬN CA", "Lê Minh Tuấn", "07:10 23/11/2026", "V. SỰ CỐ ĐANG XỬ LÝ", "Camera cổng 2 mất tín hiệu",
		"06/12/2026", "QUÁ HẠN", "TRỰC BAN", "LÃNH ĐẠO", "(Ký, ghi rõ họ tên)", "08:00", "Còn mở",
		fmt.Sprintf("Chi cục Hải quan cửa khẩu Hữu Nghị – 2026-11-22 – Trang 1/%d", pages),
		fmt.Sprintf("Trang %d/%d", pages, pages)}
	for _, s := range want {
		if !bytes.Contains(pdf, pdfText(s)) {
			t.Errorf("the PDF lacks %q", s)
		}
	}
	if bytes.Contains(pdf, pdfText("Trang 1/{nb}")) {
		t.Error("the page count alias was not replaced")
	}
	// Compressed (as served) is smaller and still a PDF.
	var small bytes.Buffer
	if err := WritePDF(&small, r, PDFOptions{}); err != nil || !bytes.HasPrefix(small.Bytes(), []byte("%PDF-")) || small.Len() >= buf.Len() {
		t.Fatalf("compressed: %v, %d bytes vs %d", err, small.Len(), buf.Len())
	}
}

func TestXLSXReadsBack(t *testing.T) {
	r := sample(7)
	r.Entries[3].Closed = r.Entries[3].Time.Add(time.Hour)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join([]string{SheetSummary, SheetEntries, SheetOpen, SheetHandovers, SheetIncidents}, "|") {
		t.Fatalf("sheets %v", got)
	}
	cell := func(sheet, c string) string {
		v, err := f.GetCellValue(sheet, c)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for c, want := range map[string]string{"A1": Title, "B3": r.UnitName, "B4": "Ca trực từ 08:00 ngày 22/11/2026 đến 08:00 ngày 23/11/2026",
		"B5": "23/11/2026 09:00", "A8": "Trực chỉ huy", "B8": "Nguyễn Văn Đức", "B9": "Trần Thị Hà", "A12": "Sự việc", "B12": "2", "B13": "2", "B16": "1",
		"B17": "1", "B18": "1", "A20": "TRỰC BAN", "C20": "LÃNH ĐẠO"} {
		if got := cell(SheetSummary, c); got != want {
			t.Errorf("%s!%s = %q, want %q", SheetSummary, c, got, want)
		}
	}
	rows, _ := f.GetRows(SheetEntries)
	if len(rows) != 8 || strings.Join(rows[0], "|") != "Thời gian|Loại|Nội dung|Người ghi|Việc mở|Đóng lúc" {
		t.Fatalf("entries sheet: %d rows, head %v", len(rows), rows[0])
	}
	// By kind (events first: entries 1 and 6), each kind in time order.
	if rows[1][1] != "Sự việc" || rows[1][2] != "Theo dõi xe đầu kéo chở hàng quá cảnh" || rows[1][4] != "Có" || rows[1][0] != "22/11/2026 08:00" {
		t.Errorf("first entry row %q", rows[1])
	}
	if rows[2][1] != "Sự việc" || !strings.HasPrefix(rows[2][2], "Mục 6:") || rows[2][0] != r.Entries[5].Time.In(Zone).Format("02/01/2006 15:04") {
		t.Errorf("second event row %q", rows[2])
	}
	closed := r.Entries[3] // an instruction
	found := false
	for _, row := range rows[1:] {
		if strings.HasPrefix(row[2], "Mục 4:") {
			found = row[1] == "Chỉ đạo nhận được" && row[4] == "Không" && row[5] == closed.Closed.In(Zone).Format("02/01/2006 15:04")
		}
	}
	if !found {
		t.Errorf("the closed instruction is not shown right: %q", rows)
	}
	if got := cell(SheetOpen, "C2"); got != "Theo dõi xe đầu kéo chở hàng quá cảnh" {
		t.Errorf("open item %q", got)
	}
	ho, _ := f.GetRows(SheetHandovers)
	if len(ho) != 2 || strings.Join(ho[1], "|") != "23/11/2026 07:00|Trần Thị Hà|Lê Minh Tuấn|23/11/2026 07:10|Ca trực ổn định, camera cổng 2 mất tín hiệu|1|Đã nhận đủ" {
		t.Errorf("handovers %q", ho)
	}
	in, _ := f.GetRows(SheetIncidents)
	if len(in) != 2 || strings.Join(in[1], "|") != "Lỗi camera|Camera cổng 2 mất tín hiệu|xe-01 / cam2|22/11/2026 10:00|06/12/2026 08:00|Lê Minh Tuấn|Có" {
		t.Errorf("incidents %q", in)
	}
}

// BenchmarkRender200 renders a 200-entry report in both formats.
func BenchmarkRender200(b *testing.B) {
	r := sample(200)
	for _, c := range []struct {
		name string
		fn   func(*bytes.Buffer) error
	}{
		{"pdf", func(w *bytes.Buffer) error { return WritePDF(w, r, PDFOptions{}) }},
		{"xlsx", func(w *bytes.Buffer) error { return WriteXLSX(w, r) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				var buf bytes.Buffer
				if err := c.fn(&buf); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(buf.Len()))
			}
		})
	}
}
