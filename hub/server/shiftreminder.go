package server

import (
	"fmt"
	"strings"
	"time"

	"fieldwatch/hub/calendar"
	"fieldwatch/hub/messaging"
)

// shiftReminderAhead is how long before a shift its officers are reminded.
const shiftReminderAhead = time.Hour

// shiftReminderSender signs the reminders: the hub, not a person.
var shiftReminderSender = messaging.Sender{Username: "he-thong", Name: "Hệ thống trực ban"}

// remindShifts reminds each officer of a shift starting within the hour
// after now, per the published rosters with their approved swaps, of the
// shift and who else is on it: once per officer and shift (the client id
// makes a second pass send nothing), like an on-call schedule's notice
// before a hand-off.
func (h *Hub) remindShifts(now time.Time) {
	rs, err := h.publishedRosters(now, now.Add(shiftReminderAhead+time.Nanosecond))
	if err != nil {
		h.log.Error("shift reminders: list rosters", "err", err)
		return
	}
	for _, s := range rs.rosters {
		eff, err := rs.effectiveOf(s)
		if err != nil {
			h.log.Warn("shift reminders: roster does not apply", "roster", s.ID, "err", err)
			continue
		}
		shifts := map[time.Time][]OnDuty{} // start -> who
		for _, a := range eff.Assignments {
			if !a.Start.Before(now) && a.Start.Sub(now) <= shiftReminderAhead {
				shifts[a.Start] = append(shifts[a.Start], OnDuty{Unit: s.Unit, Roster: s.ID, Assignment: a})
			}
		}
		for start, on := range shifts {
			for _, d := range on {
				var others []string
				for _, o := range on {
					if o.Officer != d.Officer {
						others = append(others, fmt.Sprintf("%s (%s)", h.displayName(o.Officer), slotName(o.Role)))
					}
				}
				text := fmt.Sprintf("Nhắc ca trực: đồng chí trực %s, %s, từ %s đến %s.", d.Shift, slotName(d.Role),
					start.In(calendar.Zone).Format("15:04 02/01/2006"), d.End.In(calendar.Zone).Format("15:04 02/01/2006"))
				if len(others) > 0 {
					text += " Cùng ca: " + strings.Join(others, ", ") + "."
				}
				from := shiftReminderSender
				from.Unit = s.Unit
				h.sendNotice(from, fmt.Sprintf("shift-%s-%s-%d", s.ID, d.Officer, start.Unix()), text, d.Officer)
			}
		}
	}
}
