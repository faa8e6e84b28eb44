package messaging

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/internal/vntime"
)

// Officers lists the accounts an overdue instruction may escalate to.
type Officers interface {
	Users() ([]auth.User, error)
}

// Recorder writes what the hub did by itself to the audit log.
type Recorder interface {
	Add(user, unit, action, object, detail, from string) error
}

// EscalationParams configure the escalation loop.
type EscalationParams struct {
	Service  *Service
	Officers Officers
	Tree     access.Tree
	// Alert raises an "instruction overdue" alert about a vehicle.
	Alert  func(vehicle, message string) error
	Audit  Recorder
	Every  time.Duration // how often to look; default 10 s
	Logger *slog.Logger
}

// Escalation escalates overdue urgent instructions: each goes to the duty
// officers who cover a recipient that has not acknowledged it and to the
// crews of that recipient's unit, as an alert on their console and in the
// audit log.
type Escalation struct{ p EscalationParams }

// NewEscalation returns the escalation loop.
func NewEscalation(p EscalationParams) *Escalation {
	if p.Every <= 0 {
		p.Every = 10 * time.Second
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	return &Escalation{p: p}
}

// Run escalates every Every until ctx ends.
func (e *Escalation) Run(ctx context.Context) {
	t := time.NewTicker(e.p.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.Once()
		}
	}
}

// Once escalates what is overdue now.
func (e *Escalation) Once() {
	log := e.p.Logger
	users, err := e.p.Officers.Users()
	if err != nil {
		log.Error("escalation: list users", "err", err)
		return
	}
	list, err := e.p.Service.Escalate(func(in *Instruction) []string {
		var names []string
		for _, r := range in.To {
			if r.State == StateAcknowledged {
				continue
			}
			for _, u := range users {
				if u.Retired || u.Locked || slices.Contains(names, u.Username) {
					continue
				}
				duty := u.HasRole(access.Duty) && access.Sees(e.p.Tree, u.Subject(), r.Unit)
				crew := u.HasRole(access.Crew) && u.Unit == r.Unit
				if duty || crew {
					names = append(names, u.Username)
				}
			}
		}
		return names
	})
	if err != nil {
		log.Error("escalation", "err", err)
	}
	for _, in := range list {
		for _, r := range in.To {
			if r.State == StateAcknowledged {
				continue
			}
			msg := fmt.Sprintf("chỉ thị khẩn chưa được xác nhận sau hạn %s: %s", in.Due.In(vntime.Zone).Format("15:04"), audit.Clip(in.Text))
			if err := e.p.Alert(r.Vehicle, msg); err != nil {
				log.Error("escalation alert", "err", err)
			}
		}
		if err := e.p.Audit.Add("hub", "", "instruction.escalate", in.ID, fmt.Sprint(in.EscalatedTo), ""); err != nil {
			log.Error("audit", "err", err)
		}
		log.Warn("urgent instruction escalated", "instruction", in.ID, "to", in.EscalatedTo)
	}
}
