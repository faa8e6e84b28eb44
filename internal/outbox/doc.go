// Package outbox owns the persistent message queues at both ends of the
// control channel: the Outbox a sender keeps its unacknowledged messages
// in, and the Inbox a receiver uses to apply each message exactly once and
// in order. Together they make instructions, acknowledgements and crew
// reports survive kill -9 and hours-long link outages: delivery is at least
// once (the sender resends until acked), application is exactly once and in
// order per stream (the receiver drops duplicates and refuses gaps).
//
// # Streams
//
// A stream is one (sender, recipient) pair. Each stream has its own
// sequence 1, 2, 3… without gaps, so the hub talking to many vehicles gives
// every vehicle a gap-free sequence of its own. A message's ID is
// sender + ">" + to + "/" + the sequence as 20 decimal digits, e.g.
// "hub>veh-12/00000000000000000007". The empty recipient is a stream like
// any other (a vehicle with a single upstream may use it).
//
// The protocol: the sender sends Outbox.Pending(to) and resends it after a
// reconnect or a timeout; the receiver passes each message to Inbox.Apply
// and answers with its cumulative ack, Inbox.Last(sender, to); on Gap it
// sends the same ack, which asks the sender to resend from Last+1; the
// sender passes the ack to Outbox.Ack. Acks need not be persisted or
// reliable: a lost ack only causes a resend, which the Inbox drops.
//
// # Keys
//
// Every key starts with the caller's prefix P. Addresses (sender, to) are
// written with url.PathEscape, so they never contain "/" and keys cannot be
// confused; ordinary addresses such as "veh-12" appear as they are.
//
//	P + "s"                        the Outbox's sender (refuses to reopen as another)
//	P + "n/" + to                  last sequence assigned on stream to, 8 bytes big-endian
//	P + "m/" + to + "/" + %020d    an unacknowledged message, JSON (Message)
//	P + "l/" + sender + "/" + to   last sequence applied from that stream, 8 bytes big-endian
//
// An Outbox and an Inbox may share one prefix. Two Outboxes, or two Inboxes,
// must not: give each its own prefix, and choose prefixes of which none is a
// prefix of another (e.g. "ob/hub/" and "ib/hub/", not "ob" and "ob/x").
//
// Every write is one Badger transaction committed before the call returns;
// Open and OpenInbox refuse a database not opened with WithSyncWrites(true)
// (or WithInMemory), so a returned call is on disk. Outbox and Inbox are safe for concurrent
// use and start no goroutines.
package outbox
