package segfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
)

// Segment is a parsed segment file.
type Segment struct {
	Init  fmp4.Init
	Parts fmp4.Parts
}

// ErrMalformed: the bytes are not a segment file.
var ErrMalformed = errors.New("segfile: malformed segment")

// Parse decodes a whole segment file.
func Parse(data []byte) (*Segment, error) {
	valid, err := wholeBoxes(data)
	if err != nil {
		return nil, err
	}
	if valid != int64(len(data)) {
		return nil, fmt.Errorf("%w: %d trailing bytes after the last whole fragment", ErrMalformed, int64(len(data))-valid)
	}
	return parse(data)
}

func parse(data []byte) (s *Segment, err error) {
	defer func() {
		// The MP4 library is not written for hostile input; never let it take the process down.
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%w: %v", ErrMalformed, r)
		}
	}()
	initEnd, err := initLength(data)
	if err != nil {
		return nil, err
	}
	s = &Segment{}
	if err := s.Init.Unmarshal(bytes.NewReader(data[:initEnd])); err != nil {
		return nil, fmt.Errorf("%w: init: %v", ErrMalformed, err)
	}
	if len(s.Init.Tracks) == 0 {
		return nil, fmt.Errorf("%w: no tracks", ErrMalformed)
	}
	if initEnd < int64(len(data)) {
		if err := s.Parts.Unmarshal(data[initEnd:]); err != nil {
			return nil, fmt.Errorf("%w: fragments: %v", ErrMalformed, err)
		}
	}
	return s, nil
}

// Stats counts the samples and the video duration of a parsed segment.
func (s *Segment) Stats() Stats {
	var st Stats
	var end uint64
	for _, p := range s.Parts {
		for _, t := range p.Tracks {
			switch t.ID {
			case VideoTrack:
				st.Frames += len(t.Samples)
				e := t.BaseTime
				for _, smp := range t.Samples {
					e += uint64(smp.Duration)
				}
				end = max(end, e)
			case AudioTrack:
				st.AudioFrames += len(t.Samples)
			}
		}
	}
	st.Duration = time.Duration(end) * time.Second / VideoTimeScale
	return st
}

type box struct {
	typ        string
	start, end int64
}

// boxes walks top-level box headers; it stops at the first box that does
// not fit in data and reports how far the whole boxes go.
func boxes(data []byte) (out []box, whole int64) {
	var off int64
	n := int64(len(data))
	for off+8 <= n {
		size := int64(binary.BigEndian.Uint32(data[off:]))
		typ := string(data[off+4 : off+8])
		hdr := int64(8)
		if size == 1 {
			if off+16 > n {
				break
			}
			size = int64(binary.BigEndian.Uint64(data[off+8:]))
			hdr = 16
		}
		if size < hdr || off+size > n || size < 0 {
			break
		}
		out = append(out, box{typ, off, off + size})
		off += size
	}
	return out, off
}

// initLength is where the init block (ftyp + moov) ends.
func initLength(data []byte) (int64, error) {
	bs, _ := boxes(data)
	if len(bs) < 2 || bs[0].typ != "ftyp" || bs[1].typ != "moov" {
		return 0, fmt.Errorf("%w: does not start with ftyp, moov", ErrMalformed)
	}
	return bs[1].end, nil
}

// wholeBoxes is the length of the longest prefix made of an init block and
// complete moof+mdat pairs.
func wholeBoxes(data []byte) (int64, error) {
	bs, _ := boxes(data)
	if len(bs) < 2 || bs[0].typ != "ftyp" || bs[1].typ != "moov" {
		return 0, fmt.Errorf("%w: does not start with ftyp, moov", ErrMalformed)
	}
	valid := bs[1].end
	for i := 2; i+1 < len(bs); i += 2 {
		if bs[i].typ != "moof" || bs[i+1].typ != "mdat" {
			break
		}
		valid = bs[i+1].end
	}
	return valid, nil
}

// Recover trims a torn segment file (after a crash) to its last whole
// fragment and reports what is left and how many bytes were cut. A file
// without even a whole init block is removed and reported as ErrMalformed.
func Recover(path string) (st Stats, trimmed int64, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return st, 0, fmt.Errorf("segfile: recover: %w", err)
	}
	valid, werr := wholeBoxes(data)
	if werr != nil {
		return st, int64(len(data)), werr
	}
	// The last fragment may be whole in its boxes but still fail to decode; drop fragments until it parses.
	seg, perr := parse(data[:valid])
	for perr != nil && valid > 0 {
		bs, _ := boxes(data[:valid])
		if len(bs) <= 2 {
			return st, int64(len(data)), perr
		}
		valid = bs[len(bs)-2].start
		seg, perr = parse(data[:valid])
	}
	trimmed = int64(len(data)) - valid
	if trimmed > 0 {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return st, 0, fmt.Errorf("segfile: recover: %w", err)
		}
		terr := f.Truncate(valid)
		serr := f.Sync()
		f.Close()
		if err := errors.Join(terr, serr); err != nil {
			return st, 0, fmt.Errorf("segfile: recover %s: %w", path, err)
		}
	}
	st = seg.Stats()
	st.Size = valid
	return st, trimmed, nil
}

// ReadFile parses the segment file at path.
func ReadFile(path string) (*Segment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("segfile: %w", err)
	}
	return Parse(data)
}
