package auth

import (
	"encoding/json"
	"fmt"
	"sort"
)

func sessionKey(token string) string { return sessionPrefix + digest(token) }

const sessionPrefix = "session/"

// Sessions lists the open sessions of username ("" = everyone's), newest first.
func (s *Service) Sessions(username string) ([]Session, error) {
	now := s.p.Now()
	var out []Session
	err := s.db.Each(sessionPrefix, func(key string, raw []byte) error {
		var sess Session
		if err := json.Unmarshal(raw, &sess); err != nil {
			return fmt.Errorf("decode %s: %w", key, err)
		}
		sess.ID = key[len(sessionPrefix):]
		if (username == "" || sess.Username == username) && now.Before(sess.Expires) {
			out = append(out, sess)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, err
}

// Session returns one open session by its ID.
func (s *Service) Session(id string) (Session, error) {
	var sess Session
	if err := s.db.Get(sessionPrefix+id, &sess); err != nil {
		return sess, ErrNoSession
	}
	sess.ID = id
	return sess, nil
}

// RevokeSession ends a session by its ID.
func (s *Service) RevokeSession(id string) error {
	return s.sub.Submit(SessionEndCmd{ID: id, At: s.p.Now().UTC()})
}
