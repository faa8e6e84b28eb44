package server

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/alerts"
	"fieldwatch/hub/messaging"
)

// escalateEvery is how often overdue urgent instructions are looked for.
const escalateEvery = 10 * time.Second

// runEscalation escalates overdue urgent instructions until ctx ends.
func (h *Hub) runEscalation(ctx context.Context) {
	t := time.NewTicker(escalateEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h.escalate()
		}
	}
}

// escalate sends each overdue urgent instruction to the duty officers who
// cover the vehicle and to the crews of its unit, as an alert on their
// console and in the audit log.
func (h *Hub) escalate() {
	users, err := h.auth.Users()
	if err != nil {
		h.log.Error("escalation: list users", "err", err)
		return
	}
	list, err := h.messages.Escalate(func(in *messaging.Instruction) []string {
		var names []string
		for _, r := range in.To {
			if r.State == messaging.StateAcknowledged {
				continue
			}
			for _, u := range users {
				if u.Retired || u.Locked || slices.Contains(names, u.Username) {
					continue
				}
				duty := u.HasRole(access.Duty) && access.Sees(h.units, u.Subject(), r.Unit)
				crew := u.HasRole(access.Crew) && u.Unit == r.Unit
				if duty || crew {
					names = append(names, u.Username)
				}
			}
		}
		return names
	})
	if err != nil {
		h.log.Error("escalation", "err", err)
	}
	for _, in := range list {
		for _, r := range in.To {
			if r.State == messaging.StateAcknowledged {
				continue
			}
			msg := fmt.Sprintf("chỉ thị khẩn chưa được xác nhận sau hạn %s: %s", in.Due.In(time.FixedZone("ICT", 7*3600)).Format("15:04"), clipText(in.Text))
			if _, err := h.alerts.Raise(alerts.KindInstructionOverdue, r.Vehicle, "", msg); err != nil {
				h.log.Error("escalation alert", "err", err)
			}
		}
		if err := h.auditLog.Add("hub", "", "instruction.escalate", in.ID, fmt.Sprint(in.EscalatedTo), ""); err != nil {
			h.log.Error("audit", "err", err)
		}
		h.log.Warn("urgent instruction escalated", "instruction", in.ID, "to", in.EscalatedTo)
	}
}
