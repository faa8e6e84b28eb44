package rosters

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/roster"
)

// Hand-off notices: when a leader publishes a roster, each officer on it
// (but the leader publishing) receives, as an instruction to acknowledge, the shifts that are theirs;
// when a leader approves a swap on a published roster, both officers
// receive the change. The client ids make a repeated publication or
// decision send nothing twice. A notice that cannot be queued is logged:
// the roster stands either way.

// slotNames names roster slots in notices.
var slotNames = map[string]string{"shift_leader": "trưởng ca", "division_leader": "lãnh đạo đội", "office": "văn phòng", "surveillance": "giám sát"}

// SlotName is a roster slot's name in notices.
func SlotName(role string) string {
	if n, ok := slotNames[role]; ok {
		return n
	}
	return role
}

// noticeRoster tells each officer of a published roster their shifts.
func (s *Service) noticeRoster(by auth.User, r Roster) {
	eff, err := r.Effective()
	if err != nil {
		s.log.Warn("roster notice: roster does not apply", "roster", r.ID, "err", err)
		return
	}
	shifts := map[string][]string{}
	for _, a := range eff.Assignments {
		shifts[a.Officer] = append(shifts[a.Officer], fmt.Sprintf("%s (%s)", a.Start.In(roster.Zone).Format("02/01 15:04"), SlotName(a.Role)))
	}
	unit := s.unitName(r.Unit)
	period := fmt.Sprintf("%s–%s", r.From.In(roster.Zone).Format("02/01/2006"), r.To.AddDate(0, 0, -1).In(roster.Zone).Format("02/01/2006"))
	for _, officer := range slices.Sorted(maps.Keys(shifts)) {
		if officer == by.Username {
			continue // the leader who published it knows
		}
		list := shifts[officer]
		text := fmt.Sprintf("Lịch trực %s từ %s đã được công bố. Ca trực của đồng chí (%d): %s.", unit, period, len(list), strings.Join(list, ", "))
		for n := len(list) - 1; utf8.RuneCountInString(text) > messaging.MaxText && n > 0; n-- {
			text = fmt.Sprintf("Lịch trực %s từ %s đã được công bố. Ca trực của đồng chí (%d): %s… (xem đủ trong lịch trực).", unit, period, len(list), strings.Join(list[:n], ", "))
		}
		s.notice(by, "roster-"+r.ID+"-"+officer, text, officer)
	}
}

// noticeSwap tells both officers of an approved swap on a published roster.
func (s *Service) noticeSwap(by auth.User, r Roster, o Override) {
	if r.Published.IsZero() {
		return // officers learn their shifts when the roster is published
	}
	text := fmt.Sprintf("Lãnh đạo đã duyệt đổi ca: ca %s (%s) của %s do %s trực thay.",
		o.Start.In(roster.Zone).Format("02/01/2006 15:04"), SlotName(o.Role), o.From, o.To)
	for _, officer := range []string{o.From, o.To} {
		s.notice(by, fmt.Sprintf("swap-%s-%d-%s", r.ID, o.N, officer), text, officer)
	}
}

// notice sends one officer a hand-off notice from a leader.
func (s *Service) notice(by auth.User, clientID, text, officer string) {
	s.sendNotice(messaging.Sender{Username: by.Username, Name: by.Name, Unit: by.Unit}, clientID, text, officer)
}

// sendNotice sends one officer a notice to acknowledge, once per clientID;
// a retired account gets none. It reports whether the notice was queued.
func (s *Service) sendNotice(from messaging.Sender, clientID, text, officer string) bool {
	acct, err := s.accounts.User(officer)
	if err != nil || acct.Retired {
		return false
	}
	if _, err := s.messages.SendNotice(from, clientID, text, []messaging.Target{{User: acct.Username, Unit: acct.Unit}}); err != nil {
		s.log.Warn("notice not sent", "officer", officer, "err", err)
		return false
	}
	return true
}
