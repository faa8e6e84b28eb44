// Package whip is the client side of WHIP and WHEP signalling (RFC 9725;
// WHEP uses the same exchange): POST an SDP offer, get the answer and the
// session's URL; PATCH the session with a trickle-ice-sdpfrag (RFC 8840)
// to restart ICE; DELETE it to end. Standard library only.
package whip

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxBody bounds an answer from the server.
const maxBody = 256 << 10

// StatusError is a non-2xx answer.
type StatusError struct {
	Code int
	Body string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("whip: server answered %d: %s", e.Code, strings.TrimSpace(e.Body))
}

// SessionGone reports whether err means the server no longer has the
// session (or cannot PATCH it), so the client should start a new one.
func SessionGone(err error) bool {
	var se *StatusError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented,
		http.StatusUnsupportedMediaType, http.StatusPreconditionFailed, http.StatusBadRequest:
		return true
	}
	return false
}

// Client signals with one server.
type Client struct {
	HTTP  *http.Client
	Token string // bearer token; empty sends none
}

// Session is a session the server created.
type Session struct {
	Location string // absolute URL of the session
	ETag     string
	Answer   string
}

func (c *Client) do(ctx context.Context, method, target, ctype, body, ifMatch string) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, strings.NewReader(body))
	if err != nil {
		return nil, "", fmt.Errorf("whip: %s %s: %w", method, target, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("whip: %s %s: %w", method, target, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return resp, "", fmt.Errorf("whip: read answer: %w", err)
	}
	if len(data) > maxBody {
		return resp, "", fmt.Errorf("whip: answer larger than %d bytes", maxBody)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, "", &StatusError{Code: resp.StatusCode, Body: string(data)}
	}
	return resp, string(data), nil
}

// Offer POSTs an SDP offer to endpoint and returns the new session.
func (c *Client) Offer(ctx context.Context, endpoint, offer string) (*Session, error) {
	resp, body, err := c.do(ctx, http.MethodPost, endpoint, "application/sdp", offer, "")
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("whip: want 201 Created, got %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, errors.New("whip: answer has no Location")
	}
	base, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("whip: endpoint: %w", err)
	}
	ref, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("whip: Location %q: %w", loc, err)
	}
	if !strings.HasPrefix(body, "v=0") {
		return nil, errors.New("whip: answer is not SDP")
	}
	return &Session{Location: base.ResolveReference(ref).String(), ETag: resp.Header.Get("ETag"), Answer: body}, nil
}

// Patch sends an ICE restart fragment and returns the server's fragment.
func (s *Session) Patch(ctx context.Context, c *Client, frag string) (string, error) {
	resp, body, err := c.do(ctx, http.MethodPatch, s.Location, "application/trickle-ice-sdpfrag", frag, s.ETag)
	if err != nil {
		return "", err
	}
	if et := resp.Header.Get("ETag"); et != "" {
		s.ETag = et
	}
	return body, nil
}

// Delete ends the session.
func (s *Session) Delete(ctx context.Context, c *Client) error {
	_, _, err := c.do(ctx, http.MethodDelete, s.Location, "", "", "")
	return err
}
