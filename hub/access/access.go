// Package access is the hub's authorisation policy: which role may do what
// (Decision 3035: each account acts only as its role allows), and over
// which part of the unit tree (a user acts only within its own unit's
// subtree; a hub administrator administers every unit). The HTTP layer
// asks Allow on every route, WHEP included, before any handler runs.
package access

import (
	"fmt"
	"slices"

	"fieldwatch/internal/errkind"
)

// ErrDenied: the account may not do this.
var ErrDenied = errkind.New(errkind.Forbidden, "forbidden", "not allowed for this account")

// Action is something a route does.
type Action string

// Actions.
const (
	None            Action = ""                 // public, or a vehicle's own routes
	Self            Action = "self"             // one's own account and sessions
	FleetView       Action = "fleet.view"       // vehicles, cameras, streams, positions
	LiveView        Action = "live.view"        // WHEP playback
	ArchiveView     Action = "archive.view"     // timeline, playback, segment records
	ArchiveExport   Action = "archive.export"   // evidence bundles
	HoldPlace       Action = "archive.hold"     // place a legal hold
	HoldLift        Action = "archive.unhold"   // lift a legal hold
	TransfersView   Action = "transfers.view"   // Decision 3035 Appendix I statistics
	AlertsView      Action = "alerts.view"      // tamper, storage, lost-recording alerts
	AuditRead       Action = "audit.read"       // search and export the audit log
	UnitsView       Action = "units.view"       // the unit tree
	UnitsAdmin      Action = "units.admin"      // create, rename, move, delete units
	UsersView       Action = "users.view"       // accounts of one's subtree
	UsersAdmin      Action = "users.admin"      // create, lock, unlock, retire, reset accounts
	VehiclesAdmin   Action = "vehicles.admin"   // vehicle credentials
	InstructionSend Action = "instruction.send" // compose instructions
	InstructionRead Action = "instruction.read" // see instructions (sent, or addressed to one)
	InstructionAck  Action = "instruction.ack"  // acknowledge one addressed to one
	ReportCreate    Action = "report.create"    // raise a suspicious-sign report
	ReportRead      Action = "report.read"      // see reports
	ReportDecide    Action = "report.decide"    // approve, reject, reply
	LiveCrewPublish Action = "live.publish"     // a crew phone publishing its camera
	SimLink         Action = "sim.link"         // demo: cut a simulated link
	DutyLogRead     Action = "dutylog.read"     // read a unit's duty log, handovers, daily report
	DutyLogWrite    Action = "dutylog.write"    // write the duty log, hand over and take over a shift
	RosterRead      Action = "roster.read"      // duty rosters
	RosterWrite     Action = "roster.write"     // generate a roster, propose overrides and swaps
	RosterApprove   Action = "roster.approve"   // approve or reject overrides, publish a roster
	IncidentRead    Action = "incident.read"    // camera and transmission faults
	IncidentWrite   Action = "incident.write"   // open, assign, update, gate log, close
	LeaveWrite      Action = "leave.write"      // enter or remove leave: one's own; leaders and duty officers, their unit's officers'

	// Targeted surveillance: focus profiles and their alerts.
	ProfileRead        Action = "profile.read"         // focus profiles of one's subtree
	ProfileWrite       Action = "profile.write"        // draft, edit, submit, close a focus profile
	ProfileApprove     Action = "profile.approve"      // approve or reject a focus profile or its revision
	ProfileAlertRead   Action = "profile.alert.read"   // alerts raised by focus profiles
	ProfileAlertHandle Action = "profile.alert.handle" // acknowledge and resolve them

	// Mobile surveillance: missions of command vehicles.
	MissionRead   Action = "mission.read"   // missions (a crew: its own), their log and track
	MissionWrite  Action = "mission.write"  // plan, change, cancel a mission
	MissionReport Action = "mission.report" // start one now, close it with the closing report

	// Continuous surveillance: camera groups, watch assignments, sample checks.
	WatchRead    Action = "watch.read"    // camera groups, assignments, coverage, one's tour, sample lists
	WatchWrite   Action = "watch.write"   // edit groups, assign officers (by hand or automatically)
	SampleImport Action = "sample.import" // import a list and draw the random sample
	SampleWork   Action = "sample.work"   // close a sample task with its result
)

// Role names, as the API and the configuration spell them.
const (
	Admin        = "admin"
	Leader       = "leader"
	Duty         = "duty"
	Surveillance = "surveillance"
	Crew         = "crew"
)

