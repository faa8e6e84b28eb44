package archive

import (
	"testing"

	"fieldwatch/protocol"
)

// Each change of a vehicle's storage alarm raises one alert; a repeated or
// cleared alarm raises none.
func TestStorageAlarmsFromTelemetry(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	tel := func(alarm string) *protocol.Telemetry {
		return &protocol.Telemetry{Storage: &protocol.StorageState{Alarm: alarm, Message: "disk " + alarm}}
	}
	f.a.Telemetry("xe-01", &protocol.Telemetry{})
	f.a.Telemetry("xe-01", tel(protocol.StorageLow))
	f.a.Telemetry("xe-01", tel(protocol.StorageLow))
	f.a.Telemetry("xe-01", tel(protocol.StorageFull))
	f.a.Telemetry("xe-01", tel(""))
	f.a.Telemetry("xe-02", tel(""))
	if got := f.alertKinds(); got != "disk_full,disk_low" && got != "disk_low,disk_full" {
		t.Fatalf("alerts %q, want one disk_low and one disk_full", got)
	}
}
