package recorder

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/protocol/evidence"
)

// Segment states on the vehicle.
const (
	StateLocal  = "local"  // closed, not yet confirmed by the hub
	StateSynced = "synced" // the hub confirmed it; may be evicted
	StateLost   = "lost"   // evicted before the hub had it (storage full); its manifest is still owed to the hub
)

// Segment is a closed segment as the index keeps it.
type Segment struct {
	Manifest evidence.Manifest `json:"manifest"`
	Path     string            `json:"path"`
	State    string            `json:"state"`
	ClosedAt time.Time         `json:"closed_at"`
}

// camState is a camera's chain position, and the segment being written.
type camState struct {
	NextSeq uint64    `json:"next_seq"`
	Prev    string    `json:"prev"`     // digest of the last closed segment
	PrevEnd time.Time `json:"prev_end"` // its end
	Open    *openSeg  `json:"open"`
}

// openSeg is written to the index before the file is created, so a crash
// leaves enough to recover it.
type openSeg struct {
	Seq   uint64    `json:"seq"`
	Path  string    `json:"path"`
	Start time.Time `json:"start"`
	Break string    `json:"break"`
	Video string    `json:"video"`
	Audio string    `json:"audio"`

	spsBytes []byte // the open file's SPS (not stored)
}

// index is the recorder's Badger database.
type index struct {
	db *badger.DB
}

func openIndex(dir string, log *slog.Logger) (*index, error) {
	opts := badger.DefaultOptions(dir).WithSyncWrites(true).WithLogger(nil).
		WithMemTableSize(8 << 20).WithValueLogFileSize(32 << 20).WithNumCompactors(2).
		WithBlockCacheSize(4 << 20).WithIndexCacheSize(2 << 20)
	db, err := badger.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("recorder: open index %s: %w", dir, err)
	}
	return &index{db: db}, nil
}

func camKey(cam string) []byte { return []byte("c/" + cam) }

func segKey(cam string, seq uint64) []byte { return fmt.Appendf(nil, "s/%s/%020d", cam, seq) }

func (x *index) camState(cam string) (camState, error) {
	st := camState{NextSeq: 1}
	err := x.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get(camKey(cam))
		if err != nil {
			return err
		}
		return it.Value(func(v []byte) error { return json.Unmarshal(v, &st) })
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return camState{NextSeq: 1}, nil
	}
	if err != nil {
		return st, fmt.Errorf("recorder: read state of %s: %w", cam, err)
	}
	return st, nil
}

// put writes a camera's state and any segment records in one synced transaction.
func (x *index) put(cam string, st *camState, segs ...*Segment) error {
	err := x.db.Update(func(txn *badger.Txn) error {
		if st != nil {
			v, _ := json.Marshal(st)
			if err := txn.Set(camKey(cam), v); err != nil {
				return err
			}
		}
		for _, s := range segs {
			v, _ := json.Marshal(s)
			if err := txn.Set(segKey(cam, s.Manifest.Seq), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("recorder: write index: %w", err)
	}
	return nil
}

func (x *index) deleteSeg(cam string, seq uint64) error {
	err := x.db.Update(func(txn *badger.Txn) error { return txn.Delete(segKey(cam, seq)) })
	if err != nil {
		return fmt.Errorf("recorder: delete from index: %w", err)
	}
	return nil
}

// segments loads every segment record, by camera, in Seq order.
func (x *index) segments() (map[string][]*Segment, error) {
	out := map[string][]*Segment{}
	err := x.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("s/"), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var s Segment
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &s) }); err != nil {
				return err
			}
			cam, _, _ := strings.Cut(strings.TrimPrefix(string(it.Item().Key()), "s/"), "/")
			out[cam] = append(out[cam], &s)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recorder: load index: %w", err)
	}
	return out, nil
}

func (x *index) close() error { return x.db.Close() }
