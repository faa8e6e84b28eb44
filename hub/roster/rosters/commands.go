package rosters

import (
	"time"

	"fieldwatch/hub/command"
)

// The roster domain's commands (every change to its state is one):
//
//   - rosters.generated: a draft roster was generated for a unit and period; it carries the
//     draft whole (the generator's seed and result are decided before the command).
//   - rosters.published: a leader published a roster (officers are then told their shifts).
//   - rosters.override_proposed: a swap or replacement was proposed on a roster, pending a leader.
//   - rosters.override_decided: a leader approved or rejected a proposed override.
//   - rosters.reminder_sent: an officer was reminded of a coming shift (once per officer and shift).
func init() {
	command.Register(Generated{}, Published{}, OverrideProposed{}, OverrideDecided{}, ReminderSent{})
}

// Generated stores a generated draft roster.
type Generated struct {
	Roster Roster `json:"roster"`
}

// Published publishes a roster.
type Published struct {
	ID string    `json:"id"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// OverrideProposed adds a proposed override (its N is the roster's next).
type OverrideProposed struct {
	Roster   string   `json:"roster"`
	Override Override `json:"override"`
}

// OverrideDecided approves or rejects override N of a roster.
type OverrideDecided struct {
	Roster  string    `json:"roster"`
	N       int       `json:"n"`
	Approve bool      `json:"approve"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Note    string    `json:"note,omitempty"`
}

// ReminderSent records that an officer was reminded of a shift.
type ReminderSent struct {
	Roster  string    `json:"roster"`
	Officer string    `json:"officer"`
	Start   time.Time `json:"start"`
	At      time.Time `json:"at"`
}

// CommandKind names the command.
func (Generated) CommandKind() string { return "rosters.generated" }

// CommandKind names the command.
func (Published) CommandKind() string { return "rosters.published" }

// CommandKind names the command.
func (OverrideProposed) CommandKind() string { return "rosters.override_proposed" }

// CommandKind names the command.
func (OverrideDecided) CommandKind() string { return "rosters.override_decided" }

// CommandKind names the command.
func (ReminderSent) CommandKind() string { return "rosters.reminder_sent" }

// reminderKey is where a sent reminder is recorded.
func reminderKey(rosterID, officer string, start time.Time) string {
	return reminderPrefix + rosterID + "/" + officer + "/" + start.UTC().Format("20060102T150405Z")
}
