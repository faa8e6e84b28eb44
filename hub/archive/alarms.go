package archive

import (
	"fieldwatch/hub/alerts"
	"fieldwatch/protocol"
)

// Telemetry turns a vehicle's storage alarm changes, as its telemetry
// reports them, into alerts (disk low, disk full).
func (a *Archive) Telemetry(vehicle string, t *protocol.Telemetry) {
	alarm, msg := "", ""
	if t.Storage != nil {
		alarm, msg = t.Storage.Alarm, t.Storage.Message
	}
	a.alarmMu.Lock()
	if a.alarms == nil {
		a.alarms = map[string]string{}
	}
	prev := a.alarms[vehicle]
	a.alarms[vehicle] = alarm
	a.alarmMu.Unlock()
	if alarm == prev || alarm == "" {
		return
	}
	kind := alerts.KindDiskLow
	if alarm == protocol.StorageFull {
		kind = alerts.KindDiskFull
	}
	a.alert(kind, vehicle, "", msg)
}
