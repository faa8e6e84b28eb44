// Package store opens the hub's Badger database and gives typed access to
// JSON records under key prefixes. Every write is synced before it returns:
// the hub acknowledges nothing it could lose in a crash.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// ErrNotFound: no record under the key.
var ErrNotFound = errors.New("store: not found")

// DB is the hub's database.
type DB struct {
	bdb *badger.DB
}

// Open opens (or creates) the database in dir.
func Open(dir string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.Default()
	}
	opts := badger.DefaultOptions(dir).
		WithSyncWrites(true).
		WithLogger(badgerLogger{log.With("component", "badger")}).
		WithMemTableSize(16 << 20).
		WithValueLogFileSize(64 << 20).
		WithNumCompactors(2).
		WithBlockCacheSize(16 << 20).
		WithIndexCacheSize(8 << 20)
	bdb, err := badger.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	return &DB{bdb: bdb}, nil
}

// Close flushes and closes the database.
func (db *DB) Close() error { return db.bdb.Close() }

// Badger gives packages that need more than JSON records the raw database.
func (db *DB) Badger() *badger.DB { return db.bdb }

// Put stores v as JSON under key, with a TTL when ttl > 0.
func (db *DB) Put(key string, v any, ttl time.Duration) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode %s: %w", key, err)
	}
	err = db.bdb.Update(func(txn *badger.Txn) error {
		e := badger.NewEntry([]byte(key), data)
		if ttl > 0 {
			e = e.WithTTL(ttl)
		}
		return txn.SetEntry(e)
	})
	if err != nil {
		return fmt.Errorf("store: put %s: %w", key, err)
	}
	return nil
}

// Get decodes the record under key into v.
func (db *DB) Get(key string, v any) error {
	err := db.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(key))
		if err != nil {
			return err
		}
		return item.Value(func(val []byte) error { return json.Unmarshal(val, v) })
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: get %s: %w", key, err)
	}
	return nil
}

// Delete removes key; deleting a missing key is not an error.
func (db *DB) Delete(key string) error {
	if err := db.bdb.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(key)) }); err != nil {
		return fmt.Errorf("store: delete %s: %w", key, err)
	}
	return nil
}

// Each calls fn with the raw JSON of every record under prefix, in key order.
func (db *DB) Each(prefix string, fn func(key string, raw []byte) error) error {
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: []byte(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			if err := item.Value(func(val []byte) error { return fn(string(item.Key()), val) }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", prefix, err)
	}
	return nil
}

// List decodes every record under prefix.
func List[T any](db *DB, prefix string) ([]T, error) {
	var out []T
	err := db.Each(prefix, func(key string, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode %s: %w", key, err)
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// badgerLogger sends Badger's log lines to slog.
type badgerLogger struct{ log *slog.Logger }

func (l badgerLogger) Errorf(f string, a ...any) {
	l.log.Error(strings.TrimSpace(fmt.Sprintf(f, a...)))
}
func (l badgerLogger) Warningf(f string, a ...any) {
	l.log.Warn(strings.TrimSpace(fmt.Sprintf(f, a...)))
}
func (l badgerLogger) Infof(f string, a ...any) { l.log.Debug(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (l badgerLogger) Debugf(f string, a ...any) {
	l.log.Debug(strings.TrimSpace(fmt.Sprintf(f, a...)))
}

// Snapshot returns every live key and value under prefix ("" for all):
// tests compare two stores' states with it.
func (db *DB) Snapshot(prefix string) (map[string]string, error) {
	out := map[string]string{}
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			out[string(it.Item().Key())] = string(val)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: snapshot %s: %w", prefix, err)
	}
	return out, nil
}

// SetJSON stores v as JSON under key inside a command's transaction.
func SetJSON(txn *badger.Txn, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode %s: %w", key, err)
	}
	return txn.Set([]byte(key), data)
}

// GetJSON decodes the record under key inside a transaction; found is
// false when there is none.
func GetJSON(txn *badger.Txn, key string, v any) (found bool, err error) {
	item, err := txn.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: get %s: %w", key, err)
	}
	return true, item.Value(func(val []byte) error { return json.Unmarshal(val, v) })
}
