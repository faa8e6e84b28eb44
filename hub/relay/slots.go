package relay

// Viewer slots. A viewer is pending from its WHEP offer until its ICE
// connects, then connected until it closes. Pending viewers cost a slot
// only to their own account: an account may hold MaxPendingPerStream of
// them on a stream and MaxPendingPerAccount over the relay, and a stream
// admits a viewer while its connected viewers plus the account's own
// pending ones are below MaxViewers. Pending viewers that never connect
// are closed after ViewerConnectTimeout. None of this is on the packet
// path: it runs once per offer, connection and close.

// slot is where a viewer stands in its stream's count; guarded by the relay's mutex.
type slot uint8

const (
	slotNone slot = iota
	slotPending
	slotConnected
)

// admitViewer counts v as a pending viewer of its stream and registers its
// session, or says why it may not.
func (r *Relay) admitViewer(v *viewer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	s := v.s
	if r.pending[v.account] >= r.p.MaxPendingPerAccount || s.pending[v.account] >= r.p.MaxPendingPerStream {
		return ErrTooManyPending
	}
	if s.connected+s.pending[v.account] >= r.p.MaxViewers {
		return ErrTooManyViewers
	}
	s.mu.Lock()
	s.viewers[v.sid] = v
	s.mu.Unlock()
	r.sessions[v.sid] = v
	r.pending[v.account]++
	s.pending[v.account]++
	v.slot = slotPending
	return nil
}

// connectViewer turns v from pending into connected; false if v is no
// longer pending (closed) or the stream already has MaxViewers connected.
func (r *Relay) connectViewer(v *viewer) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v.slot != slotPending {
		return false
	}
	r.unpend(v)
	if v.s.connected >= r.p.MaxViewers {
		return false
	}
	v.s.connected++
	v.slot = slotConnected
	return true
}

// releaseViewer frees v's slot and forgets its session.
func (r *Relay) releaseViewer(v *viewer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch v.slot {
	case slotPending:
		r.unpend(v)
	case slotConnected:
		v.s.connected--
		v.slot = slotNone
	}
	delete(r.sessions, v.sid)
}

// unpend takes pending v out of the counts. Called with the relay's lock held.
func (r *Relay) unpend(v *viewer) {
	if r.pending[v.account]--; r.pending[v.account] <= 0 {
		delete(r.pending, v.account)
	}
	if v.s.pending[v.account]--; v.s.pending[v.account] <= 0 {
		delete(v.s.pending, v.account)
	}
	v.slot = slotNone
}
