package mailbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/protocol"
)

// Missions the hub sends (protocol.MsgMission) are kept by id, newest
// revision only: a resent or older revision is ignored. The crew's closing
// report, written here, closes the mission on the vehicle at once and is
// queued for the hub.

// ErrMission: a closing report the mailbox refuses.
var ErrMission = errors.New("mailbox: invalid mission report")

const misPrefix = "mis/" // mis/<id> -> Mission

// Mission is a mission as the vehicle keeps it.
type Mission struct {
	protocol.Mission
	Received time.Time `json:"received"`
	// ClosedHere is the closing report the crew wrote on the vehicle, kept
	// until the hub's own revision says the mission is closed.
	ClosedHere *protocol.MissionReport `json:"closed_here,omitempty"`
}

// applyMission keeps a mission revision if it is newer than the one kept;
// m.mu is held.
func (m *Mailbox) applyMission(txn *badger.Txn, body json.RawMessage, added *bool) error {
	var in protocol.Mission
	if err := json.Unmarshal(body, &in); err != nil || in.Validate() != nil || in.Vehicle != m.vehicle {
		m.log.Warn("unreadable mission, skipped")
		return nil
	}
	cur, err := getMission(txn, in.ID)
	if err != nil && !errors.Is(err, ErrUnknown) {
		return err
	}
	if err == nil && cur.Rev >= in.Rev {
		return nil // a duplicate or an older revision
	}
	next := Mission{Mission: in, Received: m.now()}
	if cur.ClosedHere != nil && in.Report == nil {
		next.ClosedHere = cur.ClosedHere
		if in.Open() {
			next.State, next.Closed, next.ClosedBy, next.Report = protocol.MissionClosed, cur.ClosedHere.Time, cur.ClosedHere.By, cur.ClosedHere
		}
	}
	data, err := json.Marshal(next)
	if err != nil {
		return err
	}
	*added = true
	return txn.Set([]byte(misPrefix+in.ID), data)
}

func getMission(txn *badger.Txn, id string) (Mission, error) {
	var out Mission
	item, err := txn.Get([]byte(misPrefix + id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return out, fmt.Errorf("%w: mission %q", ErrUnknown, id)
	}
	if err != nil {
		return out, err
	}
	return out, item.Value(func(v []byte) error { return json.Unmarshal(v, &out) })
}

// Missions returns the kept missions, the latest window first.
func (m *Mailbox) Missions() ([]Mission, error) {
	out := []Mission{}
	err := m.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(misPrefix), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var x Mission
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &x) }); err != nil {
				return err
			}
			out = append(out, x)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mailbox: missions: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].From.After(out[j].From) })
	return out, nil
}

// MissionActive reports whether one of the vehicle's missions runs at now.
func (m *Mailbox) MissionActive(now time.Time) (bool, error) {
	list, err := m.Missions()
	if err != nil {
		return false, err
	}
	for i := range list {
		if list[i].ActiveAt(now) {
			return true, nil
		}
	}
	return false, nil
}

// CloseMission records the crew's closing report of a running mission (or
// of one whose window ended without a report) and queues it for the hub.
func (m *Mailbox) CloseMission(id, summary, findings, by string) (Mission, error) {
	summary, findings = strings.TrimSpace(summary), strings.TrimSpace(findings)
	if summary == "" || utf8.RuneCountInString(summary) > protocol.MaxMissionText || utf8.RuneCountInString(findings) > protocol.MaxMissionText {
		return Mission{}, fmt.Errorf("%w: a summary of 1 to %d characters", ErrMission, protocol.MaxMissionText)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var cur Mission
	err := m.db.View(func(txn *badger.Txn) error {
		var err error
		cur, err = getMission(txn, id)
		return err
	})
	if err != nil {
		return cur, err
	}
	now := m.now()
	if cur.Report != nil || cur.State == protocol.MissionCancelled || cur.State == protocol.MissionPlanned && !cur.ActiveAt(now) {
		return cur, fmt.Errorf("%w: the mission is %s", ErrMission, cur.State)
	}
	rep := protocol.MissionReport{Summary: summary, Findings: findings, By: by, Time: now}
	if _, err := m.out.Enqueue(hubAddress, protocol.MsgMissionReport, protocol.MissionClose{ID: id, MissionReport: rep}); err != nil {
		return cur, fmt.Errorf("mailbox: %w", err)
	}
	cur.ClosedHere, cur.Report = &rep, &rep
	if cur.Open() {
		cur.State, cur.Closed, cur.ClosedBy = protocol.MissionClosed, now, by
	}
	data, _ := json.Marshal(cur)
	if err := m.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(misPrefix+id), data) }); err != nil {
		return cur, fmt.Errorf("mailbox: %w", err)
	}
	m.notifyLocked()
	return cur, nil
}