// Roles lists every user role.
var Roles = []string{Admin, Leader, Duty, Surveillance, Crew}

// grants says which roles may take each action. Field crews see their own
// vehicles live but do not browse the archive; evidence leaves the hub only
// through leaders and duty officers; the administrator manages accounts,
// units and credentials and reads the audit log, and decides nothing.
var grants = map[Action][]string{
	Self:            Roles,
	FleetView:       Roles,
	LiveView:        Roles,
	UnitsView:       Roles,
	ArchiveView:     {Admin, Leader, Duty, Surveillance},
	ArchiveExport:   {Leader, Duty},
	HoldPlace:       {Leader, Duty},
	HoldLift:        {Leader},
	TransfersView:   {Admin, Leader, Duty, Surveillance},
	AlertsView:      {Admin, Leader, Duty, Surveillance},
	AuditRead:       {Admin},
	UnitsAdmin:      {Admin},
	UsersView:       {Admin, Leader, Duty},
	UsersAdmin:      {Admin},
	VehiclesAdmin:   {Admin},
	InstructionSend: {Leader, Duty},
	InstructionRead: Roles,
	InstructionAck:  {Leader, Duty, Surveillance, Crew},
	ReportCreate:    {Duty, Surveillance, Crew},
	ReportRead:      {Leader, Duty, Surveillance, Crew},
	ReportDecide:    {Leader},
	LiveCrewPublish: {Crew},
	SimLink:         {Admin, Leader, Duty},
	DutyLogRead:     {Leader, Duty, Surveillance},
	DutyLogWrite:    {Leader, Duty, Surveillance},
	RosterRead:      {Admin, Leader, Duty, Surveillance, Crew},
	RosterWrite:     {Leader, Duty},
	RosterApprove:   {Leader},
	IncidentRead:    {Admin, Leader, Duty, Surveillance},
	IncidentWrite:   {Leader, Duty, Surveillance},
	LeaveWrite:      {Leader, Duty, Surveillance},

	ProfileRead:        {Leader, Duty, Surveillance},
	ProfileWrite:       {Surveillance, Duty, Leader},
	ProfileApprove:     {Leader},
	ProfileAlertRead:   {Leader, Duty, Surveillance},
	ProfileAlertHandle: {Leader, Duty, Surveillance},

	MissionRead:   Roles,
	MissionWrite:  {Leader, Duty},
	MissionReport: {Leader, Duty, Crew},

	WatchRead:    {Leader, Duty, Surveillance},
	WatchWrite:   {Leader, Duty},
	SampleImport: {Leader, Duty, Surveillance},
	SampleWork:   {Duty, Surveillance},
}

// Known reports whether the policy has a rule for a.
func Known(a Action) bool {
	_, ok := grants[a]
	return ok || a == None
}

// RoleMay reports whether any of roles may take action a.
func RoleMay(roles []string, a Action) bool {
	for _, r := range roles {
		if slices.Contains(grants[a], r) {
			return true
		}
	}
	return false
}

// Tree answers whether one unit lies within another's subtree.
type Tree interface {
	Within(unit, ancestor string) bool
}

// Subject is who asks.
type Subject struct {
	Username string
	Unit     string
	Roles    []string
}

// Global reports whether the subject's scope is the whole tree: a hub
// administrator administers every unit.
func (s Subject) Global() bool { return slices.Contains(s.Roles, Admin) }

// Allow decides whether s may take action a at all (routes that are not
// about one unit's things). The error says why not.
func Allow(s Subject, a Action) error {
	if !RoleMay(s.Roles, a) {
		return fmt.Errorf("%w: %s may not %s", ErrDenied, s.Username, a)
	}
	return nil
}

// AllowIn decides whether s may take action a on something that belongs to
// unit. Something that belongs to no unit is the administrator's alone.
func AllowIn(t Tree, s Subject, a Action, unit string) error {
	if err := Allow(s, a); err != nil {
		return err
	}
	if Sees(t, s, unit) {
		return nil
	}
	return fmt.Errorf("%w: %s of unit %q may not %s for unit %q", ErrDenied, s.Username, s.Unit, a, unit)
}

// Sees reports whether something of unit is within s's scope.
func Sees(t Tree, s Subject, unit string) bool {
	return s.Global() || unit != "" && t.Within(unit, s.Unit)
}
