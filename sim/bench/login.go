package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// login gets a bearer token from a fieldwatch hub (POST /api/v1/auth/login).
func login(ctx context.Context, hc *http.Client, hub, userPass string) (string, error) {
	user, pass, ok := strings.Cut(userPass, ":")
	if !ok || user == "" {
		return "", errors.New("bench: --login wants user:password")
	}
	body, err := json.Marshal(map[string]string{"username": user, "password": pass})
	if err != nil {
		return "", fmt.Errorf("bench: login: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub+"/api/v1/auth/login", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("bench: login: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("bench: login: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return "", fmt.Errorf("bench: login as %s: %s: %s", user, resp.Status, strings.TrimSpace(string(msg)))
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&out); err != nil {
		return "", fmt.Errorf("bench: login as %s: %w", user, err)
	}
	if out.Token == "" {
		return "", fmt.Errorf("bench: login as %s: no token in the answer", user)
	}
	return out.Token, nil
}
