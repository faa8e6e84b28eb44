package archive

import (
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
	"fieldwatch/protocol/evidence"
)

// A vehicle registers its key, syncs two segments (one fails once, one is
// lost on the vehicle), a hold is placed and lifted, retention expires the
// first segment and the key is reset: two fresh archives end up the same.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	man := func(seq uint64) evidence.Manifest {
		start := at.Add(time.Duration(seq-1) * 2 * time.Second)
		return evidence.Manifest{Version: evidence.Version, Vehicle: "xe-01", Camera: "cam1", Seq: seq, Start: start,
			End: start.Add(2 * time.Second), Frames: 50, Size: 4096, SHA256: "ab12", Break: evidence.BreakStart,
			Video: "avc1.42c01e", Key: "key", Signature: "sig"}
	}
	m1, m2 := man(1), man(2)
	cmds := []command.Command{
		RegisterKey{Vehicle: "xe-01", Key: "a2V5", At: at},
		CountTransferError{Manifest: m1, Error: "upload cut", Transfer: Transfer{At: at.Add(time.Minute), Started: at.Add(50 * time.Second)}},
		StoreSegment{Record: Record{Manifest: m1, Path: "segments/xe-01/cam1/2026-12-01/00000000000000000001.mp4", ReceivedAt: at.Add(2 * time.Minute)},
			Received: at.Add(2 * time.Minute), Transfer: Transfer{At: at.Add(2 * time.Minute), Started: at.Add(90 * time.Second)}},
		RecordLost{Record: Record{Manifest: m2, Lost: true, ReceivedAt: at.Add(3 * time.Minute)}},
		PlaceHold{Hold: Hold{ID: "0193a0b0-0000-7000-8000-000000000001", Vehicle: "xe-01", Camera: "cam1", Start: at, End: at.Add(time.Hour),
			Reason: "seizure 12/2026", CreatedBy: "lead", CreatedAt: at.Add(4 * time.Minute)}},
		PlaceHold{Hold: Hold{ID: "0193a0b0-0000-7000-8000-000000000002", Vehicle: "xe-01", Camera: "cam1", Start: at, End: at.Add(time.Minute),
			Reason: "check", CreatedBy: "duty", CreatedAt: at.Add(5 * time.Minute)}},
		LiftHold{ID: "0193a0b0-0000-7000-8000-000000000002", By: "lead", At: at.Add(6 * time.Minute)},
		ExpireSegment{Vehicle: "xe-01", Camera: "cam1", Seq: 1, Start: m1.Start},
		ResetKey{Vehicle: "xe-01"},
	}
	var a *Archive
	commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		var err error
		a, err = New(Config{Dir: t.TempDir(), Retention: time.Hour, SweepInterval: time.Hour, Now: func() time.Time { return at }}, db, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}, cmds)
	holds, err := a.Holds()
	if err != nil || len(holds) != 1 || holds[0].Reason != "seizure 12/2026" {
		t.Fatalf("holds %+v %v", holds, err)
	}
	recs, err := a.Segments("xe-01", "cam1", at, at.Add(time.Minute))
	if err != nil || len(recs) != 1 || !recs[0].Lost || recs[0].Manifest.Seq != 2 {
		t.Fatalf("records %+v %v", recs, err)
	}
	days, err := a.Transfers("2026-12-01", nil)
	if err != nil || len(days) != 1 || days[0].SegmentsSent != 1 || days[0].Errors != 1 || days[0].SegmentsApplied != 1 ||
		len(days[0].Files) != 1 || !days[0].Files[0].ReceivedStart.Equal(at.Add(50*time.Second)) || days[0].Files[0].Error != "" {
		t.Fatalf("transfers %+v %v", days, err)
	}
	if _, err := a.Key("xe-01"); err != ErrNoKey {
		t.Fatalf("key after reset: %v", err)
	}
}
