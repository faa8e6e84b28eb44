package reports

import (
	"encoding/json"
	"errors"
	"fieldwatch/hub/audit"
)

// VehicleReport files a report a crew wrote on its vehicle's LAN app; it
// came through the vehicle's outbox, so it may come twice: its client id
// files it once. An unreadable one is logged and dropped (resending it
// would not mend it).
func (a *API) VehicleReport(vehicle string, body json.RawMessage) error {
	var in struct {
		ClientID string   `json:"client_id"`
		By       string   `json:"by"`
		Title    string   `json:"title"`
		Text     string   `json:"text"`
		Action   string   `json:"action"`
		Lat      *float64 `json:"lat"`
		Lon      *float64 `json:"lon"`
		Photos   []string `json:"photos"`
	}
	unit, err := a.p.Scope.Vehicles.UnitOf(vehicle)
	if err != nil || json.Unmarshal(body, &in) != nil || in.ClientID == "" {
		a.p.Logger.Warn("unreadable crew report from a vehicle, dropped", "vehicle", vehicle, "err", err)
		return nil
	}
	// The photos follow by HTTP (PUT /api/v1/sync/{vehicle}/photos/{id}) and may arrive after the report.
	rep := Report{Unit: unit, Vehicle: vehicle, Title: in.Title, Text: in.Text, Action: in.Action, Via: "vehicle",
		Photos: in.Photos}
	if in.Lat != nil && in.Lon != nil {
		rep.Position = &Position{Lat: *in.Lat, Lon: *in.Lon}
	}
	by := Actor{Username: "vehicle:" + vehicle, Name: in.By}
	created, err := a.p.Reports.Create(by, in.ClientID, rep)
	if errors.Is(err, ErrInvalid) {
		a.p.Logger.Warn("invalid crew report from a vehicle, dropped", "vehicle", vehicle, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	if err := a.p.Audit.Add(by.Username, unit, "report.create", created.ID, audit.Clip(in.By+": "+created.Title+" "+created.Text), "vehicle"); err != nil {
		a.p.Logger.Error("audit", "err", err)
	}
	a.p.Filed(created)
	return nil
}
