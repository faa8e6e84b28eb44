package server

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/messaging"
)

// instructionView adds what the reader needs to decide at a glance.
type instructionView struct {
	messaging.Instruction
	Overdue bool `json:"overdue"`
}

type instructionRequest struct {
	Text     string   `json:"text"`
	Urgent   bool     `json:"urgent"`
	Vehicles []string `json:"vehicles"`
	// Users sends to officers or crew members by account (read at the hub).
	Users []string `json:"users"`
	// Unit sends to every vehicle of a unit's subtree.
	Unit string `json:"unit"`
	// ClientID makes a retried request send once.
	ClientID string `json:"client_id"`
}

// handleSendInstruction sends an instruction to vehicles, or to every
// vehicle of a unit; every one must be within the sender's scope.
func (h *Hub) handleSendInstruction(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req instructionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	var to []messaging.Target
	for _, id := range req.Vehicles {
		if !h.allowVehicle(w, r, u, access.InstructionSend, id) {
			return
		}
		v, _ := h.fleet.Get(id)
		to = append(to, messaging.Target{Vehicle: v.ID, Unit: v.Unit})
	}
	for _, name := range req.Users {
		acct, err := h.auth.User(name)
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		if acct.Retired {
			writeError(w, r, h.log, fmt.Errorf("%w: account %s is retired", errBadRequest, name))
			return
		}
		if err := access.AllowIn(h.units, u.Subject(), access.InstructionSend, acct.Unit); err != nil {
			h.deny(w, r, u, err)
			return
		}
		to = append(to, messaging.Target{User: acct.Username, Unit: acct.Unit})
	}
	if req.Unit != "" {
		if err := access.AllowIn(h.units, u.Subject(), access.InstructionSend, req.Unit); err != nil {
			h.deny(w, r, u, err)
			return
		}
		all, err := h.fleet.List()
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		for _, v := range all {
			if h.units.Within(v.Unit, req.Unit) {
				to = append(to, messaging.Target{Vehicle: v.ID, Unit: v.Unit})
			}
		}
	}
	in, err := h.messages.Send(messaging.Sender{Username: u.Username, Name: u.Name, Unit: u.Unit}, req.ClientID, req.Text, req.Urgent, to)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "instruction.send", in.ID, fmt.Sprintf("%d vehicle(s), urgent=%v: %s", len(in.To), in.Urgent, clipText(in.Text)))
	writeJSON(w, http.StatusCreated, instructionView{Instruction: in})
}

// visible reports whether u may see an instruction: it is addressed to u,
// one of its recipients is in u's scope, or it was escalated to u.
func (h *Hub) visible(u auth.User, in *messaging.Instruction) bool {
	if in.Notice { // a roster notice is its recipient's and its sender's business
		return in.From == u.Username || slices.ContainsFunc(in.To, func(r messaging.Recipient) bool { return r.User == u.Username })
	}
	for _, r := range in.To {
		if r.User == u.Username || access.Sees(h.units, u.Subject(), r.Unit) {
			return true
		}
	}
	return slices.Contains(in.EscalatedTo, u.Username)
}

func (h *Hub) handleInstructions(w http.ResponseWriter, r *http.Request, u auth.User) {
	list, err := h.messages.List(func(in *messaging.Instruction) bool { return h.visible(u, in) }, 500)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.messages.Fetched(u.Username, list)
	now := time.Now()
	out := make([]instructionView, len(list))
	for i := range list {
		out[i] = instructionView{Instruction: list[i], Overdue: list[i].Overdue(now)}
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Hub) handleInstruction(w http.ResponseWriter, r *http.Request, u auth.User) {
	in, err := h.messages.Get(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if !h.visible(u, &in) {
		h.deny(w, r, u, fmt.Errorf("%w: instruction %s is for other units", access.ErrDenied, in.ID))
		return
	}
	writeJSON(w, http.StatusOK, instructionView{Instruction: in, Overdue: in.Overdue(time.Now())})
}

type receiptRequest struct {
	// Vehicle whose crew the caller acknowledges for; "" = the caller as a recipient.
	Vehicle string `json:"vehicle"`
	State   string `json:"state"` // read or acknowledged
}

// handleReceipt records a read or an acknowledgement given through the
// hub: a crew member's on a phone for a vehicle, or a recipient officer's.
func (h *Hub) handleReceipt(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req receiptRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if req.Vehicle != "" && !h.allowVehicle(w, r, u, access.InstructionAck, req.Vehicle) {
		return
	}
	by := u.Name
	if by == "" {
		by = u.Username
	}
	in, err := h.messages.Acknowledge(r.PathValue("id"), req.Vehicle, u.Username, req.State, by)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "instruction."+req.State, in.ID, req.Vehicle)
	writeJSON(w, http.StatusOK, instructionView{Instruction: in, Overdue: in.Overdue(time.Now())})
}

func clipText(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
