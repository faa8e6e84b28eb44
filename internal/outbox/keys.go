package outbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

// Limits.
const (
	// MaxBody is the largest encoded body Enqueue accepts.
	MaxBody = 1 << 20
	// MaxAddr is the longest sender or recipient address, in bytes.
	MaxAddr = 256
	// seqDigits is the width of a sequence in keys and IDs.
	seqDigits = 20
)

// validAddr checks an address; empty is allowed only when allowEmpty.
func validAddr(what, a string, allowEmpty bool) error {
	switch {
	case a == "" && !allowEmpty:
		return fmt.Errorf("%w: empty %s", ErrInvalid, what)
	case len(a) > MaxAddr:
		return fmt.Errorf("%w: %s longer than %d bytes", ErrInvalid, what, MaxAddr)
	case !utf8.ValidString(a):
		return fmt.Errorf("%w: %s is not UTF-8", ErrInvalid, what)
	case what == "sender" && strings.Contains(a, ">"):
		// ">" separates sender from recipient in message IDs.
		return fmt.Errorf("%w: sender %q contains '>'", ErrInvalid, a)
	}
	return nil
}

// checkSynced refuses a database whose commits are not fsynced.
func checkSynced(db *badger.DB) error {
	if db == nil {
		return fmt.Errorf("%w: nil database", ErrInvalid)
	}
	if o := db.Opts(); !o.SyncWrites && !o.InMemory {
		return ErrNotSynced
	}
	return nil
}

func esc(a string) string { return url.PathEscape(a) }

func unesc(s string) (string, error) { return url.PathUnescape(s) }

// messageID is sender>to/%020d.
func messageID(sender, to string, seq uint64) string {
	return fmt.Sprintf("%s>%s/%0*d", sender, to, seqDigits, seq)
}

func (o *Outbox) senderKey() []byte { return []byte(o.prefix + "s") }

func (o *Outbox) nextKey(to string) []byte { return []byte(o.prefix + "n/" + esc(to)) }

func (o *Outbox) streamPrefix(to string) []byte { return []byte(o.prefix + "m/" + esc(to) + "/") }

func (o *Outbox) msgKey(to string, seq uint64) []byte {
	return fmt.Appendf(nil, "%sm/%s/%0*d", o.prefix, esc(to), seqDigits, seq)
}

// parseMsgKey splits the part of a message key after P+"m/" into its
// recipient and sequence.
func parseMsgKey(rest string) (to string, seq uint64, err error) {
	i := strings.LastIndexByte(rest, '/')
	if i < 0 || len(rest)-i-1 != seqDigits {
		return "", 0, fmt.Errorf("malformed message key %q", rest)
	}
	if seq, err = strconv.ParseUint(rest[i+1:], 10, 64); err != nil {
		return "", 0, fmt.Errorf("malformed message key %q: %w", rest, err)
	}
	if to, err = unesc(rest[:i]); err != nil {
		return "", 0, fmt.Errorf("malformed message key %q: %w", rest, err)
	}
	return to, seq, nil
}

func (in *Inbox) lastKey(sender, to string) []byte {
	return []byte(in.prefix + "l/" + esc(sender) + "/" + esc(to))
}

func encodeSeq(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func decodeSeq(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("malformed sequence value (%d bytes)", len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// getSeq reads a sequence value; a missing key is 0.
func getSeq(txn *badger.Txn, key []byte) (uint64, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var seq uint64
	err = item.Value(func(v []byte) error {
		seq, err = decodeSeq(v)
		return err
	})
	return seq, err
}
