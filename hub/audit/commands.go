// Commands of the audit domain, applied by Log.Apply:
//
//   - audit.append: add a record (who, from where, what, when) to the end
//     of the chain; its number, the previous record's hash and its own
//     hash are taken when it is applied
package audit

import (
	"time"

	"fieldwatch/hub/command"
)

func init() { command.Register(AppendCmd{}) }

// AppendCmd adds a record to the log.
type AppendCmd struct {
	Time   time.Time `json:"time"`
	User   string    `json:"user"`
	Unit   string    `json:"unit"`
	Action string    `json:"action"`
	Object string    `json:"object"`
	Detail string    `json:"detail"`
	From   string    `json:"from"`
}

// CommandKind implements command.Command.
func (AppendCmd) CommandKind() string { return "audit.append" }
