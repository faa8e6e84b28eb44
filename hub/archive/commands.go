package archive

// The archive's commands. Each is applied in one Badger transaction; the
// segment files they record are written and fsync'd before the command, and
// every time and ID is decided before it.
//
//   - archive.register_key: a vehicle's public signing key, the first time it is presented.
//   - archive.reset_key: forget a vehicle's signing key (its storage or key was replaced).
//   - archive.store_segment: a verified segment file is in the archive: index it and count
//     it received and applied in the day's transfer statistics.
//   - archive.record_lost: the signed manifest of a segment the vehicle overwrote before
//     the hub had it.
//   - archive.count_transfer_error: a segment's upload failed or was rejected: count it in
//     the day's transfer statistics.
//   - archive.place_hold: a legal hold on a camera's range (retention never deletes under it).
//   - archive.lift_hold: lift a legal hold.
//   - archive.expire_segment: retention removed a segment's file: drop its index entry.

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/vntime"
	"fieldwatch/protocol/evidence"
)

func init() {
	command.Register(RegisterKey{}, ResetKey{}, StoreSegment{}, RecordLost{}, CountTransferError{},
		PlaceHold{}, LiftHold{}, ExpireSegment{})
}

// RegisterKey records a vehicle's public signing key.
type RegisterKey struct {
	Vehicle string    `json:"vehicle"`
	Key     string    `json:"key"`
	At      time.Time `json:"at"`
}

// ResetKey forgets a vehicle's signing key.
type ResetKey struct {
	Vehicle string `json:"vehicle"`
}

// Transfer is when a segment's transfer had its outcome: At is the
// outcome (its day is the statistics' day), Started when its upload began.
type Transfer struct {
	At      time.Time `json:"at"`
	Started time.Time `json:"started"`
}

// StoreSegment indexes a verified segment whose file is in place (Record.Path)
// and counts it received whole at Received and applied at Transfer.At.
type StoreSegment struct {
	Record   Record    `json:"record"`
	Received time.Time `json:"received"`
	Transfer Transfer  `json:"transfer"`
}

// RecordLost records the signed manifest of a segment overwritten on the vehicle.
type RecordLost struct {
	Record Record `json:"record"`
}

// CountTransferError counts a failed or rejected upload of a segment.
type CountTransferError struct {
	Manifest evidence.Manifest `json:"manifest"`
	Error    string            `json:"error"`
	Transfer Transfer          `json:"transfer"`
}

// PlaceHold places a legal hold (its ID and CreatedAt are set).
type PlaceHold struct {
	Hold Hold `json:"hold"`
}

// LiftHold lifts a legal hold.
type LiftHold struct {
	ID string    `json:"id"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// ExpireSegment drops an expired segment from the index (its file is already removed).
type ExpireSegment struct {
	Vehicle string    `json:"vehicle"`
	Camera  string    `json:"camera"`
	Seq     uint64    `json:"seq"`
	Start   time.Time `json:"start"`
}

func (RegisterKey) CommandKind() string        { return "archive.register_key" }
func (ResetKey) CommandKind() string           { return "archive.reset_key" }
func (StoreSegment) CommandKind() string       { return "archive.store_segment" }
func (RecordLost) CommandKind() string         { return "archive.record_lost" }
func (CountTransferError) CommandKind() string { return "archive.count_transfer_error" }
func (PlaceHold) CommandKind() string          { return "archive.place_hold" }
func (LiftHold) CommandKind() string           { return "archive.lift_hold" }
func (ExpireSegment) CommandKind() string      { return "archive.expire_segment" }

// Apply applies one of the archive's commands in one transaction.
func (a *Archive) Apply(c command.Command) error {
	a.applyMu.Lock()
	defer a.applyMu.Unlock()
	var fn func(txn *badger.Txn) error
	switch c := c.(type) {
	case RegisterKey:
		fn = func(txn *badger.Txn) error {
			return store.SetJSON(txn, keyKey(c.Vehicle), keyRecord{Key: c.Key, RegisteredAt: c.At})
		}
	case ResetKey:
		fn = func(txn *badger.Txn) error { return txn.Delete([]byte(keyKey(c.Vehicle))) }
	case StoreSegment:
		fn = func(txn *badger.Txn) error {
			if err := putTxn(txn, &c.Record); err != nil {
				return err
			}
			m := &c.Record.Manifest
			return transferTxn(txn, m, c.Transfer, func(d *DayStats, f *FileStat) {
				d.SegmentsReceived++
				d.BytesReceived += m.Size
				d.SegmentsApplied++
				d.BytesApplied += m.Size
				f.ReceivedEnd, f.AppliedAt, f.Error = c.Received, c.Transfer.At, ""
			})
		}
	case RecordLost:
		fn = func(txn *badger.Txn) error { return putTxn(txn, &c.Record) }
	case CountTransferError:
		fn = func(txn *badger.Txn) error {
			return transferTxn(txn, &c.Manifest, c.Transfer, func(d *DayStats, f *FileStat) {
				d.Errors++
				f.Error = c.Error
			})
		}
	case PlaceHold:
		fn = func(txn *badger.Txn) error { return store.SetJSON(txn, holdPrefix+c.Hold.ID, c.Hold) }
	case LiftHold:
		fn = func(txn *badger.Txn) error { return txn.Delete([]byte(holdPrefix + c.ID)) }
	case ExpireSegment:
		fn = func(txn *badger.Txn) error {
			if err := txn.Delete([]byte(segKey(c.Vehicle, c.Camera, c.Seq))); err != nil {
				return err
			}
			return txn.Delete([]byte(timeKey(&evidence.Manifest{Vehicle: c.Vehicle, Camera: c.Camera, Seq: c.Seq, Start: c.Start})))
		}
	default:
		return fmt.Errorf("archive: not an archive command: %T", c)
	}
	if err := a.db.Badger().Update(fn); err != nil {
		return fmt.Errorf("archive: %s: %w", c.CommandKind(), err)
	}
	return nil
}

// transferTxn updates a segment's transfer record and its day's totals in
// txn. Statistics that cannot be read are left as they are (the command's
// other writes still happen).
func transferTxn(txn *badger.Txn, m *evidence.Manifest, t Transfer, fn func(d *DayStats, f *FileStat)) error {
	day := vntime.Day(t.At)
	var d DayStats
	var f FileStat
	if _, err := store.GetJSON(txn, dayKey(day, m.Vehicle), &d); err != nil {
		return nil
	}
	if _, err := store.GetJSON(txn, fileKey(day, m), &f); err != nil {
		return nil
	}
	if f.ReceivedStart.IsZero() {
		// First outcome of this segment that day: it counts as sent from when its upload began.
		d.SegmentsSent++
		d.BytesSent += m.Size
		f.ReceivedStart = t.Started
	}
	d.Vehicle, d.Day = m.Vehicle, day
	if d.FirstAt.IsZero() {
		d.FirstAt = t.At
	}
	d.LastAt = t.At
	f.Camera, f.Seq, f.Size = m.Camera, m.Seq, m.Size
	fn(&d, &f)
	d.Files = nil
	dv, err := json.Marshal(d)
	if err != nil {
		return err
	}
	fv, err := json.Marshal(f)
	if err != nil {
		return err
	}
	expires := uint64(t.At.Add(transferRetention).Unix())
	if err := txn.SetEntry(&badger.Entry{Key: []byte(dayKey(day, m.Vehicle)), Value: dv, ExpiresAt: expires}); err != nil {
		return err
	}
	return txn.SetEntry(&badger.Entry{Key: []byte(fileKey(day, m)), Value: fv, ExpiresAt: expires})
}
