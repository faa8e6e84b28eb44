package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/store"
	"fieldwatch/protocol/evidence"
)

// Record is an archived segment.
type Record struct {
	Manifest evidence.Manifest `json:"manifest"`
	// Path is the segment file, relative to the archive directory; "" when Lost.
	Path string `json:"path"`
	// Lost: the vehicle overwrote this segment before the hub had it; only its signed manifest is here.
	Lost       bool      `json:"lost"`
	ReceivedAt time.Time `json:"received_at"`
}

func segKey(v, c string, seq uint64) string { return fmt.Sprintf("arch/seg/%s/%s/%020d", v, c, seq) }

func timeKey(m *evidence.Manifest) string {
	return fmt.Sprintf("arch/t/%s/%s/%020d/%020d", m.Vehicle, m.Camera, m.Start.UnixNano(), m.Seq)
}

func camKey(v, c string) string { return "arch/cam/" + v + "/" + c }

// get loads one record.
func (a *Archive) get(v, c string, seq uint64) (*Record, error) {
	var r Record
	if err := a.db.Get(segKey(v, c, seq), &r); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("archive: %w", err)
	}
	return &r, nil
}

// putTxn writes a record's keys in txn.
func putTxn(txn *badger.Txn, r *Record) error {
	val, err := json.Marshal(r)
	if err != nil {
		return err
	}
	m := &r.Manifest
	if err := txn.Set([]byte(segKey(m.Vehicle, m.Camera, m.Seq)), val); err != nil {
		return err
	}
	if err := txn.Set([]byte(timeKey(m)), nil); err != nil {
		return err
	}
	return txn.Set([]byte(camKey(m.Vehicle, m.Camera)), []byte("{}"))
}

// MaxSegmentSpan bounds how long one segment may be; range queries look back this far.
const MaxSegmentSpan = 2 * time.Hour

// Segments returns a camera's records that overlap [from, to), in Seq order.
func (a *Archive) Segments(vehicle, camera string, from, to time.Time) ([]Record, error) {
	pfx := fmt.Sprintf("arch/t/%s/%s/", vehicle, camera)
	start := fmt.Sprintf("%s%020d", pfx, from.Add(-MaxSegmentSpan).UnixNano())
	var seqs []uint64
	err := a.db.Badger().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(pfx)})
		defer it.Close()
		for it.Seek([]byte(start)); it.Valid(); it.Next() {
			rest := strings.TrimPrefix(string(it.Item().Key()), pfx)
			var ns int64
			var seq uint64
			if _, err := fmt.Sscanf(rest, "%020d/%020d", &ns, &seq); err != nil {
				return fmt.Errorf("bad time key %q", rest)
			}
			if ns >= to.UnixNano() {
				break
			}
			seqs = append(seqs, seq)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archive: query: %w", err)
	}
	out := make([]Record, 0, len(seqs))
	for _, s := range seqs {
		r, err := a.get(vehicle, camera, s)
		if err != nil {
			return nil, err
		}
		if r != nil && r.Manifest.End.After(from) {
			out = append(out, *r)
		}
	}
	return out, nil
}

// Cameras lists every vehicle/camera with archived segments.
func (a *Archive) Cameras() ([][2]string, error) {
	var out [][2]string
	err := a.db.Each("arch/cam/", func(k string, _ []byte) error {
		v, c, ok := strings.Cut(strings.TrimPrefix(k, "arch/cam/"), "/")
		if ok {
			out = append(out, [2]string{v, c})
		}
		return nil
	})
	return out, err
}
