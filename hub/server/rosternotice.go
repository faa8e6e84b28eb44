package server

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/messaging"
)

// Hand-off notices: when a leader publishes a roster, each officer on it
// (but the leader publishing) receives, as an instruction to acknowledge, the shifts that are theirs;
// when a leader approves a swap on a published roster, both officers
// receive the change. The client ids make a repeated publication or
// decision send nothing twice. A notice that cannot be queued is logged:
// the roster stands either way.

// slotNames names roster slots in notices.
var slotNames = map[string]string{"shift_leader": "trưởng ca", "division_leader": "lãnh đạo đội", "office": "văn phòng", "surveillance": "giám sát"}

func slotName(role string) string {
	if n, ok := slotNames[role]; ok {
		return n
	}
	return role
}

// noticeRoster tells each officer of a published roster their shifts.
func (h *Hub) noticeRoster(by auth.User, s storedRoster) {
	v, err := h.rosterView(s)
	if err != nil {
		h.log.Warn("roster notice: roster does not apply", "roster", s.ID, "err", err)
		return
	}
	shifts := map[string][]string{}
	for _, a := range v.Effective.Assignments {
		shifts[a.Officer] = append(shifts[a.Officer], fmt.Sprintf("%s (%s)", a.Start.In(calendar.Zone).Format("02/01 15:04"), slotName(a.Role)))
	}
	unit := h.unitName(s.Unit)
	period := fmt.Sprintf("%s–%s", s.From.In(calendar.Zone).Format("02/01/2006"), s.To.AddDate(0, 0, -1).In(calendar.Zone).Format("02/01/2006"))
	for _, officer := range slices.Sorted(maps.Keys(shifts)) {
		if officer == by.Username {
			continue // the leader who published it knows
		}
		list := shifts[officer]
		text := fmt.Sprintf("Lịch trực %s từ %s đã được công bố. Ca trực của đồng chí (%d): %s.", unit, period, len(list), strings.Join(list, ", "))
		for n := len(list) - 1; utf8.RuneCountInString(text) > messaging.MaxText && n > 0; n-- {
			text = fmt.Sprintf("Lịch trực %s từ %s đã được công bố. Ca trực của đồng chí (%d): %s… (xem đủ trong lịch trực).", unit, period, len(list), strings.Join(list[:n], ", "))
		}
		h.notice(by, "roster-"+s.ID+"-"+officer, text, officer)
	}
}

// noticeSwap tells both officers of an approved swap on a published roster.
func (h *Hub) noticeSwap(by auth.User, s storedRoster, o storedOverride) {
	if s.Published.IsZero() {
		return // officers learn their shifts when the roster is published
	}
	text := fmt.Sprintf("Lãnh đạo đã duyệt đổi ca: ca %s (%s) của %s do %s trực thay.",
		o.Start.In(calendar.Zone).Format("02/01/2006 15:04"), slotName(o.Role), o.From, o.To)
	for _, officer := range []string{o.From, o.To} {
		h.notice(by, fmt.Sprintf("swap-%s-%d-%s", s.ID, o.N, officer), text, officer)
	}
}

// notice sends one officer a hand-off notice from a leader.
func (h *Hub) notice(by auth.User, clientID, text, officer string) {
	h.sendNotice(messaging.Sender{Username: by.Username, Name: by.Name, Unit: by.Unit}, clientID, text, officer)
}

// sendNotice sends one officer a notice to acknowledge, once per clientID;
// a retired account gets none.
func (h *Hub) sendNotice(from messaging.Sender, clientID, text, officer string) {
	acct, err := h.auth.User(officer)
	if err != nil || acct.Retired {
		return
	}
	if _, err := h.messages.SendNotice(from, clientID, text, []messaging.Target{{User: acct.Username, Unit: acct.Unit}}); err != nil {
		h.log.Warn("notice not sent", "officer", officer, "err", err)
	}
}

// unitName is a unit's name, or its id when it has none.
func (h *Hub) unitName(id string) string {
	if u, ok := h.units.Get(id); ok && u.Name != "" {
		return u.Name
	}
	return id
}
