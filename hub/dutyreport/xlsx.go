package dutyreport

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the workbook.
const (
	SheetSummary   = "Tổng hợp"
	SheetEntries   = "Nhật ký"
	SheetOpen      = "Việc còn mở"
	SheetHandovers = "Giao ca"
	SheetIncidents = "Sự cố"
)

// TimeFormat is how times are shown in the workbook's cells.
const TimeFormat = "dd/mm/yyyy hh:mm"

// localTime is t's Vietnam wall clock as a zone-less time (spreadsheets have no zones).
func localTime(t time.Time) time.Time {
	l := t.In(Zone)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

// book writes rows onto the sheets of one workbook.
type book struct {
	f               *excelize.File
	bold, head, tim int
	err             error
}

func (b *book) set(sheet string, col, row int, v any) {
	if b.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		if t, ok := v.(time.Time); ok {
			if t.IsZero() {
				return
			}
			err = b.f.SetCellValue(sheet, cell, localTime(t))
			if err == nil {
				err = b.f.SetCellStyle(sheet, cell, cell, b.tim)
			}
		} else {
			err = b.f.SetCellValue(sheet, cell, v)
		}
	}
	b.err = err
}

// table writes a header row and rows from row 1, with column widths.
func (b *book) table(sheet string, widths []float64, head []string, rows [][]any) {
	if b.err != nil {
		return
	}
	if sheet != SheetSummary {
		if _, err := b.f.NewSheet(sheet); err != nil {
			b.err = err
			return
		}
	}
	for i, h := range head {
		b.set(sheet, i+1, 1, h)
		col, _ := excelize.ColumnNumberToName(i + 1)
		if b.err == nil {
			b.err = b.f.SetColWidth(sheet, col, col, widths[i])
		}
	}
	last, _ := excelize.ColumnNumberToName(len(head))
	if b.err == nil {
		b.err = b.f.SetCellStyle(sheet, "A1", last+"1", b.head)
	}
	for r, row := range rows {
		for c, v := range row {
			b.set(sheet, c+1, r+2, v)
		}
	}
	if b.err == nil {
		b.err = b.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
}

// WriteXLSX renders r as an XLSX workbook onto w: a summary sheet (title,
// unit, shift, officers on duty, counts, signatures) and one sheet each for
// the entries, the open items, the handovers and the open incidents.
func WriteXLSX(w io.Writer, r Report) error {
	f := excelize.NewFile()
	defer f.Close()
	b := &book{f: f}
	var err1, err2, err3, err4 error
	b.bold, err1 = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 11}})
	b.head, err2 = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6EAF0"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	fmtStr := TimeFormat
	b.tim, err3 = f.NewStyle(&excelize.Style{CustomNumFmt: &fmtStr})
	title, err4 := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			return fmt.Errorf("dutyreport: xlsx styles: %w", err)
		}
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return fmt.Errorf("dutyreport: xlsx: %w", err)
	}
	s := SheetSummary
	b.set(s, 1, 1, Title)
	b.set(s, 1, 2, Subtitle)
	b.set(s, 1, 3, "Đơn vị")
	b.set(s, 2, 3, r.UnitName)
	b.set(s, 1, 4, "Ca trực")
	b.set(s, 2, 4, r.ShiftLine())
	b.set(s, 1, 5, "Lập lúc")
	b.set(s, 2, 5, r.Generated)
	row := 7
	b.set(s, 1, row, "Cán bộ trực ca")
	for _, o := range r.Officers {
		row++
		b.set(s, 1, row, o.Role)
		b.set(s, 2, row, o.Name)
	}
	row += 2
	b.set(s, 1, row, "Số mục ghi sổ theo loại")
	for _, k := range Kinds {
		row++
		b.set(s, 1, row, k.Title)
		b.set(s, 2, row, len(r.ByKind(k.Key)))
	}
	row++
	b.set(s, 1, row, "Việc còn mở chuyển ca")
	b.set(s, 2, row, len(r.Open))
	row++
	b.set(s, 1, row, "Sự cố đang xử lý")
	b.set(s, 2, row, len(r.Incidents))
	row += 2
	b.set(s, 1, row, "TRỰC BAN")
	b.set(s, 3, row, "LÃNH ĐẠO")
	b.set(s, 1, row+1, "(Ký, ghi rõ họ tên)")
	b.set(s, 3, row+1, "(Ký, ghi rõ họ tên)")
	if b.err == nil {
		b.err = f.SetCellStyle(s, "A1", "A1", title)
	}
	for _, c := range []string{"A2", "A7", "A" + strconv.Itoa(row), "C" + strconv.Itoa(row)} {
		if b.err == nil {
			b.err = f.SetCellStyle(s, c, c, b.bold)
		}
	}
	if b.err == nil {
		b.err = f.SetColWidth(s, "A", "A", 28)
	}
	if b.err == nil {
		b.err = f.SetColWidth(s, "B", "C", 40)
	}

	var entries [][]any
	for _, k := range Kinds {
		for _, e := range r.ByKind(k.Key) {
			entries = append(entries, []any{e.Time, k.Title, e.Text, e.By, yesNo(e.Open), e.Closed})
		}
	}
	b.table(SheetEntries, []float64{17, 20, 70, 22, 9, 17}, []string{"Thời gian", "Loại", "Nội dung", "Người ghi", "Việc mở", "Đóng lúc"}, entries)
	var open [][]any
	for _, e := range r.Open {
		open = append(open, []any{e.Time, KindTitle(e.Kind), e.Text, e.By})
	}
	b.table(SheetOpen, []float64{17, 20, 70, 22}, []string{"Thời gian", "Loại", "Nội dung", "Người ghi"}, open)
	var hs [][]any
	for _, h := range r.Handovers {
		hs = append(hs, []any{h.Time, h.From, h.To, h.Accepted, h.Summary, h.OpenItems, h.Note})
	}
	b.table(SheetHandovers, []float64{17, 22, 22, 17, 60, 9, 30}, []string{"Bàn giao lúc", "Bên giao", "Bên nhận", "Nhận lúc", "Nội dung bàn giao", "Việc mở", "Ghi chú khi nhận"}, hs)
	var inc [][]any
	for _, in := range r.Incidents {
		inc = append(inc, []any{incidentKind(in.Kind), in.Title, in.Where, in.Opened, in.Due, in.Assignee, yesNo(in.Overdue)})
	}
	b.table(SheetIncidents, []float64{18, 50, 22, 17, 17, 22, 9}, []string{"Loại", "Sự cố", "Vị trí", "Mở lúc", "Hạn xử lý", "Phụ trách", "Quá hạn"}, inc)
	if b.err != nil {
		return fmt.Errorf("dutyreport: xlsx: %w", b.err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("dutyreport: xlsx: %w", err)
	}
	return nil
}
