package dutyreport

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"codeberg.org/go-pdf/fpdf"

	"fieldwatch/internal/fonts"
)

const (
	family   = "DejaVu"
	margin   = 15.0 // mm
	lineH    = 5.0  // mm per line of table text
	fontSize = 9.5
	pageW    = 210.0
	pageH    = 297.0
)

// PDFOptions tune the PDF; the zero value is what the hub serves.
type PDFOptions struct {
	// Uncompressed leaves the page streams readable (tests look for the text).
	Uncompressed bool
}

// WritePDF renders r as an A4 PDF document onto w.
func WritePDF(w io.Writer, r Report, opt PDFOptions) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(!opt.Uncompressed)
	p.AddUTF8FontFromBytes(family, "", fonts.DejaVuSans)
	p.AddUTF8FontFromBytes(family, "B", fonts.DejaVuSansBold)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, margin+5)
	p.SetTitle(Title+" "+r.UnitName+" "+r.Shift, true)
	p.SetCreator("fieldwatch", true)
	if !r.Generated.IsZero() {
		p.SetCreationDate(r.Generated)
		p.SetModificationDate(r.Generated)
	}
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(func() {
		p.SetY(-margin)
		p.SetFont(family, "", 8)
		p.CellFormat(0, 5, fmt.Sprintf("%s – %s – Trang %d/{nb}", r.UnitName, r.Shift, p.PageNo()), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	d := &doc{p: p}
	d.heading(r)
	d.section("I. CÁN BỘ TRỰC CA")
	officers := [][]string{}
	for _, o := range r.Officers {
		officers = append(officers, []string{o.Role, o.Name})
	}
	d.table([]float64{60, 0}, []string{"Vai trò", "Họ và tên"}, officers, "Không có cán bộ trực theo lịch trực đã công bố.")

	d.section("II. NỘI DUNG GHI SỔ TRỰC BAN")
	for i, k := range Kinds {
		list := r.ByKind(k.Key)
		d.sub(fmt.Sprintf("%d. %s (%d)", i+1, k.Title, len(list)))
		rows := [][]string{}
		for _, e := range list {
			state := ""
			if e.Open {
				state = "Còn mở"
			} else if !e.Closed.IsZero() {
				state = "Đã đóng " + clock(e.Closed)
			}
			rows = append(rows, []string{clock(e.Time), e.Text, e.By, state})
		}
		d.table([]float64{16, 0, 38, 26}, []string{"Giờ", "Nội dung", "Người ghi", "Trạng thái"}, rows, "Không có.")
	}

	d.section("III. VIỆC CÒN MỞ CHUYỂN CA SAU")
	open := [][]string{}
	for _, e := range r.Open {
		open = append(open, []string{dateTime(e.Time), KindTitle(e.Kind), e.Text, e.By})
	}
	d.table([]float64{30, 32, 0, 34}, []string{"Thời điểm", "Loại", "Nội dung", "Người ghi"}, open, "Không có việc còn mở.")

	d.section("IV. GIAO NHẬN CA")
	hs := [][]string{}
	for _, h := range r.Handovers {
		to := "Chờ tiếp nhận"
		if h.To != "" {
			to = h.To + "\n" + dateTime(h.Accepted)
		}
		summary := h.Summary
		if h.Note != "" {
			summary += "\nGhi chú khi nhận: " + h.Note
		}
		hs = append(hs, []string{dateTime(h.Time), h.From, to, summary, strconv.Itoa(h.OpenItems)})
	}
	d.table([]float64{28, 30, 36, 0, 16}, []string{"Thời điểm", "Bên giao", "Bên nhận", "Nội dung bàn giao", "Việc mở"}, hs, "Chưa có giao ca trong ca trực.")

	d.section("V. SỰ CỐ ĐANG XỬ LÝ")
	inc := [][]string{}
	for _, in := range r.Incidents {
		due := date(in.Due)
		if in.Overdue {
			due += "\nQUÁ HẠN"
		}
		inc = append(inc, []string{incidentKind(in.Kind), in.Title, in.Where, dateTime(in.Opened), due, in.Assignee})
	}
	d.table([]float64{22, 0, 22, 26, 25, 26}, []string{"Loại", "Sự cố", "Vị trí", "Mở lúc", "Hạn xử lý", "Phụ trách"}, inc, "Không có sự cố đang mở.")

	d.signatures()
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return fmt.Errorf("dutyreport: pdf: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// doc draws the parts of the report.
type doc struct{ p *fpdf.Fpdf }

func (d *doc) heading(r Report) {
	p := d.p
	half := (pageW - 2*margin) / 2
	p.SetFont(family, "B", 10)
	y := p.GetY()
	p.MultiCell(half, 5, r.UnitName, "", "C", false)
	p.SetXY(margin+half, y)
	p.MultiCell(half, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", "", "C", false)
	p.Ln(8)
	p.SetFont(family, "B", 16)
	p.CellFormat(0, 8, Title, "", 1, "C", false, 0, "")
	p.SetFont(family, "", 11)
	p.CellFormat(0, 6, Subtitle, "", 1, "C", false, 0, "")
	p.CellFormat(0, 6, r.ShiftLine(), "", 1, "C", false, 0, "")
	p.Ln(4)
}

func (d *doc) section(title string) {
	d.p.Ln(2)
	if d.p.GetY() > pageH-margin-30 {
		d.p.AddPage()
	}
	d.p.SetFont(family, "B", 11)
	d.p.CellFormat(0, 7, title, "", 1, "L", false, 0, "")
}

func (d *doc) sub(title string) {
	d.p.SetFont(family, "B", 10)
	d.p.CellFormat(0, 6, title, "", 1, "L", false, 0, "")
}

// table draws a bordered table; a width of 0 takes the rest of the line.
func (d *doc) table(widths []float64, head []string, rows [][]string, empty string) {
	p := d.p
	rest := pageW - 2*margin
	for _, w := range widths {
		rest -= w
	}
	ws := make([]float64, len(widths))
	for i, w := range widths {
		ws[i] = w
		if w == 0 {
			ws[i] = rest
		}
	}
	if len(rows) == 0 {
		p.SetFont(family, "", fontSize)
		p.CellFormat(0, 6, empty, "", 1, "L", false, 0, "")
		return
	}
	p.SetFont(family, "B", fontSize)
	p.SetFillColor(230, 234, 240)
	d.row(ws, head, true)
	p.SetFont(family, "", fontSize)
	for _, row := range rows {
		d.row(ws, row, false)
	}
}

// row draws one table row, its cells wrapped to the tallest one.
func (d *doc) row(ws []float64, cells []string, fill bool) {
	p := d.p
	lines := 1
	split := make([][]string, len(cells))
	for i, c := range cells {
		split[i] = p.SplitText(c, ws[i]-2)
		if len(split[i]) > lines {
			lines = len(split[i])
		}
	}
	h := float64(lines)*lineH + 1
	if p.GetY()+h > pageH-margin-5 {
		p.AddPage()
	}
	x, y := p.GetX(), p.GetY()
	for i := range cells {
		p.Rect(x, y, ws[i], h, map[bool]string{true: "FD", false: "D"}[fill])
		for j, line := range split[i] {
			p.SetXY(x+1, y+0.5+float64(j)*lineH)
			p.CellFormat(ws[i]-2, lineH, line, "", 0, "L", false, 0, "")
		}
		x += ws[i]
	}
	p.SetXY(margin, y+h)
}

func (d *doc) signatures() {
	p := d.p
	if p.GetY() > pageH-margin-50 {
		p.AddPage()
	}
	p.Ln(8)
	half := (pageW - 2*margin) / 2
	y := p.GetY()
	for i, who := range []string{"TRỰC BAN", "LÃNH ĐẠO"} {
		p.SetXY(margin+float64(i)*half, y)
		p.SetFont(family, "B", 11)
		p.CellFormat(half, 6, who, "", 2, "C", false, 0, "")
		p.SetX(margin + float64(i)*half)
		p.SetFont(family, "", 9)
		p.CellFormat(half, 5, "(Ký, ghi rõ họ tên)", "", 2, "C", false, 0, "")
	}
	p.SetY(y + 35)
}
