package protocol

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Reliable messages ride the control channel in streams: one per sender
// and recipient ("hub>xe-01", "xe-01>hub"), numbered 1, 2, 3... without
// gaps. The receiver applies a message once, in order, and answers with a
// cumulative MessageAck; the sender keeps every message until it is
// acknowledged and sends again from the first one not acknowledged after a
// reconnect or a timeout (go-back-N). Both ends keep their streams in
// Badger, so a kill -9 on either side loses nothing.

// Message types.
const (
	MsgInstruction = "instruction" // hub -> vehicle: an instruction for the crew
	MsgReceipt     = "receipt"     // vehicle -> hub: an instruction was read or acknowledged
	MsgReport      = "report"      // vehicle -> hub: a crew report
	// MsgMission: hub -> vehicle, a mission as created, changed or cancelled (Mission).
	MsgMission = "mission"
	// MsgMissionReport: vehicle -> hub, a crew's closing report (MissionClose).
	MsgMissionReport = "mission_report"
)

// MaxMessageBody bounds a message's body (photos travel by HTTP, not here).
const MaxMessageBody = 32 << 10

var streamRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}>[a-z0-9][a-z0-9_-]{0,63}$`)

// Message is one reliable message.
type Message struct {
	Stream string          `json:"stream"`
	Seq    uint64          `json:"seq"`
	Type   string          `json:"type"`
	Time   time.Time       `json:"time"` // when the sender queued it
	Body   json.RawMessage `json:"body"`
}

// MessageAck says the receiver applied every message of Stream up to Seq.
type MessageAck struct {
	Stream string `json:"stream"`
	Seq    uint64 `json:"seq"`
}

// Stream names the stream from sender to recipient.
func Stream(from, to string) string { return from + ">" + to }

// Kind implements Body.
func (Message) Kind() Kind { return KindMessage }

// Kind implements Body.
func (MessageAck) Kind() Kind { return KindMessageAck }

// Validate checks the stream, sequence, type and body.
func (m Message) Validate() error {
	if !streamRE.MatchString(m.Stream) {
		return fmt.Errorf("stream %q: want SENDER>RECIPIENT", clip(m.Stream))
	}
	if m.Seq == 0 {
		return fmt.Errorf("seq must start at 1")
	}
	switch m.Type {
	case MsgInstruction, MsgReceipt, MsgReport, MsgMission, MsgMissionReport:
	default:
		return fmt.Errorf("type %q unknown", clip(m.Type))
	}
	if m.Time.IsZero() {
		return fmt.Errorf("time missing")
	}
	if len(m.Body) == 0 || m.Body[0] != '{' || len(m.Body) > MaxMessageBody {
		return fmt.Errorf("body must be a JSON object of at most %d bytes", MaxMessageBody)
	}
	return validMessageBody(m.Type, m.Body)
}

// Validate checks the stream.
func (a MessageAck) Validate() error {
	if !streamRE.MatchString(a.Stream) {
		return fmt.Errorf("stream %q: want SENDER>RECIPIENT", clip(a.Stream))
	}
	return nil
}
