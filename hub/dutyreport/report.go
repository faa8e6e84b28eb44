// Package dutyreport renders a unit's daily duty report (báo cáo trực ban,
// the sổ trực ban of one 08:00–08:00 shift) as the documents offices
// expect: an A4 PDF with page numbers and signature blocks, and an XLSX
// workbook. The renderers take a plain Report, so they know nothing of the
// hub's stores; times are shown in Vietnam time.
package dutyreport

import (
	"fmt"
	"time"

	"fieldwatch/internal/vntime"
)

// Zone is Vietnam time, in which every time is shown.
var Zone = vntime.Zone

// Kinds of log entries, in report order, with their Vietnamese headings.
var Kinds = []struct{ Key, Title string }{
	{"event", "Sự việc"},
	{"equipment", "Tình trạng thiết bị"},
	{"incident", "Sự cố"},
	{"instruction", "Chỉ đạo nhận được"},
	{"action", "Công việc đã xử lý"},
}

// KindTitle is the Vietnamese name of an entry kind (the key when unknown).
func KindTitle(kind string) string {
	for _, k := range Kinds {
		if k.Key == kind {
			return k.Title
		}
	}
	return kind
}

// Report is one unit's duty report for one shift.
type Report struct {
	Unit      string    // unit id
	UnitName  string    // unit name, shown in the heading
	Shift     string    // YYYY-MM-DD, the day the shift starts
	From, To  time.Time // 08:00 to 08:00
	Generated time.Time
	Officers  []Officer  // on duty per the roster
	Entries   []Entry    // every entry of the shift, in time order
	Open      []Entry    // open items carried over at the end of the shift
	Handovers []Handover // handovers during the shift
	Incidents []Incident // incidents still open
}

// Officer is one officer on duty.
type Officer struct {
	Role string // shown as is (e.g. "Trực chỉ huy")
	Name string
}

// Entry is one line of the duty log.
type Entry struct {
	Time   time.Time
	Kind   string
	Text   string
	By     string
	Open   bool
	Closed time.Time
}

// Handover is one change of shift.
type Handover struct {
	Time      time.Time
	From      string
	To        string // empty while pending
	Accepted  time.Time
	Summary   string
	OpenItems int
	Note      string
}

// Incident is an open camera or transmission fault.
type Incident struct {
	Title    string
	Kind     string // camera, transmission
	Where    string // vehicle / camera
	Opened   time.Time
	Due      time.Time
	Assignee string
	Overdue  bool
}

// ByKind returns the entries of one kind, in time order.
func (r Report) ByKind(kind string) []Entry {
	var out []Entry
	for _, e := range r.Entries {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// Title is the document's title.
const Title = "BÁO CÁO TRỰC BAN"

// Subtitle names the book it comes from.
const Subtitle = "(SỔ TRỰC BAN)"

// ShiftLine is the shift's span in words.
func (r Report) ShiftLine() string {
	return fmt.Sprintf("Ca trực từ %s ngày %s đến %s ngày %s", clock(r.From), date(r.From), clock(r.To), date(r.To))
}

// FileName is the download name without extension: unit and shift date.
func (r Report) FileName() string { return "bao-cao-truc-ban_" + r.Unit + "_" + r.Shift }

func clock(t time.Time) string    { return t.In(Zone).Format("15:04") }
func date(t time.Time) string     { return t.In(Zone).Format("02/01/2006") }
func dateTime(t time.Time) string { return t.In(Zone).Format("15:04 02/01/2006") }

// incidentKind is the Vietnamese name of a fault kind.
func incidentKind(k string) string {
	switch k {
	case "camera":
		return "Lỗi camera"
	case "transmission":
		return "Lỗi đường truyền"
	}
	return k
}

func yesNo(b bool) string {
	if b {
		return "Có"
	}
	return "Không"
}
